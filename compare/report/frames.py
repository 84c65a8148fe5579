"""Many plans against one base: the frames behind the matrix, the reports and the brief.

Order is deterministic: plans in the order asked (or the library's order), base measures and
clauses in document order. Keys and values stay English (they are the CSV columns and JSON keys);
renderers turn them into words with jtcompare.report.vocab. Frames hold Python values (object
columns): 42 stays 42, a missing year stays None, never NaN or 42.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jtcompare.match.results import COVERAGE_STATUSES, STATUSES, UNITS_JOINED, Alignment, MeasureResult, Target
from jtcompare.plans.model import Clause, Plan
from jtcompare.report.caveats import codes

if TYPE_CHECKING:  # pandas is imported where a frame is built: `matrix --format csv|json` streams rows without it
    import pandas as pd

SUMMARY_COLUMNS = [
    "plan",
    "name",
    "kind",
    "date",
    *STATUSES,
    "measures",
    "coverage",
    "local",
    "overridden",
    "flagged",
    "caveats",
]
MEASURE_COLUMNS = [
    "plan",
    "measure",
    "chapter",
    "clause",
    "departments",
    "counted",
    "status",
    "units",
    "score",
    "confidence",
    "text",
    "units_missing",
    "plan_measure",
    "plan_clause",
    "plan_text",
    "evidence",
    "overridden",
    "engine_status",  # for data files (CSV): the engine's own call under an override; the workbook shows the note
    "confirmed",
    # added last, so that a script reading columns by position reads what it did
    "base",
    "clause_id",
    "flagged",
    "engine_confidence",
]
# columns of the CSV that the workbook's sheets leave out (a flagged cell is marked ? after its status there)
DATA_ONLY = ("base", "clause_id", "flagged", "engine_status", "confirmed", "engine_confidence")
GAP_COLUMNS = [
    "plan",
    "base",
    "measure",
    "chapter",
    "clause",
    "departments",
    "status",
    "units",
    "confidence",
    "text",
    "plan_measure",
    "plan_text",
    "evidence",
]
TARGET_COLUMNS = [
    "plan",
    "measure",
    "base_indicator",
    "base_year",
    "base_comparator",
    "base_value",
    "base_unit",
    "plan_indicator",
    "plan_year",
    "plan_comparator",
    "plan_value",
    "plan_unit",
    "verdict",
    "plan_measure",
]
LOCAL_COLUMNS = ["plan", "plan_measure", "chapter", "plan_clause", "plan_text", "nearest"]


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns, dtype=object)


def chapter_label(plan: Plan, clause: Clause) -> str:
    """三、加强源头防控: the chapter with its number, as the plan writes it."""
    return plan.chapter_label(clause)


def departments(clause: Clause) -> str:
    """牵头/责任部门 of a clause, lead first (the order the plan names them)."""
    return "、".join(clause.departments)


def summary_row(a: Alignment) -> dict:
    """One plan's line of the summary, keys in SUMMARY_COLUMNS order."""
    c = a.counts()
    return {
        "plan": a.plan.id,
        "name": a.plan.meta.name,
        "kind": a.plan.meta.kind,
        "date": a.plan.meta.date or "",
        **c,
        # the coverage's denominator, as the legend and the brief say: not_applicable measures are not counted
        "measures": sum(c[s] for s in COVERAGE_STATUSES),
        "coverage": round(a.coverage, 3),
        "local": len(a.local),
        "overridden": sum(1 for m in a.measures if m.corrected),  # a review's confirmations are not overrides
        "flagged": a.to_check,  # counted cells to check, as each cell's `flagged`
        "caveats": codes(a),
    }


def summary_frame(alignments: list[Alignment]) -> pd.DataFrame:
    return _frame([summary_row(a) for a in alignments], SUMMARY_COLUMNS)


def clause_coverages(a: Alignment) -> tuple[float | None, ...]:
    """One plan's column of the clause matrix: its coverage of each base clause (None for clauses not counted)."""
    return tuple(None if c.coverage is None else round(c.coverage, 3) for c in a.clauses)


def clause_frame(alignments: list[Alignment]) -> pd.DataFrame:
    """Base clauses x plans: coverage share (None for clauses not counted)."""
    if not alignments:
        import pandas as pd

        return pd.DataFrame()
    base = alignments[0].base
    columns = {a.plan.id: clause_coverages(a) for a in alignments}
    rows = []
    for k, clause in enumerate(base.clauses):
        row = {"chapter": chapter_label(base, clause), "clause": clause.label, "departments": departments(clause)}
        for plan_id, coverages in columns.items():
            row[plan_id] = coverages[k]
        rows.append(row)
    return _frame(rows, ["chapter", "clause", "departments", *(a.plan.id for a in alignments)])


def measure_frame(alignments: list[Alignment]) -> pd.DataFrame:
    """Base measures x plans: status, score and best match per plan (long form, one row per pair)."""
    return _frame([row for a in alignments for row in measure_rows(a)], MEASURE_COLUMNS)


