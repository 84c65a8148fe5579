"""Many plans against one base: the alignments, and the frames behind the matrix and the reports.

Order is deterministic: plans in the order asked (or the library's order), base measures and
clauses in document order.
"""

from __future__ import annotations

import pandas as pd

from compare.classify import STATUSES, Alignment
from compare.model import Plan
from compare.settings import Settings
from compare.targets import compare_targets, extract_targets, indicator_similarity


def summary_frame(alignments: list[Alignment]) -> pd.DataFrame:
    rows = []
    for a in alignments:
        c = a.counts()
        rows.append(
            {
                "plan": a.plan.id,
                "name": a.plan.meta.name,
                "kind": a.plan.meta.kind,
                "date": a.plan.meta.date or "",
                **c,
                "measures": sum(c.values()),
                "coverage": round(a.coverage, 3),
                "local": len(a.local),
                "overridden": sum(1 for m in a.measures if m.overridden),
            }
        )
    return pd.DataFrame(rows, columns=_summary_columns())


def _summary_columns() -> list[str]:
    return ["plan", "name", "kind", "date", *STATUSES, "measures", "coverage", "local", "overridden"]


def clause_frame(alignments: list[Alignment]) -> pd.DataFrame:
    """Base clauses x plans: coverage share (None for clauses not counted)."""
    if not alignments:
        return pd.DataFrame()
    base = alignments[0].base
    rows = []
    for k, clause in enumerate(base.clauses):
        row = {"clause": clause.id, "number": clause.number or "", "title": clause.title}
        for a in alignments:
            row[a.plan.id] = None if a.clauses[k].coverage is None else round(a.clauses[k].coverage, 3)
        rows.append(row)
    return pd.DataFrame(rows)


def measure_frame(alignments: list[Alignment]) -> pd.DataFrame:
    """Base measures x plans: status, score and best match per plan (long form, one row per pair)."""
    rows = []
    for a in alignments:
        for m in a.measures:
            best = m.matches[0] if m.matches else None
            rows.append(
                {
                    "plan": a.plan.id,
                    "measure": m.measure.id,
                    "clause": m.clause.label,
                    "counted": m.counted,
                    "text": m.measure.text,
                    "status": m.status,
                    "score": m.score,
                    "match_clause": best.clause.label if best else "",
                    "match_text": best.measure.text if best else "",
                    "evidence": m.evidence,
                    "overridden": m.overridden or "",
                }
            )
    return pd.DataFrame(rows)


def gaps_frame(a: Alignment) -> pd.DataFrame:
    """Omitted and partial counted measures of one plan, with the nearest plan text."""
    rows = []
    for m in a.measures:
        if m.status not in ("omitted", "partial") or not m.counted:
            continue
        best = m.matches[0] if m.matches else None
        rows.append(
            {
                "measure": m.measure.id,
                "clause": m.clause.label,
                "status": m.status,
                "text": m.measure.text,
                "nearest_clause": best.clause.label if best else "",
                "nearest_text": best.measure.text if best else "",
                "score": m.score,
                "evidence": m.evidence,
            }
        )
    return pd.DataFrame(
        rows, columns=["measure", "clause", "status", "text", "nearest_clause", "nearest_text", "score", "evidence"]
    )


def targets_frame(alignments: list[Alignment], settings: Settings | None = None) -> pd.DataFrame:
    """Each base target beside the plan targets on the same indicator in its matched sentences."""
    rows = []
    for a in alignments:
        threshold = (settings or a.settings).indicator_threshold
        for m in a.measures:
            plan_targets = [
                (x, t) for x in m.matches for t in extract_targets(x.measure.text) if x.score >= a.settings.match_floor
            ]
            for bt in m.targets:
                same = [(x, t) for x, t in plan_targets if indicator_similarity(bt.indicator, t.indicator) >= threshold]
                for x, pt in same or [(None, None)]:
                    rows.append(_target_row(a.plan, m.measure.id, bt, x, pt))
    return pd.DataFrame(rows, columns=_TARGET_COLUMNS)


_TARGET_COLUMNS = [
    "plan",
    "measure",
    "base_indicator",
    "base_year",
    "base_value",
    "base_unit",
    "plan_indicator",
    "plan_year",
    "plan_value",
    "plan_unit",
    "verdict",
    "plan_measure",
]


def _target_row(plan: Plan, mid: str, bt, x, pt) -> dict:
    return {
        "plan": plan.id,
        "measure": mid,
        "base_indicator": bt.indicator,
        "base_year": bt.year or "",
        "base_value": bt.value,
        "base_unit": bt.unit,
        "plan_indicator": pt.indicator if pt else "",
        "plan_year": (pt.year or "") if pt else "",
        "plan_value": pt.value if pt else None,
        "plan_unit": pt.unit if pt else "",
        "verdict": compare_targets(bt, pt) if pt else "not in plan",
        "plan_measure": x.measure.id if x else "",
    }


def local_frame(alignments: list[Alignment]) -> pd.DataFrame:
    rows = [
        {
            "plan": a.plan.id,
            "measure": x.measure.id,
            "clause": x.clause.label,
            "text": x.measure.text,
            "nearest": x.nearest,
        }
        for a in alignments
        for x in a.local
    ]
    return pd.DataFrame(rows, columns=["plan", "measure", "clause", "text", "nearest"])


def status_matrix(alignments: list[Alignment]) -> pd.DataFrame:
    """Base measures x plans, the status words only (the Measures sheet and the Markdown matrix)."""
    long = measure_frame(alignments)
    if long.empty:
        return long
    wide = long.pivot(index="measure", columns="plan", values="status")
    order = [m.measure.id for m in alignments[0].measures]
    return wide.reindex(index=order, columns=[a.plan.id for a in alignments])
