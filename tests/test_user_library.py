"""The shipped library is read, never written: import and override write to the user's own library
($JTCOMPARE_HOME/plans here; the per-user data folder otherwise), made from the shipped plans on first use, and
which library answered is said by `plans`. A ./data/plans in the working folder does not change the answer."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.plans.registry import default_plans_dir, shipped_plans_dir, user_plans_dir
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.test_library_safety import small_plan

runner = CliRunner()


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A user with no library of their own yet."""
    monkeypatch.setenv("JTCOMPARE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JTCOMPARE_PLANS_DIR", raising=False)
    return tmp_path / "home"


def test_with_no_library_of_ones_own_the_shipped_one_answers_and_plans_says_so(home) -> None:
    assert default_plans_dir() == shipped_plans_dir()
    listed = runner.invoke(app, ["plans"])
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.strip().splitlines()[-1].startswith(f"library: {shipped_plans_dir()} (shipped with jtcompare")
    assert not home.exists()  # reading makes nothing


def test_an_override_makes_the_users_library_and_leaves_the_shipped_one_alone(home) -> None:
    before = digest(PLANS)
    pinned = runner.invoke(app, ["override", "wuhan", "N10.02", "adopted", "--note", "WH checked by hand"])
    assert pinned.exit_code == 0, pinned.output
    mine = home / "plans"
    assert user_plans_dir() == mine and (mine / "wuhan.overrides.csv").is_file()
    assert digest(PLANS) == before  # nothing written beside the shipped plans
    # every shipped plan came along, so the library answers as before, with the override applied
    assert {p.name for p in mine.glob("*.txt")} == {p.name for p in PLANS.glob("*.txt")}
    assert default_plans_dir() == mine
    listed = runner.invoke(app, ["plans"])
    assert listed.stdout.strip().splitlines()[-1] == f"library: {mine} (yours)"
    aligned = runner.invoke(app, ["align", "wuhan", "national", "--format", "csv"])
    row = next(line for line in aligned.stdout.splitlines() if line.split(",")[1] == "N10.02")
    assert ",adopted," in row and "WH checked by hand" in row


def test_an_import_goes_to_the_users_library(home, tmp_path) -> None:
    source = tmp_path / "jia.txt"
    source.write_text(small_plan(0), encoding="utf-8")
    before = digest(PLANS)
    added = runner.invoke(app, ["import", str(source), "--id", "jia"])
    assert added.exit_code == 0, added.output
    assert digest(PLANS) == before
    assert "jia" in (home / "plans" / "plans.toml").read_text(encoding="utf-8")
    listed = runner.invoke(app, ["plans", "--format", "csv"])
    assert {line.split(",")[0] for line in listed.stdout.splitlines()[1:]} >= {"jia", "national", "wuhan"}
    assert "library:" not in listed.stdout + listed.stderr  # csv stays data


def test_a_data_plans_folder_in_the_working_directory_is_not_taken_for_the_library(home, tmp_path) -> None:
    stray = tmp_path / "work" / "data" / "plans"
    stray.mkdir(parents=True)
    (stray / "plans.toml").write_text("", encoding="utf-8")  # an empty library: it would list nothing
    cwd = os.getcwd()
    os.chdir(tmp_path / "work")
    try:
        listed = runner.invoke(app, ["plans", "--format", "csv"])
    finally:
        os.chdir(cwd)
    assert {"national", "wuhan"} <= {line.split(",")[0] for line in listed.stdout.splitlines()[1:]}


def test_an_interrupted_first_copy_leaves_no_library_and_the_next_command_makes_it(home, monkeypatch) -> None:
    import jtcompare.plans.library_edit as library_edit

    def fail(folder, files):
        (Path(folder) / "national.txt").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    real = library_edit.write_files
    monkeypatch.setattr(library_edit, "write_files", fail)
    with pytest.raises(KeyboardInterrupt):
        library_edit.seed_user_library()
    assert default_plans_dir() == shipped_plans_dir()  # no plans.toml: no library yet
    monkeypatch.setattr(library_edit, "write_files", real)
    assert library_edit.seed_user_library() == home / "plans"
    assert (home / "plans" / "national.txt").read_bytes() == (PLANS / "national.txt").read_bytes()
