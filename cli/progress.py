"""Long runs over many plans: how many workers, and the progress bar on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jtcompare.api import Progress


@contextmanager
def progress_bar(count: Callable[[], int], enabled: bool) -> Iterator[Progress | None]:
    """A progress bar (rich) on stderr while many plans are aligned, only when stderr is a terminal: a pipe or
    a log file gets no control characters. `count()` (the number of plans) is asked only for a terminal."""
    total = count() if enabled and sys.stderr.isatty() else 0
    if total <= 1:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), TextColumn("{task.fields[plan]}"))
    # redrawn as each plan finishes, not by rich's refresh thread: --jobs forks its workers while the bar runs,
    # and a thread that held stderr's lock at that moment would leave it locked in every worker
    with Bar(*columns, console=Console(stderr=True), auto_refresh=False) as bar:
        task = bar.add_task("matrix", total=total, plan="")

        def advance(plan_id: str) -> None:
            bar.update(task, advance=1, plan=plan_id, refresh=True)
            if bar.finished:  # the bar's last line is out before `wrote FILE` and the notes
                bar.stop()

        yield advance


def cores() -> int:
    """The processors this process may run on (a container or `taskset` may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
