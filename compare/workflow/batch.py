"""Align many plans with one base, on one or several processes, in a deterministic order, one plan at a time.

Each plan's alignment (with its overrides applied) is handed to a `reduce` function as soon as it is made and
then dropped: a caller keeps only what its output needs (a summary row, the CSV lines), so memory does not
grow with the number of plans. With `jobs` > 1 the reduction runs in the worker processes, which get the
parsed base once and send back only the reduced value.

A plan that cannot be loaded (a broken plans.toml entry, a missing or unreadable file) is left out and
reported; the others still run. A plan name that is not in the library at all is an error.

A run killed outright (SIGKILL, the OOM killer) takes its workers with it: each asks the kernel for SIGKILL
when its parent dies (Linux `prctl(PR_SET_PDEATHSIG)`), or elsewhere watches its parent from a thread. The
cache files they were writing are left as `.part` files named for their writer, which the next run removes
(`jtcompare.atomic.sweep_stale_parts`, called on the cache's folders as a run starts).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from jtcompare.atomic import sweep_stale_parts
from jtcompare.cachedir import cache_root
from jtcompare.errors import BadMetadata, BadOption, JtError, UnreadableFile, message, option
from jtcompare.match.results import Alignment
from jtcompare.match.settings import Settings
from jtcompare.plans.registry import Library
from jtcompare.workflow.cache import Aligner
from jtcompare.workflow.overrides import apply_overrides, read_overrides

T = TypeVar("T")
Progress = Callable[[str], None]
_PLAN_PROBLEMS = (BadMetadata, UnreadableFile)  # what costs one plan, not the run


@dataclass(frozen=True)
class Done(Generic[T]):
    """One plan's outcome: the reduced alignment and its stale overrides, or the problem that left it out."""

    plan_id: str
    value: T | None
    stale: tuple[str, ...] = ()
    problem: JtError | None = None


@dataclass(frozen=True)
class _Task(Generic[T]):
    aligner: Aligner
    overrides: bool
    reduce: Callable[[Alignment], T]

    def __call__(self, plan_id: str) -> Done[T]:
        try:
            a = self.aligner(plan_id)
        except _PLAN_PROBLEMS as exc:
            return Done(plan_id, None, problem=exc)
        stale: list[str] = []
        if self.overrides:  # an unreadable overrides file fails the run, as it always did: not caught here
            a, stale = apply_overrides(a, read_overrides(self.aligner.lib.folder, a.plan.id))
        return Done(plan_id, self.reduce(a), tuple(stale))


_worker_task: _Task | None = None  # the task of this worker process, set once by _start_worker


_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WATCH_SECONDS = 0.5  # how often a worker without PR_SET_PDEATHSIG checks that its parent lives


def _start_worker(task: _Task, parent: int) -> None:
    global _worker_task
    _worker_task = task
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """End this worker when the run that started it ends, however it ends: a worker of a killed run would
    otherwise wait for work for ever (it holds its own end of the task queue open)."""
    if not _kernel_kills_orphan():
        threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the run died before the signal or the watch was set up
        os._exit(1)


def _kernel_kills_orphan() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that cannot be asked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:  # an orphan is adopted by another process: its parent id changes
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def _in_worker(plan_id: str) -> Done:
    assert _worker_task is not None, "worker started without its task"
    return _worker_task(plan_id)


def align_each(
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
) -> Iterator[Done[T]]:
    """Each plan (default: every plan but the base) aligned with the base and reduced, in the order of `plans`;
    first the problems of entries that could not be resolved. `reduce` must be picklable when `jobs` > 1."""
    base_id = lib.find(base).id
    ids, problems = _resolve(lib, plans, base_id)
    if use_cache:
        _sweep_cache()
    for exc in problems:
        yield Done("", None, problem=exc)
    task = _Task(Aligner(lib, base_id, settings, use_cache), overrides, reduce)
    done = _serial(task, ids) if jobs <= 1 or len(ids) <= 1 else _parallel(task, ids, jobs)
    for outcome in done:
        if progress:
            progress(outcome.plan_id)
        yield outcome


def _serial(task: _Task[T], ids: list[str]) -> Iterator[Done[T]]:
    for pid in ids:
        yield task(pid)


def _parallel(task: _Task[T], ids: list[str], jobs: int) -> Iterator[Done[T]]:
    """Plans that need matching go to `jobs` worker processes; results come back in order.

    Workers pay only when at least two plans miss the alignment cache: a warm run reads its alignments in this
    process (workers would add start-up and memory, not speed). The first plan to match is aligned here, before
    the workers start: it loads the parsed base, jieba's dictionaries and the base's action units once, and
    workers forked after it share them instead of each loading them again (about 2 s apiece).
    """
    missing = [pid for pid in ids if not _cached(task.aligner, pid)]
    if len(missing) < 2:
        yield from _serial(task, ids)
        return
    import multiprocessing  # a single plan, or a warm run, never loads the process machinery
    from concurrent.futures import ProcessPoolExecutor

    first = task(missing[0])
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    gc.freeze()  # what the workers inherit is never collected in them: their collector would copy its pages
    try:
        pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(task, os.getpid()))
        try:
            futures = {pid: pool.submit(_in_worker, pid) for pid in ids if pid != missing[0]}
            for pid in ids:
                yield first if pid == missing[0] else futures[pid].result()
        finally:  # stopped early (an error, Ctrl-C, SIGTERM): the plans not yet started are dropped, not awaited
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        gc.unfreeze()  # this process collects them again, however the run ended


def _sweep_cache() -> None:
    """Remove the cache's temporary files left by killed runs (their own workers' included)."""
    try:
        folders = [entry for entry in os.scandir(cache_root()) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return  # no cache yet, or none readable: nothing to tidy
    for folder in folders:
        sweep_stale_parts(folder.path)


def _cached(aligner: Aligner, plan_id: str) -> bool:
    try:
        return aligner.is_cached(plan_id)
    except _PLAN_PROBLEMS:
        return True  # the worker reports it


def _resolve(lib: Library, plans: list[str] | None, base_id: str) -> tuple[list[str], list[JtError]]:
    """Plan ids to align, each once; an unknown name fails at once, a broken entry is a problem."""
    if plans is None:
        return [pid for pid in lib.plans if pid != base_id], lib.broken_errors()
    ids: list[str] = []
    problems: list[JtError] = []
    for query in plans:
        try:
            ids.append(not_the_base(lib, query, base_id))
        except BadMetadata as exc:
            problems.append(exc)
    return list(dict.fromkeys(ids)), problems


def not_the_base(lib: Library, query: str, base_id: str) -> str:
    """The id of plan `query`, refused when it is the base: a plan against itself reads as 100% adopted."""
    meta = lib.find(query)
    if meta.id == base_id:
        raise BadOption(
            f"{query}: is the base ({meta.name}); a plan is not compared with itself: name another plan or "
            f"{option('base')}",
            message("error.plan_against_itself", plan=query, name=meta.name),
        )
    return meta.id


def default_plans(lib: Library, base: str) -> list[str]:
    base_id = lib.find(base).id
    return [pid for pid in lib.plans if pid != base_id]
