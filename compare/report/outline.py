"""Plain-data views of parsed plans for `jtcompare plans` and `jtcompare show`."""

from __future__ import annotations

from typing import Any

from jtcompare.plans.model import Plan, PlanMeta


def meta_dict(meta: PlanMeta) -> dict[str, Any]:
    return {"id": meta.id, "name": meta.name, "title": meta.title}


def plan_row(plan: Plan) -> dict[str, Any]:
    """One line of `jtcompare plans`."""
    m = plan.meta
    return {
        "id": m.id,
        "name": m.name,
        "level": m.level,
        "kind": m.kind,
        "date": m.date,
        "clauses": len(plan.numbered_clauses),
        "measures": len(plan.measures),
        "warnings": len(plan.warnings),
    }


def outline(plan: Plan) -> dict[str, Any]:
    """The full tree of `jtcompare show --format json`."""
    m = plan.meta
    return {
        **meta_dict(m),
        "level": m.level,
        "kind": m.kind,
        "issuers": list(m.issuers),
        "date": m.date,
        "doc_number": m.doc_number,
        # intro: the chapter's framing paragraphs before its first clause, joined by a line break ("" if none)
        "chapters": [{"number": c.number, "title": c.title, "intro": c.intro} for c in plan.chapters],
        "clauses": [
            {
                "id": c.id,
                "number": c.number,
                "title": c.title,
                "chapter": c.chapter,
                "group": c.group,
                "departments": list(c.departments),
                "measures": [{"id": x.id, "text": x.text} for x in c.measures],
            }
            for c in plan.clauses
        ],
        "warnings": list(plan.warnings),
        "repairs": [r.describe() for r in plan.norm.repairs],
    }
