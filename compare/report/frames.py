"""Many plans against one base: the alignments, and the frames behind the matrix and the reports.

Order is deterministic: plans in the order asked (or the library's order), base measures and
clauses in document order.
"""

from __future__ import annotations

import pandas as pd
from jtcompare.match.classify import STATUSES, Alignment
from jtcompare.match.targets import Target


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
                    "counted": "yes" if m.counted else "no",
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
        best = m.matches[0] if m.matches else m.nearest
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


def targets_frame(alignments: list[Alignment]) -> pd.DataFrame:
    """Base targets beside the plan targets the status was judged on (verdict stricter/equal/laxer/added).

    A base target with no plan counterpart is listed with verdict 'not in plan'.
    """
    rows = []
    for a in alignments:
        for m in a.measures:
            paired = {id(p.base) for p in m.compared if p.base is not None}
            for p in m.compared:
                rows.append(_target_row(a.plan.id, m.measure.id, p.base, p.plan, p.verdict, p.plan_measure))
            for bt in m.targets:
                if id(bt) not in paired:
                    rows.append(_target_row(a.plan.id, m.measure.id, bt, None, "not in plan", ""))
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


def _target_row(plan: str, mid: str, bt: Target | None, pt: Target | None, verdict: str, plan_measure: str) -> dict:
    return {
        "plan": plan,
        "measure": mid,
        "base_indicator": bt.indicator if bt else "",
        "base_year": (bt.year or "") if bt else "",
        "base_value": bt.value if bt else None,
        "base_unit": bt.unit if bt else "",
        "plan_indicator": pt.indicator if pt else "",
        "plan_year": (pt.year or "") if pt else "",
        "plan_value": pt.value if pt else None,
        "plan_unit": pt.unit if pt else "",
        "verdict": verdict,
        "plan_measure": plan_measure,
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
