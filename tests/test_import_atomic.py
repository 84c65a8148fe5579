"""An import is all or nothing: an interrupt or a failed write at any step leaves the folder as it was."""

from __future__ import annotations

import os
import shutil

import jtcompare.atomic as atomic
import pytest
from jtcompare.cli.main import app
from jtcompare.errors import WriteFailed
from jtcompare.plans.importer import import_plan
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.fixtures import make

runner = CliRunner()


def snapshot(folder):
    """Every file of the folder, hidden ones included, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def library(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    for name in ("plans.toml", "wuhan.txt", "chengdu.txt"):
        shutil.copy(PLANS / name, lib / name)
    source = tmp_path / "wuhan.docx"
    source.write_bytes(make.docx_bytes(make.seed("wuhan")))
    return lib, source


def fail_on_call(monkeypatch, target, name, n, exc):
    """Make the n-th call of target.name raise exc; the other calls go through."""
    real = getattr(target, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, wrapper)
    return calls


# Each file is staged (3 calls), then the replaced ones backed up (plans.toml; and wuhan.txt when
# replacing) and each renamed into place (3 calls, plans.toml last).
STEPS = [(step, n) for step in ("_stage", "replace") for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("force", "step", "n"),
    [(False, s, n) for s, n in [*STEPS, ("_backup", 1)]]
    + [(True, s, n) for s, n in [*STEPS, ("_backup", 1), ("_backup", 2)]],
)
def test_ctrl_c_at_any_step_changes_nothing(library, monkeypatch, force, step, n) -> None:
    lib, source = library
    before = snapshot(lib)
    target, name = (os, "replace") if step == "replace" else (atomic, step)
    fail_on_call(monkeypatch, target, name, n, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        import_plan(source, lib, plan_id=None if force else "wh2", force=force)
    assert snapshot(lib) == before
    assert set(open_library(lib).plans) == {"national", "chongqing", "wuhan", "chengdu"}


def test_a_failed_write_is_reported_and_changes_nothing(library, monkeypatch) -> None:
    lib, source = library
    before = snapshot(lib)
    fail_on_call(monkeypatch, os, "replace", 3, OSError(28, "No space left on device"))
    with pytest.raises(WriteFailed, match="No space left on device"):
        import_plan(source, lib, plan_id="wh2")
    assert snapshot(lib) == before


def test_ctrl_c_through_the_cli_says_nothing_was_written(library, monkeypatch) -> None:
    lib, source = library
    before = snapshot(lib)
    fail_on_call(monkeypatch, os, "replace", 2, KeyboardInterrupt())
    result = runner.invoke(app, ["import", str(source), "--plans-dir", str(lib), "--id", "wh2"])
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted: nothing was written"
    assert snapshot(lib) == before


def test_a_complete_import_leaves_no_temporary_files(library) -> None:
    lib, source = library
    import_plan(source, lib, force=True)
    assert not [p.name for p in lib.iterdir() if p.name.startswith(".")]
    assert (lib / "wuhan.orig.docx").stat().st_mode & 0o044  # readable by others, not mkstemp's 0600
