"""Output files: only a new path or a regular file is written (a symlink, FIFO or device is refused, whatever
--force says), and a run killed by SIGTERM or SIGHUP leaves no temporary file, as Ctrl-C does."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys

import pytest
from jtcompare.cli.main import app
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.fixtures import make

runner = CliRunner()


def special(tmp_path, kind: str):
    """A path in tmp_path that is not a regular file, and a check that it is unchanged."""
    path = tmp_path / f"out-{kind}.md"
    if kind == "symlink":
        target = tmp_path / "notes.md"
        target.write_text("my notes", encoding="utf-8")
        path.symlink_to(target)
        return path, lambda: path.is_symlink() and target.read_text(encoding="utf-8") == "my notes"
    if kind == "fifo":
        os.mkfifo(path)
        return path, lambda: stat.S_ISFIFO(os.lstat(path).st_mode)
    if kind == "device":
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # what /dev/full is
        except (PermissionError, OSError):
            pytest.skip("creating a device node needs root")
        return path, lambda: stat.S_ISCHR(os.lstat(path).st_mode)
    path.mkdir()
    return path, path.is_dir


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("symlink", "a symbolic link"),
        ("fifo", "a named pipe (FIFO)"),
        ("device", "a character device"),
        ("folder", "a folder"),
    ],
)
def test_force_never_replaces_what_is_not_a_regular_file(tmp_path, kind, words) -> None:
    path, unchanged = special(tmp_path, kind)
    result = runner.invoke(
        app, ["report", "wuhan", "--out", str(path), "--format", "md", "--force", "--plans-dir", str(PLANS)]
    )
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"error: {path}: is {words}, not a regular file; refusing to replace it (give a new file name)"
    )
    assert unchanged()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("command", [["align", "wuhan"], ["report", "wuhan"], ["matrix"]])
def test_a_folder_given_as_out_is_named_as_one_not_as_a_missing_extension(tmp_path, monkeypatch, command) -> None:
    """`--out .` (a folder, whose name has no extension to read the format from) says it is a folder."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*command, "--out", ".", "--plans-dir", str(PLANS)])
    assert result.exit_code == 3
    assert result.stderr == "error: .: is a folder, not a regular file; refusing to replace it (give a new file name)\n"
    assert list(tmp_path.iterdir()) == []


def test_an_import_does_not_write_through_a_symlink_in_the_library(tmp_path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    shutil.copy(PLANS / "plans.toml", lib / "plans.toml")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not a plan", encoding="utf-8")
    (lib / "wuhan.txt").symlink_to(elsewhere)
    source = tmp_path / "wuhan.docx"
    source.write_bytes(make.docx_bytes(make.seed("wuhan")))
    result = runner.invoke(app, ["import", str(source), "--plans-dir", str(lib), "--force"])
    assert result.exit_code == 3
    assert "wuhan.txt: is a symbolic link, not a regular file" in result.stderr
    assert elsewhere.read_text(encoding="utf-8") == "not a plan" and (lib / "wuhan.txt").is_symlink()


KILL_WHILE_WRITING = """
import os, signal, sys
import jtcompare.report.workbook as workbook
from jtcompare.cli.main import app

def write_matrix(alignments, stream, **options):
    stream.write(b"half a workbook")
    os.kill(os.getpid(), signal.{signal})
    raise AssertionError("the signal did not stop the write")

workbook.write_matrix = write_matrix
app(["matrix", "wuhan", "--out", sys.argv[1], "--plans-dir", sys.argv[2]])
"""


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path, signame) -> None:
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", KILL_WHILE_WRITING.format(signal=signame), str(out_dir / "m.xlsx"), str(PLANS)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    signum = getattr(signal, signame)
    assert result.returncode == 128 + signum, result.stderr
    assert result.stderr.splitlines()[-1] == f"terminated ({signame}): nothing was written"
    assert list(out_dir.iterdir()) == []


def test_a_workbook_under_a_text_files_name_is_written_with_a_warning(tmp_path) -> None:
    """--format wins over the name, as asked; a file that would not open as its name says is warned of (a
    workbook named .md), while text under another text name (CSV in a .txt) is not."""
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["report", "wuhan", "--out", str(out), "--format", "xlsx", "--plans-dir", str(PLANS)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f"warning: {out}: writing xlsx as --format asks, though the name says md"
    assert out.read_bytes().startswith(b"PK")
    txt = tmp_path / "r.txt"
    result = runner.invoke(app, ["align", "wuhan", "--out", str(txt), "--format", "csv", "--plans-dir", str(PLANS)])
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert txt.read_text(encoding="utf-8-sig").startswith("plan,")