def measure_rows(a: Alignment) -> list[dict]:
    """One plan's rows of the measure frame, keys in MEASURE_COLUMNS order."""
    rows = []
    for m in a.measures:
        best = m.matches[0] if m.matches else None
        rows.append(
            {
                "plan": a.plan.id,
                "measure": m.measure.id,
                "chapter": chapter_label(a.base, m.clause),
                "clause": m.clause.label,
                "departments": departments(m.clause),
                "counted": "yes" if m.counted else "no",
                "status": m.status,
                "units": m.key_units_shown,
                "score": m.score,
                "confidence": m.confidence,
                "text": m.measure.text,
                "units_missing": UNITS_JOINED.join(m.units_missing),
                "plan_measure": best.measure.id if best else "",
                "plan_clause": best.clause.label if best else "",
                "plan_text": best.measure.text if best else "",
                "evidence": m.evidence,
                "overridden": m.overridden or "",
                "engine_status": m.engine_status or "",
                "confirmed": "yes" if m.confirmed else "no",
                "base": a.base.id,
                "clause_id": m.clause.id,
                "flagged": "yes" if m.check else "no",
                "engine_confidence": m.engine_confidence,
            }
        )
    return rows


def gap_measures(a: Alignment) -> list[MeasureResult]:
    """The rows of gaps_frame: omitted and partial counted measures, in the base's order."""
    return [m for m in a.measures if m.status in ("omitted", "partial") and m.counted]


def with_marks(statuses: Sequence[str], measures: Sequence[MeasureResult]) -> list[str]:
    """Each row's status (the rows are `measures`, in order) followed by its marks (status_marks)."""
    return [s + status_marks(m) for s, m in zip(statuses, measures, strict=True)]


def status_marks(m: MeasureResult) -> str:
    """What follows a status wherever it is shown: * a status an analyst changed (not a confirmation), ? a counted
    cell to check (not one an analyst has reviewed)."""
    return ("*" if m.corrected else "") + ("?" if m.check else "")


def gaps_frame(a: Alignment) -> pd.DataFrame:
    """Omitted and partial counted measures of one plan, with the plan sentence that holds part of the measure
    (none when no sentence holds its key terms: a sentence that merely reads alike is not cited as a match)."""
    rows = []
    for m in gap_measures(a):
        best = m.matches[0] if m.matches else None
        rows.append(
            {
                "plan": a.plan.id,
                "base": a.base.id,
                "measure": m.measure.id,
                "chapter": chapter_label(a.base, m.clause),
                "clause": m.clause.label,
                "departments": departments(m.clause),
                "status": m.status,
                "units": m.key_units_shown,
                "confidence": m.confidence,
                "text": m.measure.text,
                "plan_measure": best.measure.id if best else "",
                "plan_text": best.measure.text if best else "",
                "evidence": m.evidence,
            }
        )
    return _frame(rows, GAP_COLUMNS)


def targets_frame(alignments: list[Alignment]) -> pd.DataFrame:
    """Base targets beside the plan targets the status was judged on (verdict stricter/equal/laxer/added).

    A base target with no plan counterpart is listed with verdict 'not_in_plan', unless its measure does not
    apply to the plan (not_applicable). A plan target that strengthens several base measures (one 30% target read
    for two measures of a clause) is listed once, with the measures joined.
    """
    rows: list[dict] = []
    for a in alignments:
        added: dict[tuple, dict] = {}
        for m in a.measures:
            for p in m.compared:
                if p.base is None:
                    key = (p.plan_measure, p.plan.indicator, p.plan.year, p.plan.value, p.plan.unit)
                    if key in added:
                        added[key]["measure"] += f", {m.measure.id}"
                        continue
                    added[key] = _target_row(a.plan.id, m.measure.id, None, p.plan, p.verdict, p.plan_measure)
                    rows.append(added[key])
                else:
                    rows.append(_target_row(a.plan.id, m.measure.id, p.base, p.plan, p.verdict, p.plan_measure))
            for bt in m.targets_not_set:
                rows.append(_target_row(a.plan.id, m.measure.id, bt, None, "not_in_plan", ""))
    return _frame(rows, TARGET_COLUMNS)


def _year(t: Target | None) -> int | None:
    return int(t.year) if t and t.year else None


def _number(value: float | None) -> int | float | None:
    return int(value) if value is not None and float(value).is_integer() else value


def _target_row(plan: str, mid: str, bt: Target | None, pt: Target | None, verdict: str, plan_measure: str) -> dict:
    return {
        "plan": plan,
        "measure": mid,
        "base_indicator": bt.indicator if bt else "",
        "base_year": _year(bt),
        "base_comparator": bt.comparator if bt else "",
        "base_value": _number(bt.value) if bt else None,
        "base_unit": bt.unit if bt else "",
        "plan_indicator": pt.indicator if pt else "",
        "plan_year": _year(pt),
        "plan_comparator": pt.comparator if pt else "",
        "plan_value": _number(pt.value) if pt else None,
        "plan_unit": pt.unit if pt else "",
        "verdict": verdict,
        "plan_measure": plan_measure,
    }


def local_frame(alignments: list[Alignment]) -> pd.DataFrame:
    """The plans' own additions; nearest = the sentence's best similarity to any base measure."""
    rows = [
        {
            "plan": a.plan.id,
            "plan_measure": x.measure.id,
            "chapter": chapter_label(a.plan, x.clause),
            "plan_clause": x.clause.label,
            "plan_text": x.measure.text,
            "nearest": x.nearest,
        }
        for a in alignments
        for x in a.local
    ]
    return _frame(rows, LOCAL_COLUMNS)
