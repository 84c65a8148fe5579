"""How long the README's test command takes: `python -m pytest` from the checkout, run whole, several times.

    python -m benchmarks.suite            # three runs; prints the Markdown section benchmarks.run writes
    python -m benchmarks.suite --runs 1

Each run's wall time, and its CPU time (user + system of pytest and every process it reaped: the xdist workers,
LibreOffice, the browser driver, from `os.wait4`), with the load average before it: on a machine shared with
other work the wall time grows with the load while the CPU time barely does, so both are shown. The suite makes
its own cache and library in temporary folders (tests/conftest.py), so every run starts cold, as on a fresh
clone. The issue's target is the median wall time: at most 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60.0


@dataclass(frozen=True)
class SuiteRun:
    wall: float
    cpu: float  # user + system seconds of pytest and its reaped descendants
    load: float  # the one-minute load average when the run started
    summary: str  # pytest's last line (passed, skipped...)


def run_once() -> SuiteRun:
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    with proc.stdout:  # read while it runs, so a full pipe never stalls it; reaped below, for its rusage
        out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    lines = out.strip().splitlines()
    if code != 0:
        failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
        raise RuntimeError(f"the test suite failed (exit {code}): {lines[-1] if lines else ''}; {failed[:5]}")
    return SuiteRun(wall, usage.ru_utime + usage.ru_stime, load, lines[-1] if lines else "")


def measure(runs: int, say=print) -> list[SuiteRun]:
    done = []
    for k in range(runs):
        done.append(run_once())
        r = done[-1]
        say(f"test suite run {k + 1}/{runs}: {r.wall:.1f} s wall, {r.cpu:.1f} s CPU, load {r.load:.2f}; {r.summary}")
    return done


def section(runs: list[SuiteRun]) -> str:
    wall = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    verdict = "met" if wall <= TARGET_SECONDS else "not met"
    rows = "\n".join(f"| {k} | {r.wall:.1f} | {r.cpu:.1f} | {r.load:.2f} |" for k, r in enumerate(runs, 1))
    return (
        "## Test suite\n\n"
        f"`.venv/bin/python -m pytest` (the README's test command: `-n 2 --dist loadfile`, not the slow tests), "
        f"{len(runs)} runs on {os.cpu_count()} CPUs: median {wall:.1f} s wall, {cpu:.1f} s CPU (user + system of "
        f"every process); target at most {TARGET_SECONDS:.0f} s: {verdict}. Last run: {runs[-1].summary}.\n\n"
        "| run | wall s | CPU s | load average at start |\n|---|---|---|---|\n"
        f"{rows}\n"
    )


def main(argv: list[str] | None = None) -> str:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.suite", description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="whole runs of the suite (default 3; the median is shown)")
    args = ap.parse_args(argv)
    text = section(measure(args.runs, say=lambda m: print(m, file=sys.stderr)))
    print(text)
    return text


if __name__ == "__main__":
    main()
