"""Where jtcompare keeps its caches: $JTCOMPARE_CACHE_DIR, else ~/.cache/jtcompare. Safe to delete any time."""

from __future__ import annotations

import os
from pathlib import Path

ENV_CACHE_DIR = "JTCOMPARE_CACHE_DIR"


def cache_root() -> Path:
    return Path(os.environ.get(ENV_CACHE_DIR) or Path.home() / ".cache" / "jtcompare")
