"""The shipped library is read, never written: import and override write to the user's own library
($JTCOMPARE_HOME/plans here; the per-user data folder otherwise), made from the shipped plans on first use, and
which library answered is said by `plans`. A ./data/plans in the working folder does not change the answer."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.plans.registry import default_plans_dir, open_library, shipped_plans_dir, user_plans_dir
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.test_library_safety import small_plan

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


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


# --- your library comes into being with the first write that succeeds, not with a command that fails ---------


def _fails_to_import_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    failed = runner.invoke(app, ["import", str(empty)])
    assert failed.exit_code == 2 and failed.stderr.strip() == f"error: {empty}: empty file"


def _fails_to_override_a_measure_that_is_not_there(tmp_path: Path) -> None:
    failed = runner.invoke(app, ["override", "wuhan", "N99.99", "adopted", "--note", "x"])
    assert failed.exit_code == 2 and "national has no measure 'N99.99'" in failed.stderr


def _fails_to_import_a_missing_file_from_python(tmp_path: Path) -> None:
    import jtcompare
    from jtcompare.errors import JtError

    with pytest.raises(JtError, match=r"nosuch\.docx: no such file"):
        jtcompare.Library().import_plan(tmp_path / "nosuch.docx", id="x", name="x")


def _fails_to_import_a_plan_the_library_has(tmp_path: Path) -> None:
    """Refused for what the library holds: named where the plan is, the shipped library."""
    failed = runner.invoke(app, ["import", str(FIXTURES / "wuhan-plan.docx")])
    assert failed.exit_code == 3  # as a plan that cannot be written
    assert f"plan 'wuhan' exists already in {shipped_plans_dir()}" in failed.stderr


def _fails_to_apply_a_review_with_an_unknown_status(tmp_path: Path) -> None:
    """Checked row by row under the lock of the library being written: your library is made, then removed."""
    review = tmp_path / "review.csv"
    review.write_text("plan,measure,analyst status\nwuhan,N10.02,fine\n", encoding="utf-8")
    failed = runner.invoke(app, ["override", "--import", str(review)])
    assert failed.exit_code == 2 and "unknown status 'fine'" in failed.stderr


@pytest.mark.parametrize(
    "fail",
    [
        _fails_to_apply_a_review_with_an_unknown_status,
        _fails_to_import_an_empty_file,
        _fails_to_override_a_measure_that_is_not_there,
        _fails_to_import_a_missing_file_from_python,
        _fails_to_import_a_plan_the_library_has,
    ],
)
def test_a_command_that_fails_leaves_no_library_of_ones_own(home, tmp_path, fail) -> None:
    home.mkdir()
    fail(tmp_path)
    assert list(home.iterdir()) == []  # no plans folder, and no temporary one
    listed = runner.invoke(app, ["plans"])
    assert listed.exit_code == 0 and "shipped with jtcompare" in listed.stdout.strip().splitlines()[-1]
    assert default_plans_dir() == shipped_plans_dir()


def test_a_review_applied_first_makes_the_library_with_its_overrides(home, tmp_path) -> None:
    review = tmp_path / "review.csv"
    review.write_text("plan,measure,analyst status\nwuhan,N10.02,omitted\n", encoding="utf-8")
    applied = runner.invoke(app, ["override", "--import", str(review)])
    assert applied.exit_code == 0, applied.output
    assert "wuhan N10.02" in applied.stdout and "-> omitted" in applied.stdout
    written = home / "plans" / "wuhan.overrides.csv"
    assert ",N10.02,omitted," in written.read_text(encoding="utf-8") and default_plans_dir() == home / "plans"


def test_a_first_write_that_fails_after_the_copy_removes_it_again(home, tmp_path, monkeypatch) -> None:
    """The copy of the shipped plans is made, then writing the plan fails (a full disk): the library goes with it,
    and the next import makes it afresh."""
    import jtcompare.plans.importer as importer
    from jtcompare.errors import WriteFailed

    source = tmp_path / "jia.txt"
    source.write_text(small_plan(0), encoding="utf-8")
    real = importer.write_files

    def full(folder, files):
        assert (Path(folder) / "plans.toml").is_file()  # the copy is there, and is the folder being written
        raise WriteFailed(f"{folder}: cannot write the plan (No space left on device); nothing was changed")

    monkeypatch.setattr(importer, "write_files", full)
    failed = runner.invoke(app, ["import", str(source), "--id", "jia"])
    assert failed.exit_code == 3, failed.output
    assert list(home.iterdir()) == []
    monkeypatch.setattr(importer, "write_files", real)
    added = runner.invoke(app, ["import", str(source), "--id", "jia"])
    assert added.exit_code == 0, added.output
    assert {"jia", "national", "wuhan"} <= set(open_library(home / "plans").plans)


def test_an_interrupted_first_copy_leaves_no_library_and_the_next_command_makes_it(home, monkeypatch) -> None:
    import jtcompare.atomic as atomic

    def fail(folder, files):
        (Path(folder) / "national.txt").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    real = atomic.write_files
    monkeypatch.setattr(atomic, "write_files", fail)
    stopped = runner.invoke(app, ["override", "wuhan", "N10.02", "adopted", "--note", "n"])
    assert stopped.exit_code == 130, stopped.output  # as Ctrl-C ends it
    assert list(home.iterdir()) == []  # neither the library nor its half-made copy
    assert default_plans_dir() == shipped_plans_dir()
    monkeypatch.setattr(atomic, "write_files", real)
    pinned = runner.invoke(app, ["override", "wuhan", "N10.02", "adopted", "--note", "n"])
    assert pinned.exit_code == 0, pinned.output
    assert (home / "plans" / "national.txt").read_bytes() == (PLANS / "national.txt").read_bytes()


def test_a_copy_left_by_a_killed_first_write_is_removed_by_the_next(home) -> None:
    """SIGKILL while the copy is made leaves its temporary folder (named for its writer), never a library."""
    import subprocess
    import sys

    from jtcompare.atomic import _HOST

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = home / f".plans.{int(dead.stdout)}@{_HOST}.abcd_123.part"
    left.mkdir(parents=True)
    (left / "national.txt").write_text("half", encoding="utf-8")
    assert default_plans_dir() == shipped_plans_dir()
    pinned = runner.invoke(app, ["override", "wuhan", "N10.02", "adopted", "--note", "n"])
    assert pinned.exit_code == 0, pinned.output
    assert sorted(p.name for p in home.iterdir()) == ["plans"]


def test_an_older_unfinished_copy_is_finished_in_place(home) -> None:
    """An earlier version copied into the folder itself, plans.toml last: a copy it left unfinished is no library,
    and the first write finishes it, keeping what else is there."""
    mine = home / "plans"
    mine.mkdir(parents=True)
    (mine / "national.txt").write_text("half", encoding="utf-8")
    (mine / "notes.md").write_text("mine", encoding="utf-8")
    assert default_plans_dir() == shipped_plans_dir()
    pinned = runner.invoke(app, ["override", "wuhan", "N10.02", "adopted", "--note", "n"])
    assert pinned.exit_code == 0, pinned.output
    assert (mine / "national.txt").read_bytes() == (PLANS / "national.txt").read_bytes()
    assert (mine / "notes.md").read_text(encoding="utf-8") == "mine" and (mine / "wuhan.overrides.csv").is_file()


def test_a_writer_waiting_on_a_library_removed_meanwhile_makes_it_afresh(home) -> None:
    """A first write holds the new library's lock; a second writer waits on it; the first fails and removes the
    library: the second, woken on a folder no longer there, starts again and makes its own."""
    import fcntl
    import threading

    from jtcompare.atomic import remove_folder
    from jtcompare.plans.library_edit import writing

    mine = home / "plans"
    waiting, done = threading.Event(), []
    with writing(mine):  # made here
        real_flock = fcntl.flock

        def second() -> None:
            with writing(mine):
                done.append((mine / "plans.toml").is_file())

        def flock(fd, op):
            if threading.current_thread() is not threading.main_thread():
                waiting.set()
            return real_flock(fd, op)

        fcntl.flock = flock
        try:
            other = threading.Thread(target=second)
            other.start()
            assert waiting.wait(10)
            remove_folder(mine)  # as a failed first write does, still holding the lock
        finally:
            fcntl.flock = real_flock
    other.join(10)
    assert done == [True] and (mine / "plans.toml").is_file()


@pytest.mark.slow
def test_first_imports_started_together_are_all_kept(home, tmp_path) -> None:
    """Several imports into a user with no library yet: one makes it, the others wait and add to it."""
    import subprocess
    import sys

    env = {**os.environ, "JTCOMPARE_HOME": str(home)}
    env.pop("JTCOMPARE_PLANS_DIR", None)
    procs = []
    for n in range(4):
        source = tmp_path / f"plan{n}.txt"
        source.write_text(small_plan(n), encoding="utf-8")
        command = [sys.executable, "-m", "jtcompare.cli.main", "import", str(source), "--id", f"p{n}"]
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert {"p0", "p1", "p2", "p3", "national", "wuhan"} <= set(open_library(home / "plans").plans)
    assert sorted(p.name for p in home.iterdir()) == ["plans"]
