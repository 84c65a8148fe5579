from __future__ import annotations

import os
from pathlib import Path

import pytest
from jtcompare.plans.registry import open_library

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's cache. Under pytest-xdist the workers share one cache in the run's
    base folder: each would otherwise parse and tokenise the same plans again, and every cache write is atomic
    (jtcompare.atomic; jieba's own cache replaces its file too), so a worker reads a whole entry or none."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        cache = tmp_path_factory.getbasetemp().parent / "cache"
        cache.mkdir(exist_ok=True)
    else:
        cache = tmp_path_factory.mktemp("cache")
    os.environ["JTCOMPARE_CACHE_DIR"] = str(cache)
    os.environ.pop("JTCOMPARE_LANG", None)  # the tests choose their language; a user's default must not leak in


@pytest.fixture(scope="session")
def library():
    return open_library(PLANS)


@pytest.fixture(scope="session")
def plans(library):
    return {pid: library.load(pid) for pid in ("national", "chongqing", "wuhan", "chengdu")}


def copy_library(folder: Path) -> Path:
    """A writable copy of the shipped plan library (texts and plans.toml) in `folder`."""
    import shutil

    folder.mkdir()
    for f in PLANS.glob("*.t*"):
        shutil.copy(f, folder / f.name)
    return folder
