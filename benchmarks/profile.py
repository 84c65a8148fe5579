"""Where a command's time goes: imports (-X importtime) and a cProfile of the command itself.

Run in a fresh interpreter so that imports and first-use costs (jieba's dictionary) count as
they do for a user:

    python -X importtime -m benchmarks.profile align chongqing national
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

TOP = 15


def _where(key: tuple[str, int, str]) -> str:
    file, line, func = key
    if file == "~":
        return func  # a builtin
    path = Path(file)
    parts = path.parts
    for anchor in ("site-packages", "main"):
        if anchor in parts:
            path = Path(*parts[parts.index(anchor) + 1 :])
            break
    return f"{path}:{line}({func})"


def profile(args: list[str]) -> dict:
    start = time.perf_counter()

    import jtcompare.cli.main

    imported = time.perf_counter()
    profiler = cProfile.Profile()
    sys.argv = ["jtcompare", *args]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        profiler.enable()
        try:
            jtcompare.cli.main.app()
        finally:
            profiler.disable()
    done = time.perf_counter()
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][3])  # type: ignore[attr-defined]
    top = [
        {"function": _where(key), "calls": nc, "tottime": round(tt, 3), "cumtime": round(ct, 3)}
        for key, (_cc, nc, tt, ct, _callers) in rows
        if "cProfile" not in key[0] and "profile.py" not in key[0]
    ][: TOP + 5]
    return {"import_s": imported - start, "command_s": done - imported, "top": top}


if __name__ == "__main__":
    print(json.dumps(profile(sys.argv[1:])))
