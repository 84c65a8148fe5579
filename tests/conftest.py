from __future__ import annotations

import os
from pathlib import Path

import pytest
from jtcompare.plans.registry import open_library

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's cache."""
    os.environ["JTCOMPARE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
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
