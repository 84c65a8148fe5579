"""The engine's entry points for commands: load plans, align, apply analyst overrides."""

from __future__ import annotations

import dataclasses

from jtcompare.errors import JtError, PlanNotFound
from jtcompare.match.classify import Alignment, align
from jtcompare.match.settings import Settings
from jtcompare.plans.registry import Library
from jtcompare.workflow.batch import Progress, align_many
from jtcompare.workflow.overrides import apply_overrides, read_overrides


@dataclasses.dataclass(frozen=True)
class Result:
    alignments: list[Alignment]
    stale: list[str]  # overrides that no longer apply
    problems: list[JtError] = dataclasses.field(default_factory=list)  # plans left out: broken entry, missing file


def run_alignment(
    lib: Library, plan: str, base: str, settings: Settings, *, use_cache: bool = True, overrides: bool = True
) -> Result:
    base_plan = lib.load(base, use_cache=use_cache)
    a = align(base_plan, lib.load(plan, use_cache=use_cache), settings)
    return with_overrides(lib, [a], overrides)


def run_many(
    lib: Library,
    plans: list[str] | None,
    base: str,
    settings: Settings,
    *,
    use_cache: bool = True,
    overrides: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Result:
    """Align `plans` (None: every plan but the base); a plan that cannot be loaded is left out and reported
    in `Result.problems`, unless no plan is left, which is an error."""
    alignments, problems = align_many(lib, plans, base, settings, use_cache=use_cache, jobs=jobs, progress=progress)
    if not alignments:
        if len(problems) == 1:
            raise problems[0]
        found = f": {len(problems)} could not be read, the first: {problems[0]}" if problems else ""
        raise PlanNotFound(f"no plans to compare with '{base}' in {lib.folder}{found}; add one with `jtcompare import`")
    result = with_overrides(lib, alignments, overrides)
    return dataclasses.replace(result, problems=problems)


def with_overrides(lib: Library, alignments: list[Alignment], enabled: bool) -> Result:
    if not enabled:
        return Result(alignments, [])
    out, stale = [], []
    for a in alignments:
        applied, notes = apply_overrides(a, read_overrides(lib.folder, a.plan.id))
        out.append(applied)
        stale += notes
    return Result(out, stale)
