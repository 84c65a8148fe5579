"""Align many plans with one base, on one or several processes, in a deterministic order.

A plan that cannot be loaded (a broken plans.toml entry, a missing or unreadable file) is left out
and reported; the others still run. A plan name that is not in the library at all is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from jtcompare.errors import BadMetadata, JtError, UnreadableFile
from jtcompare.match.classify import Alignment, align
from jtcompare.match.settings import Settings
from jtcompare.plans.registry import Library, open_library

Progress = Callable[[str], None]
_PLAN_PROBLEMS = (BadMetadata, UnreadableFile)  # what costs one plan, not the run


def _align_one(folder: Path, base: str, plan: str, settings: Settings, use_cache: bool) -> Alignment:
    lib = open_library(folder)
    return align(lib.load(base, use_cache=use_cache), lib.load(plan, use_cache=use_cache), settings)


def align_many(
    lib: Library,
    plans: list[str] | None,
    base: str,
    settings: Settings,
    *,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
) -> tuple[list[Alignment], list[JtError]]:
    """Align each plan (default: every plan but the base) with the base, on `jobs` processes; results in
    the order of `plans`, and the problems of the plans left out."""
    base_id = lib.find(base).id
    ids, problems = _resolve(lib, plans, base_id)
    out: list[Alignment] = []
    if jobs <= 1 or len(ids) <= 1:
        base_plan = lib.load(base_id, use_cache=use_cache)
        for pid in ids:
            try:
                out.append(align(base_plan, lib.load(pid, use_cache=use_cache), settings))
            except _PLAN_PROBLEMS as exc:
                problems.append(exc)
            if progress:
                progress(pid)
        return out, problems
    lib.load(base_id, use_cache=use_cache)  # a broken base fails the run here, once, not in every worker
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_align_one, lib.folder, base_id, pid, settings, use_cache) for pid in ids]
        for pid, fut in zip(ids, futures, strict=True):
            try:
                out.append(fut.result())
            except _PLAN_PROBLEMS as exc:
                problems.append(exc)
            if progress:
                progress(pid)
    return out, problems


def _resolve(lib: Library, plans: list[str] | None, base_id: str) -> tuple[list[str], list[JtError]]:
    """Plan ids to align, each once; an unknown name fails at once, a broken entry is a problem."""
    if plans is None:
        return [pid for pid in lib.plans if pid != base_id], lib.broken_errors()
    ids: list[str] = []
    problems: list[JtError] = []
    for query in plans:
        try:
            ids.append(lib.find(query).id)
        except BadMetadata as exc:
            problems.append(exc)
    return list(dict.fromkeys(ids)), problems


def default_plans(lib: Library, base: str) -> list[str]:
    base_id = lib.find(base).id
    return [pid for pid in lib.plans if pid != base_id]
