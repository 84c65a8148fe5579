"""Plain data (dicts and DataFrames) of an alignment: what every renderer starts from.

JSON, CSV, Markdown, the terminal table and the Excel workbook all read these, so the same
judgement reaches every format.
"""

from __future__ import annotations

from typing import Any

from jtcompare.match.results import Alignment, MeasureResult, Target
from jtcompare.match.settings import as_dict
from jtcompare.report.frames import summary_row
from jtcompare.report.outline import meta_dict


def target_dict(t: Target) -> dict[str, Any]:
    return {
        "indicator": t.indicator,
        "year": t.year,
        "comparator": t.comparator,
        "value": t.value,
        "unit": t.unit,
        "text": t.text,
    }


def measure_dict(m: MeasureResult) -> dict[str, Any]:
    return {
        "id": m.measure.id,
        "clause": m.clause.title,
        "clause_id": m.clause.id,
        "text": m.measure.text,
        "status": m.status,
        "score": m.score,
        "key_units_covered": m.key_units_covered,
        "key_units_total": m.key_units_total,
        "units_missing": list(m.units_missing),
        "confidence": m.confidence,
        "flagged": m.check,
        "counted": m.counted,
        "weakened": m.weakened,
        "matches": [
            {
                "clause": x.clause.title,
                "clause_id": x.clause.id,
                "id": x.measure.id,
                "text": x.measure.text,
                "score": x.score,
            }
            for x in m.matches
        ],
        "evidence": m.evidence,
        "units": [
            {
                "text": u.text,
                "key": u.key,
                "state": u.state,
                "confidence": u.confidence,
                "key_terms": list(u.key_terms),
                "covered": u.covered,
                "coverage": u.coverage,
                "covered_by": u.by,
            }
            for u in m.units
        ],
        "region": m.region,
        "targets": [target_dict(t) for t in m.targets],  # the base measure's own
        # the plan targets the status was judged on, each beside the base target it was compared with (None: the
        # base sets none, "added"); the evidence's "stricter target" or "adds a quantified target" names one
        "compared": [
            {
                "verdict": p.verdict,
                "base": target_dict(p.base) if p.base else None,
                "plan": target_dict(p.plan),
                "plan_measure": p.plan_measure,
            }
            for p in m.compared
        ],
        "overridden": m.overridden,
        "engine_status": m.engine_status,  # the engine's call under an override (agreement can be measured)
        "engine_confidence": m.engine_confidence,  # and its confidence
        "confirmed": m.confirmed,  # the override is a review's agreement with the engine, not a change
    }


def json_summary(row: dict[str, Any], *, plan: bool = True) -> dict[str, Any]:
    """A plan's summary row (frames.summary_row) as JSON gives it, in `align` and `matrix` alike: its caveats a list
    of codes; without the plan's own fields where the object names the plan already (`align`'s "plan")."""
    own = () if plan else ("plan", "name", "kind", "date")
    return {k: v for k, v in row.items() if k not in own} | {"caveats": [c for c in row["caveats"].split(";") if c]}


def alignment_dict(a: Alignment) -> dict[str, Any]:
    """The object printed by `jtcompare align --format json`."""
    return {
        "plan": meta_dict(a.plan.meta),
        "base": meta_dict(a.base.meta),
        "summary": json_summary(summary_row(a), plan=False),
        "settings": as_dict(a.settings),
        "measures": [measure_dict(m) for m in a.measures],
        "clauses": [
            {
                "id": c.clause.id,
                "number": c.clause.number,
                "title": c.clause.title,
                "role": c.role,
                "status": c.status,
                "coverage": None if c.coverage is None else round(c.coverage, 3),
                "counts": c.counts,
                "matches": [{"number": p.number, "title": p.title, "id": p.id, "score": s} for p, s in c.matches],
            }
            for c in a.clauses
        ],
        "plan_clauses": [
            {
                "id": pc.clause.id,
                "number": pc.clause.number,
                "title": pc.clause.title,
                "best": None
                if pc.best is None
                else {"number": pc.best[0].number, "title": pc.best[0].title, "id": pc.best[0].id, "score": pc.best[1]},
            }
            for pc in a.plan_clauses
        ],
        "local": [
            {"id": x.measure.id, "clause": x.clause.title, "text": x.measure.text, "nearest": x.nearest}
            for x in a.local
        ],
        "warnings": list(a.plan.warnings),
    }
