"""Align many plans with one base, on one or several processes, in a deterministic order."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from jtcompare.match.classify import Alignment, align
from jtcompare.match.settings import Settings
from jtcompare.plans.registry import Library, open_library

Progress = Callable[[str], None]


def _align_one(folder: Path, base: str, plan: str, settings: Settings, use_cache: bool) -> Alignment:
    lib = open_library(folder)
    return align(lib.load(base, use_cache=use_cache), lib.load(plan, use_cache=use_cache), settings)


def align_many(
    lib: Library,
    plans: list[str],
    base: str,
    settings: Settings,
    *,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
) -> list[Alignment]:
    """Align each plan with the base, on `jobs` processes; results in the order of `plans`."""
    ids = list(dict.fromkeys(lib.find(p).id for p in plans))  # fail fast on an unknown plan; each plan once
    base_id = lib.find(base).id
    if jobs <= 1 or len(ids) <= 1:
        base_plan = lib.load(base_id, use_cache=use_cache)
        out = []
        for pid in ids:
            out.append(align(base_plan, lib.load(pid, use_cache=use_cache), settings))
            if progress:
                progress(pid)
        return out
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_align_one, lib.folder, base_id, pid, settings, use_cache) for pid in ids]
        out = []
        for pid, fut in zip(ids, futures, strict=True):
            out.append(fut.result())
            if progress:
                progress(pid)
        return out


def default_plans(lib: Library, base: str) -> list[str]:
    base_id = lib.find(base).id
    return [pid for pid in lib.plans if pid != base_id]
