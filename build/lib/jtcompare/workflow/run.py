"""The engine's entry points for commands: load plans, align, apply analyst overrides."""

from __future__ import annotations

import dataclasses

from jtcompare.errors import PlanNotFound
from jtcompare.match.classify import Alignment, align
from jtcompare.match.settings import Settings
from jtcompare.plans.registry import Library
from jtcompare.workflow.batch import Progress, align_many
from jtcompare.workflow.overrides import apply_overrides, read_overrides


@dataclasses.dataclass(frozen=True)
class Result:
    alignments: list[Alignment]
    stale: list[str]  # overrides that no longer apply


def run_alignment(
    lib: Library, plan: str, base: str, settings: Settings, *, use_cache: bool = True, overrides: bool = True
) -> Result:
    base_plan = lib.load(base, use_cache=use_cache)
    a = align(base_plan, lib.load(plan, use_cache=use_cache), settings)
    return with_overrides(lib, [a], overrides)


def run_many(
    lib: Library,
    plans: list[str],
    base: str,
    settings: Settings,
    *,
    use_cache: bool = True,
    overrides: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Result:
    if not plans:
        raise PlanNotFound(f"no plans to compare with '{base}' in {lib.folder}: add one with `jtcompare import`")
    alignments = align_many(lib, plans, base, settings, use_cache=use_cache, jobs=jobs, progress=progress)
    return with_overrides(lib, alignments, overrides)


def with_overrides(lib: Library, alignments: list[Alignment], enabled: bool) -> Result:
    if not enabled:
        return Result(alignments, [])
    out, stale = [], []
    for a in alignments:
        applied, notes = apply_overrides(a, read_overrides(lib.folder, a.plan.id))
        out.append(applied)
        stale += notes
    return Result(out, stale)
