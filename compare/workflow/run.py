"""The engine's entry points for commands: load plans, align (through the alignment cache), apply analyst
overrides."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from jtcompare.errors import JtError, PlanNotFound, either, message
from jtcompare.match.results import Alignment
from jtcompare.match.settings import Settings
from jtcompare.plans.registry import Library
from jtcompare.workflow.batch import Progress, align_each, not_the_base
from jtcompare.workflow.cache import Aligner
from jtcompare.workflow.overrides import apply_overrides, read_overrides

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Result:
    alignments: list[Alignment]
    stale: list[str]  # overrides that no longer apply
    problems: list[JtError] = dataclasses.field(default_factory=list)  # plans left out: broken entry, missing file


def run_alignment(
    lib: Library, plan: str, base: str, settings: Settings, *, use_cache: bool = True, overrides: bool = True
) -> Result:
    base_id = lib.find(base).id
    a = Aligner(lib, base_id, settings, use_cache)(not_the_base(lib, plan, base_id))
    return with_overrides(lib, [a], overrides)


class Stream(Generic[T]):
    """Each plan's alignment reduced by `reduce`, one at a time, as it is made (see workflow/batch.py); once
    iterated, the stale overrides and the plans left out. Iterating it raises when no plan could be aligned."""

    def __init__(
        self,
        lib: Library,
        plans: list[str] | None,
        base: str,
        settings: Settings,
        reduce: Callable[[Alignment], T],
        *,
        use_cache: bool = True,
        overrides: bool = True,
        jobs: int = 1,
        progress: Progress | None = None,
    ) -> None:
        self._run = lambda: align_each(
            lib, plans, base, settings, reduce, use_cache=use_cache, overrides=overrides, jobs=jobs, progress=progress
        )
        self._where = (base, lib.folder)
        self.stale: list[str] = []
        self.problems: list[JtError] = []

    def __iter__(self) -> Iterator[T]:
        aligned = 0
        for done in self._run():
            if done.problem is not None:
                self.problems.append(done.problem)
                continue
            aligned += 1
            self.stale += done.stale
            yield done.value  # type: ignore[misc]  (None only with a problem)
        if not aligned:
            self._fail()

    def _fail(self) -> None:
        if len(self.problems) == 1:
            raise self.problems[0]
        base, folder = self._where
        problems = self.problems
        found = f": {len(problems)} could not be read, the first: {problems[0]}" if problems else ""
        first = (
            message("error.unread", count=len(problems), first=problems[0].said or str(problems[0]))
            if problems
            else None
        )
        raise PlanNotFound(
            f"no plans to compare with '{base}' in {folder}{found}; add one with "
            f"{either('`jtcompare import`', 'Library.import_plan')}",
            message("error.no_plans", base=base, folder=folder, found=first),
        )


def whole(a: Alignment) -> Alignment:
    """The reduction that keeps the alignment (for outputs that need every one: a workbook, the heatmap)."""
    return a


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
    """Align `plans` (None: every plan but the base), all kept; a plan that cannot be loaded is left out and
    reported in `Result.problems`, unless no plan is left, which is an error."""
    stream = Stream(
        lib, plans, base, settings, whole, use_cache=use_cache, overrides=overrides, jobs=jobs, progress=progress
    )
    alignments = list(stream)
    return Result(alignments, stream.stale, stream.problems)


def with_overrides(lib: Library, alignments: list[Alignment], enabled: bool) -> Result:
    if not enabled:
        return Result(alignments, [])
    out, stale = [], []
    for a in alignments:
        applied, notes = apply_overrides(a, read_overrides(lib.folder, a.plan.id))
        out.append(applied)
        stale += notes
    return Result(out, stale)
