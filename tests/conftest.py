from __future__ import annotations

import contextlib
import functools
import os
import shutil
from pathlib import Path

import pytest
import typer.main
import typer.testing
from jtcompare.plans.registry import open_library

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"

# typer's CliRunner builds the click command from the app again on every invoke (13 ms: it reads the signature and
# type hints of every command), about 700 times a run. Built once, as `jtcompare` builds it once a process:
# the commands are fixed at import, and no test replaces one.
typer.testing._get_command = functools.cache(typer.main.get_command)


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's cache. Under pytest-xdist the workers share one cache in the run's
    base folder: each would otherwise parse and tokenise the same plans again, and every cache write is atomic
    (jtcompare.atomic, jieba's dictionary included), so a worker reads a whole entry or none."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        cache = tmp_path_factory.getbasetemp().parent / "cache"
        cache.mkdir(exist_ok=True)
    else:
        cache = tmp_path_factory.mktemp("cache")
    os.environ["JTCOMPARE_CACHE_DIR"] = str(cache)
    # nor the user's own plan library: a command given no --plans-dir reads the shipped one, and one that writes
    # (import, override) makes its library here. Each worker has its own: they would otherwise race to make it.
    os.environ["JTCOMPARE_HOME"] = str(tmp_path_factory.mktemp("home"))
    os.environ.pop("JTCOMPARE_PLANS_DIR", None)
    os.environ.pop("JTCOMPARE_LANG", None)  # the tests choose their language; a user's default must not leak in


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A user with no library of their own yet."""
    monkeypatch.setenv("JTCOMPARE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JTCOMPARE_PLANS_DIR", raising=False)
    return tmp_path / "home"


@pytest.fixture(scope="session")
def library():
    return open_library(PLANS)


@pytest.fixture(scope="session")
def plans(library):
    return {pid: library.load(pid) for pid in ("national", "chongqing", "wuhan", "chengdu")}


@pytest.fixture(scope="session")
def city_alignments(library):
    """The three shipped cities aligned with the national plan under the default settings, once per test run:
    through the alignment cache the commands read (the run's shared cache), so the process that aligns a city
    first writes it for the other process and for every `align`, `report` or `matrix` the tests run after it."""
    from jtcompare.match.settings import DEFAULTS
    from jtcompare.workflow.cache import Aligner

    aligner = Aligner(library, "national", DEFAULTS)
    return {c: aligner(c) for c in ("chongqing", "wuhan", "chengdu")}


def cache_without_alignments(folder: Path, city_alignments: dict) -> Path:
    """A cache folder of a test's own, holding what the run's shared cache holds (the parsed plans, their tokens,
    the base's units, jieba's dictionary: `city_alignments` has made them) but no alignment, so that the matching
    the test looks at is done afresh while parsing and tokenising, which it does not look at, is not. Files are
    linked: every cache write replaces a file whole, so a test never changes the shared one (a test that damages
    a cache file in place must damage one it wrote itself, such as an alignment; copied where links fail)."""
    from jtcompare.cachedir import cache_root

    assert city_alignments  # the shared cache is filled
    shared = cache_root()
    for item in shared.rglob("*"):
        # a file starting with a dot is the other test process's write in progress (jtcompare.atomic)
        if item.name.startswith(".") or not item.is_file() or "alignments" in item.relative_to(shared).parts:
            continue
        target = folder / item.relative_to(shared)
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):  # replaced meanwhile: the test makes its own
            try:
                os.link(item, target)
            except OSError:  # another file system, or links not allowed
                shutil.copy2(item, target)
    folder.mkdir(exist_ok=True)
    return folder


def copy_library(folder: Path) -> Path:
    """A writable copy of the shipped plan library (texts and plans.toml) in `folder`."""
    folder.mkdir()
    for f in PLANS.glob("*.t*"):
        shutil.copy(f, folder / f.name)
    return folder


# The slowest files, slowest first (CPU seconds of each file, summed over its tests, on a 2-core machine; the
# printed PDFs' one test is about 20 of test_print's). Two processes take files in turn (--dist loadfile), so the
# run ends when the last file does: started first, a long file runs while the short ones share out the other
# process, instead of starting last and running alone.
SLOWEST_FIRST = (
    "test_print.py",
    "test_alignment_cache.py",
    "test_view.py",
    "test_hostile_ingest.py",
    "test_tokens.py",
    "test_align.py",
    "test_writers_fuzz.py",
    "test_reports.py",
    "test_hostile_cli.py",
    "test_matrix.py",
    "test_zh_everywhere.py",
    "test_hostile_batch.py",
    "test_help_examples.py",
    "test_zh_messages.py",
    "test_properties.py",
    "test_review_cells.py",
    "test_vocabulary.py",
    "test_import_formats.py",
    "test_hostile_library.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """`pytest -m slow` (CI) is the long run of the property tests (tests/fuzzing.py); the default run is short.
    Set here, before any test module is imported, so that their hypothesis settings see it; pytest-xdist's
    workers get the same mark expression, and the environment, from the main process."""
    if config.getoption("markexpr", "").strip() == "slow":
        os.environ.setdefault("JTCOMPARE_FUZZ", "long")


@pytest.hookimpl(tryfirst=True)  # before -m deselects: the long run selects the property tests by this mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from tests.fuzzing import long_run

    if long_run():
        for item in items:
            if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
                item.add_marker(pytest.mark.slow)
    rank = {name: k for k, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file keeps its own order
