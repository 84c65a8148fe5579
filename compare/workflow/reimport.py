"""What a new version of a plan changes in its judgement: the base measures whose status moved.

`jtcompare import --force` of a plan already in the library shows its clause and measure counts old -> new
(plans.importer) and, from here, the cells (base measures) whose engine status differs between the two versions,
both aligned with the library's base under the default settings (overrides left out: they pin cells by hand).
"""

from __future__ import annotations

from dataclasses import dataclass

from jtcompare.match.results import Alignment
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.model import Plan
from jtcompare.plans.registry import Library


@dataclass(frozen=True)
class Moved:
    measure: str  # the base measure, e.g. N08.03
    was: str
    now: str


def base_of(lib: Library, plan: Plan) -> str | None:
    """The id of the library's base (the national scheme), or None when `plan` is the base itself."""
    from jtcompare.plans.importer import is_base

    bases = [m.id for m in lib.plans.values() if is_base(m) and m.id != plan.id]
    return bases[0] if bases and not is_base(plan.meta) else None


def moved_cells(lib: Library, base_id: str, old: Plan, new: Plan) -> list[Moved]:
    """The base measures whose status differs between `old` and `new`, in the base's order."""
    from jtcompare.match.classify import align  # the matcher loads only when a plan is replaced

    base = lib.load(base_id)
    before: Alignment = align(base, old, DEFAULTS)
    after: Alignment = align(base, new, DEFAULTS)
    was = {m.measure.id: m.status for m in before.measures}
    return [
        Moved(m.measure.id, was[m.measure.id], m.status)
        for m in after.measures
        if m.measure.id in was and was[m.measure.id] != m.status
    ]
