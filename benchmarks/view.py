"""Speed and size of the HTML outputs: the 对照 view of one plan, and the heatmap of 300 synthetic plans.

    python -m benchmarks.view            # about 5 minutes the first time (300 plans to parse), 2 when cached
    python -m benchmarks.view --quick    # 3 plans, one run each: checks that it works, not how fast

1. The view of one plan, warm (plans parsed and cached, templates compiled). The whole command
   `jtcompare view chongqing --out F.html` as a subprocess, median of several runs, beside `jtcompare --help`
   (start-up only) and `jtcompare align chongqing national` (the same work without the page), all run the
   same way by this process, taking turns; then the same three invoked in this process (Typer's CliRunner),
   where start-up is paid once and the figures are the work itself. Target: the view under 1 s.
2. The heatmap of 300 plans from benchmarks/corpus.py, written by `jtcompare matrix --out F.html --no-views`:
   its size (target under 10 MB) and the time a headless Chromium takes to open it from disk, from
   navigation to the page's script having run (target under 2 s), median of several fresh loads; and, for
   information, the time to expand the largest clause into its measures and every clause (300 x 142 cells).

Scratch files and a cache of the parsed corpus go to benchmarks/.work/view/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from jtcompare.plans.cache import ENV_CACHE_DIR
from jtcompare.plans.registry import ENV_PLANS_DIR
from tabulate import tabulate

from benchmarks import browser
from benchmarks.corpus import write_corpus
from benchmarks.measure import Run, Timing, repeat, run_once
from benchmarks.run import jtcompare

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work" / "view"
TARGETS = {"view": 1.0, "size_mb": 10.0, "open": 2.0}


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_PLANS_DIR, ENV_CACHE_DIR, "JTCOMPARE_LANG")}
    return {**env, ENV_CACHE_DIR: str(cache), "PYTHONHASHSEED": "0"}


def view_speed(work: Path, runs: int) -> list[list[str]]:
    """The view, align and --help of one plan, warm: as subprocesses, then in this process."""
    exe, env = jtcompare(), _env(work / "cache")
    out = work / "chongqing.html"
    commands = {
        "jtcompare --help (start-up)": [exe, "--help"],
        "jtcompare align chongqing national": [exe, "align", "chongqing", "national"],
        "jtcompare view chongqing": [exe, "view", "chongqing", "--out", str(out), "--force", "--quiet"],
    }
    repeat(commands["jtcompare view chongqing"], 1, env=env, cwd=ROOT)  # parse, cache, compile the templates
    # round robin: on a shared machine, load that comes and goes weighs on the three alike
    done: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            done[name].append(run_once(cmd, env=env, cwd=ROOT))
    rows = []
    for name, cmd in commands.items():
        t = Timing(tuple(cmd), tuple(done[name]))
        rows.append([name, "subprocess", f"{t.wall:.3f}", t.spread, f"{t.peak_mb:.0f}"])
    before = os.environ.get(ENV_CACHE_DIR)
    os.environ[ENV_CACHE_DIR] = env[ENV_CACHE_DIR]
    try:
        for name, cmd in commands.items():
            walls = _in_process(cmd[1:], runs)
            rows.append([name, "in process", f"{statistics.median(walls):.3f}", _spread(walls), ""])
    finally:
        if before is None:
            os.environ.pop(ENV_CACHE_DIR, None)
        else:
            os.environ[ENV_CACHE_DIR] = before
    rows.append(["size of the view", "", f"{out.stat().st_size / 2**20:.2f} MB", "", ""])
    return rows


def _in_process(args: list[str], runs: int) -> list[float]:
    from jtcompare.cli.main import app
    from typer.testing import CliRunner

    runner = CliRunner()
    runner.invoke(app, args)  # imports and caches warm
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        result = runner.invoke(app, args)
        walls.append(time.perf_counter() - start)
        if result.exit_code:
            raise SystemExit(f"jtcompare {' '.join(args)} failed: {result.output}")
    return walls


def _spread(walls: list[float]) -> str:
    return f"{min(walls):.2f}–{max(walls):.2f}"


def heatmap(work: Path, n: int, runs: int) -> list[list[str]]:
    """The heatmap of `n` synthetic plans: writing it, its size, and opening it in the browser."""
    plans = work / f"plans-{n}"
    if not (plans / "plans.toml").exists():
        write_corpus(plans, n)
    out = work / f"matrix-{n}.html"
    cmd = [jtcompare(), "matrix", "--plans-dir", str(plans), "--out", str(out), "--no-views", "--force", "--quiet"]
    written = repeat(cmd, 1, env=_env(work / "cache"), cwd=ROOT)
    rows = [
        [f"matrix --out F.html --no-views, {n} plans", f"{written.wall:.1f} s", "one run; parses the corpus if new"],
        [
            f"size of the heatmap, {n} plans",
            f"{out.stat().st_size / 2**20:.2f} MB",
            f"target < {TARGETS['size_mb']:g} MB",
        ],
    ]
    reason = browser.missing()
    if reason:
        return [*rows, ["opening it in Chromium", "skipped", reason]]
    opened, one, every = _open(out, runs)
    rows.append(
        [
            "opening it in Chromium (to script ready)",
            f"{statistics.median(opened):.2f} s",
            f"{_spread(opened)}; target < {TARGETS['open']:g} s",
        ]
    )
    rows.append(["expanding the largest clause into its measures", f"{statistics.median(one):.2f} s", _spread(one)])
    rows.append(["expanding every clause (all measures)", f"{statistics.median(every):.2f} s", _spread(every)])
    return rows


_EXPAND = """
const t0 = performance.now();
const buttons = Array.from(document.querySelectorAll(arguments[0]));
buttons.forEach((b) => b.click());
document.body.offsetHeight;  // lay the page out again: what the reader waits for
return (performance.now() - t0) / 1000;
"""


def _open(page: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    """Per fresh load: seconds from navigation to the page's script having run; to expand the largest clause
    into its measures; to expand every clause (laid out again each time)."""
    driver = browser.start()
    opened, one, every = [], [], []
    try:
        for _ in range(runs):
            driver.get("about:blank")
            start = time.perf_counter()
            browser.open_page(driver, page, timeout=60)
            opened.append(time.perf_counter() - start)
            largest = driver.execute_script(
                "const d = JSON.parse(document.getElementById('jt-data').textContent).clauses;"
                "return Object.keys(d).sort((a, b) => d[b].length - d[a].length)[0];"
            )
            one.append(driver.execute_script(_EXPAND, f'th.col[data-col="{largest}"] button.exp'))
            driver.execute_script("document.getElementById('collapse-all').click()")
            every.append(driver.execute_script(_EXPAND, "#expand-all"))
    finally:
        browser.stop(driver)
    return opened, one, every


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 plans, one run each: checks that it works")
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder (default benchmarks/.work/view)")
    args = parser.parse_args(argv)
    n, runs = (3, 1) if args.quick else (300, 7)
    args.work.mkdir(parents=True, exist_ok=True)
    view = view_speed(args.work, runs)
    heat = heatmap(args.work, n, 1 if args.quick else 5)
    text = "\n\n".join(
        [
            "## The view of one plan, warm (median of runs; target < 1 s)",
            tabulate(view, headers=["command", "how", "median s", "range s", "peak MB"], tablefmt="github"),
            f"## The heatmap of {n} synthetic plans",
            tabulate(heat, headers=["what", "figure", "note"], tablefmt="github"),
        ]
    )
    print(text)
    return text


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
