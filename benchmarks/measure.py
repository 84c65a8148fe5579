"""Wall time and peak memory of a whole command, run as a subprocess.

Peak RSS comes from the kernel: `os.wait4` returns the finished child's rusage, whose ru_maxrss
is the largest resident set of the child or any descendant it reaped (what `/usr/bin/time -v`
reports). It is exact per command, unlike deltas of getrusage(RUSAGE_CHILDREN), which keep the
maximum over every child the benchmark ever ran. The command is started by a small Python
(`python -m benchmarks.measure RESULT CMD...`) that times and reaps it: a process forked straight from
the benchmark, which has loaded the engine and the labels, would inherit the benchmark's own RSS as the
floor of its ru_maxrss (Linux keeps the high-water mark across exec), and every command would read at
least that much. Processes running side by side (`--jobs 2`) add
up, which ru_maxrss does not show, so on Linux the process tree's summed RSS is also sampled every
20 ms from /proc (a lower bound: a peak between samples is missed). Summed RSS counts every page a forked
worker still shares with its parent once per process; the tree's summed PSS (each shared page divided among
the processes that share it, /proc/PID/smaps_rollup) counts it once: the memory the command really holds.
Reading smaps_rollup costs about a millisecond a process, so PSS is sampled every 200 ms.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_KB = 1024 if sys.platform != "darwin" else 1  # ru_maxrss is KB on Linux, bytes on macOS


class CommandFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    peak_mb: float  # largest single process (kernel)
    tree_mb: float | None  # sampled sum over the process tree; None without /proc
    others: float | None = None  # CPU used by other processes meanwhile, in cores; None without /proc
    tree_pss_mb: float | None = None  # sampled summed PSS of the tree (shared pages once); None without /proc


@dataclass(frozen=True)
class Timing:
    cmd: tuple[str, ...]
    runs: tuple[Run, ...]

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)

    @property
    def others(self) -> float | None:
        """The most CPU other processes took during any of the runs, in cores (0.5 = half a core)."""
        values = [r.others for r in self.runs if r.others is not None]
        return max(values) if values else None

    @property
    def tree_mb(self) -> float | None:
        values = [r.tree_mb for r in self.runs if r.tree_mb is not None]
        return max(values) if values else None

    @property
    def tree_pss_mb(self) -> float | None:
        values = [r.tree_pss_mb for r in self.runs if r.tree_pss_mb is not None]
        return max(values) if values else None

    @property
    def spread(self) -> str:
        walls = sorted(r.wall for r in self.runs)
        return f"{walls[0]:.2f}–{walls[-1]:.2f}" if len(walls) > 1 else f"{walls[0]:.2f}"


def _tree_rss(root: int, *, below: bool = False) -> int:
    """Summed resident bytes of `root` and its descendants, or (`below`) of its descendants only; 0 when /proc is
    not there."""
    total = 0
    for pid in _tree(root, below=below):
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def _tree_pss(root: int, *, below: bool = False) -> int:
    """Summed proportional set size, in bytes, of the tree `_tree_rss` sums (0 when smaps_rollup is not there)."""
    total = 0
    for pid in _tree(root, below=below):
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                line = next((ln for ln in fh if ln.startswith(b"Pss:")), b"")
        except OSError:
            continue
        if line:
            total += int(line.split()[1]) * 1024  # kB
    return total


def _tree(root: int, *, below: bool) -> set[int]:
    """`root` and its descendants (without `root` if `below`), from /proc; empty when /proc is not there."""
    parent: dict[int, int] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return set()
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        parent[int(name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, pp in parent.items() if pp == pid and p not in tree]
        tree.update(kids)
        frontier += kids
    return tree - ({root} if below else set())


def run_once(cmd: Sequence[str], *, env: dict[str, str], cwd: Path, stdout: Path | None = None) -> Run:
    """Run `cmd` to the end; raise CommandFailed on a non-zero exit."""
    sample = Path("/proc").is_dir()
    with (
        tempfile.TemporaryFile() as err,
        open(stdout or os.devnull, "wb") as out,
        tempfile.NamedTemporaryFile("r", suffix=".json") as result,
    ):
        busy = _busy_seconds()
        start = time.perf_counter()
        starter = [sys.executable, "-m", "benchmarks.measure", result.name, str(cwd), *cmd]
        proc = subprocess.Popen(starter, env=env, cwd=Path(__file__).resolve().parent.parent, stdout=out, stderr=err)
        tree = pss = 0
        samples = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if sample:
                tree = max(tree, _tree_rss(proc.pid, below=True))  # the command's processes, not the starter
                if samples % 10 == 0:
                    pss = max(pss, _tree_pss(proc.pid, below=True))
                samples += 1
            time.sleep(0.02)
        outer = time.perf_counter() - start
        after = _busy_seconds()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode("utf-8", "replace").strip()
        got = json.loads(result.read() or "{}")
    if proc.returncode:
        raise CommandFailed(f"{' '.join(cmd)} exited {proc.returncode}: {message[-500:]}")
    wall = got.get("wall", outer)  # the command's own wall, without the starter's start-up
    peak = got.get("maxrss", usage.ru_maxrss) * _KB
    others = None
    if busy is not None and after is not None:
        others = max(0.0, (after - busy) - usage.ru_utime - usage.ru_stime) / wall
    tree_mb = max(tree, peak) / 2**20 if sample else None
    return Run(wall, peak / 2**20, tree_mb, others, pss / 2**20 if sample and pss else None)


def _busy_seconds() -> float | None:
    """CPU seconds all processes have used since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def repeat(
    cmd: Sequence[str],
    n: int,
    *,
    env: dict[str, str],
    cwd: Path,
    before: Callable[[], dict[str, str]] | None = None,
    stdout: Path | None = None,
) -> Timing:
    """`n` runs; `before()` is called ahead of each and may return env changes (a fresh cache dir)."""
    runs = []
    for _ in range(n):
        extra = before() if before else {}
        runs.append(run_once(cmd, env={**env, **extra}, cwd=cwd, stdout=stdout))
    return Timing(tuple(cmd), tuple(runs))


def _start(result: str, cmd: list[str], cwd: str) -> int:
    """The starter: run `cmd` in `cwd`, reap it, write its wall time and peak RSS to `result`; its exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    Path(result).write_text(json.dumps({"wall": wall, "maxrss": usage.ru_maxrss}), encoding="utf-8")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(_start(sys.argv[1], sys.argv[3:], sys.argv[2]))
