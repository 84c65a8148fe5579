"""A hostile plan library (issue 26): a plan file that is a FIFO or a device, a plans.toml entry of the wrong
types, and --out --force aimed at a file of the library. Each is one line on stderr naming the file and the
problem, a non-zero exit, no traceback, nothing lost, and it ends at once without reading what it refuses."""

from __future__ import annotations

import csv
import io
import os
import resource
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from typer.testing import CliRunner

from tests.conftest import PLANS, copy_library

runner = CliRunner()
QUICK = 60  # seconds: each refusal is immediate; a read of a FIFO or a device would never end


def invoke(*args: str):
    started = time.monotonic()
    result = runner.invoke(app, list(args))
    assert time.monotonic() - started < QUICK
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "unexpected" not in result.stderr
    return result


def one_line_error(result, code: int, message: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stderr == f"error: {message}\n"


def listed(result) -> list[str]:
    """The ids `plans --format csv` listed."""
    return [line.split(",")[0] for line in result.stdout.splitlines()[1:]]


def compared(result) -> set[str]:
    """The plans `matrix --format csv` compared."""
    return {row["plan"] for row in csv.DictReader(io.StringIO(result.stdout))}


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every name in `folder` with its bytes (a FIFO or a device by its kind): what must be left as it was."""
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.iterdir()):
        mode = os.lstat(p).st_mode
        out[p.name] = p.read_bytes() if stat.S_ISREG(mode) else stat.filemode(mode)
    return out


@pytest.fixture
def lib(tmp_path) -> Path:
    return copy_library(tmp_path / "lib")


def small_library(folder: Path) -> Path:
    """national, wuhan and `copy` (a copy of wuhan under another id): a short matrix."""
    folder.mkdir()
    for name in ("national.txt", "wuhan.txt"):
        shutil.copy(PLANS / name, folder / name)
    shutil.copy(PLANS / "wuhan.txt", folder / "copy.txt")
    toml = (PLANS / "plans.toml").read_text(encoding="utf-8")
    national = toml[toml.index("[national]") : toml.index("[chongqing]")]
    wuhan = toml[toml.index("[wuhan]") : toml.index("[chengdu]")]
    copy = wuhan.replace("[wuhan]", "[copy]").replace('prefix = "WH"', 'prefix = "CP"').replace("wuhan.txt", "copy.txt")
    (folder / "plans.toml").write_text(national + wuhan + copy, encoding="utf-8")
    return folder


# --- 1. only regular files are read, each up to a size limit -------------------------------------------------


class FifoWatchdog:
    """Opens the FIFO's writing end and closes it again if a reader is still waiting after QUICK seconds: a
    command that does read the FIFO then sees its end instead of hanging the test run, and the test fails."""

    def __init__(self, fifo: Path) -> None:
        self.fifo, self.unblocked, self.done = fifo, False, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        if self.done.wait(QUICK):
            return
        while not self.done.is_set():
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)  # fails (ENXIO) while nobody reads it
            except OSError:
                time.sleep(0.1)
                continue
            self.unblocked = True
            os.close(fd)

    def stop(self) -> bool:
        """Whether it had to unblock a reader."""
        self.done.set()
        self.thread.join()
        return self.unblocked


def make_fifo(lib: Path, how: str) -> FifoWatchdog:
    """wuhan's text made a FIFO (or a symlink to a FIFO in the library), watched."""
    text = lib / "wuhan.txt"
    text.unlink()
    if how == "fifo":
        os.mkfifo(text)
        return FifoWatchdog(text)
    os.mkfifo(lib / "pipe")
    text.symlink_to("pipe")
    return FifoWatchdog(lib / "pipe")


@pytest.fixture(params=["fifo", "symlink to a fifo"])
def fifo_lib(request, lib):
    """The library with wuhan's text a FIFO (or a symlink to one); fails if the FIFO was read."""
    watchdog = make_fifo(lib, request.param)
    yield lib
    assert not watchdog.stop(), "the FIFO was read"
    assert stat.S_ISFIFO(os.stat(watchdog.fifo).st_mode)


FIFO = "is a named pipe (FIFO), not a regular file; a plan's text must be a regular file"


def test_plans_names_a_fifo_plan_file_and_lists_the_others(fifo_lib) -> None:
    result = invoke("plans", "--plans-dir", str(fifo_lib), "--format", "csv")
    one_line_error(result, 2, f"{fifo_lib / 'wuhan.txt'}: {FIFO}")
    assert listed(result) == ["national", "chongqing", "chengdu"]


@pytest.mark.parametrize("command", [["align", "wuhan"], ["show", "wuhan"], ["align", "chongqing", "wuhan"]])
def test_align_and_show_refuse_a_fifo_plan_file(fifo_lib, command) -> None:
    result = invoke(*command, "--plans-dir", str(fifo_lib))
    one_line_error(result, 2, f"{fifo_lib / 'wuhan.txt'}: {FIFO}")
    assert result.stdout == ""


def test_matrix_compares_the_others_and_names_a_fifo_plan_file(tmp_path) -> None:
    lib = small_library(tmp_path / "lib")
    watchdog = make_fifo(lib, "fifo")
    result = invoke("matrix", "--plans-dir", str(lib), "--format", "csv", "-j", "1", "--quiet")
    assert not watchdog.stop(), "the FIFO was read"
    one_line_error(result, 2, f"{lib / 'wuhan.txt'}: {FIFO}")
    assert compared(result) == {"copy"}


def zero_device(path: Path) -> None:
    """`path` made a character device as /dev/zero is: endless zero bytes."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
    except OSError:
        pytest.skip("creating a device node needs root")


def run_limited(*args: str) -> subprocess.CompletedProcess:
    """The command in a process of its own, within a minute and 3 GB: reading a device would exhaust either."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    return subprocess.run(
        [sys.executable, "-m", "jtcompare.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=QUICK,
        preexec_fn=limit,
    )


@pytest.mark.parametrize("command", ["plans", "align"])
def test_a_device_as_a_plan_file_is_refused_not_read(lib, command) -> None:
    (lib / "wuhan.txt").unlink()
    zero_device(lib / "wuhan.txt")
    args = ["plans", "--format", "csv"] if command == "plans" else ["align", "wuhan"]
    run = run_limited(*args, "--plans-dir", str(lib))
    assert run.returncode == 2
    assert run.stderr == (
        f"error: {lib / 'wuhan.txt'}: is a character device, not a regular file; a plan's text must be a regular file\n"
    )
    if command == "plans":
        assert [line.split(",")[0] for line in run.stdout.splitlines()[1:]] == ["national", "chongqing", "chengdu"]


@pytest.mark.parametrize("command", [["plans"], ["align", "wuhan"], ["import", "x.txt"]])
def test_plans_toml_as_a_link_to_dev_zero_is_refused(tmp_path, command) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "plans.toml").symlink_to("/dev/zero")
    (tmp_path / "x.txt").write_text("甲市实施方案\n一、总体要求\n", encoding="utf-8")
    args = [str(tmp_path / a) if a == "x.txt" else a for a in command]
    run = run_limited(*args, "--plans-dir", str(lib))
    assert run.returncode == 2
    assert run.stderr == (
        f"error: {lib / 'plans.toml'}: is a character device, not a regular file; plans.toml must be a regular file\n"
    )
    assert sorted(p.name for p in lib.iterdir()) == ["plans.toml"]


def test_an_oversized_plan_file_is_refused_before_it_is_read(lib) -> None:
    with (lib / "wuhan.txt").open("r+b") as fh:
        fh.truncate(41 << 20)  # sparse: 41 MB that cost nothing to make
    result = invoke("plans", "--plans-dir", str(lib), "--format", "csv")
    one_line_error(result, 2, f"{lib / 'wuhan.txt'}: 41 MB is over the 40 MB limit for a plan's text")
    assert listed(result) == ["national", "chongqing", "chengdu"]


def test_a_folder_as_a_plan_file_is_named(lib) -> None:
    (lib / "wuhan.txt").unlink()
    (lib / "wuhan.txt").mkdir()
    result = invoke("show", "wuhan", "--plans-dir", str(lib))
    one_line_error(
        result, 2, f"{lib / 'wuhan.txt'}: is a folder, not a regular file; a plan's text must be a regular file"
    )


# --- 2. every plans.toml entry is checked on load: types and required keys -----------------------------------

WRONG = [
    ("doc_number = [1, 2]\n", "doc_number must be a string, not an array"),
    ('issuers = "x"\n', "issuers must be an array of strings, not a string"),
    ("issuers = [1]\n", "issuers must be an array of strings, not one holding an integer"),
    ("date = 2023\n", 'date must be a string like "2023-05-11", not an integer'),
    ("date = 2023-05-11T08:00:00\n", 'date must be a string like "2023-05-11", not a date-time'),
    ("prefix = true\n", "prefix must be a string, not a boolean"),
    ("province = 4.2\n", "province must be a string, not a float"),
    ("note = { a = 1 }\n", "note must be a string, not a table"),
    ("name = 5\n", "name must be a string, not an integer"),
    (None, "missing or empty: file"),
    (
        'doc_number = [1]\nissuers = "x"\n',
        "doc_number must be a string, not an array; issuers must be an array of strings, not a string",
    ),
]


def break_wuhan(lib: Path, line: str | None) -> None:
    """Give wuhan's entry `line` in place of its own keys of the same names (or take away its `file`)."""
    text = (lib / "plans.toml").read_text(encoding="utf-8")
    start = text.index("[wuhan]")
    end = text.index("\n[", start)
    entry = text[start:end]
    if line is None:
        entry = entry.replace('file = "wuhan.txt"\n', "")
    else:
        keys = {ln.split("=")[0].strip() for ln in line.splitlines()}
        entry = "".join(ln for ln in entry.splitlines(keepends=True) if ln.split("=")[0].strip() not in keys) + line
    (lib / "plans.toml").write_text(text[:start] + entry + text[end:], encoding="utf-8")


@pytest.mark.parametrize(("line", "problem"), WRONG)
def test_plans_names_the_file_entry_and_key_and_lists_the_others(lib, line, problem) -> None:
    break_wuhan(lib, line)
    before = snapshot(lib)
    result = invoke("plans", "--plans-dir", str(lib), "--format", "csv")
    one_line_error(result, 2, f"{lib / 'plans.toml'}: entry [wuhan] is broken: {problem}")
    assert listed(result) == ["national", "chongqing", "chengdu"]
    shown = invoke("show", "wuhan", "--plans-dir", str(lib))
    one_line_error(shown, 2, f"{lib / 'plans.toml'}: entry [wuhan] is broken: {problem}")
    assert snapshot(lib) == before


@pytest.mark.parametrize(("line", "problem"), [WRONG[0], WRONG[1], WRONG[3], WRONG[9]])
def test_matrix_skips_a_wrong_typed_entry_and_names_it(tmp_path, line, problem) -> None:
    lib = small_library(tmp_path / "lib")
    break_wuhan(lib, line)
    result = invoke("matrix", "--plans-dir", str(lib), "--format", "csv", "-j", "1", "--quiet")
    one_line_error(result, 2, f"{lib / 'plans.toml'}: entry [wuhan] is broken: {problem}")
    assert compared(result) == {"copy"}


def test_an_unquoted_toml_date_is_still_read_as_the_day(lib) -> None:
    break_wuhan(lib, "date = 2023-05-11\n")
    result = invoke("plans", "--plans-dir", str(lib), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert [line.split(",")[4] for line in result.stdout.splitlines()[1:]][2] == "2023-05-11"


# --- 3. --out --force never replaces a file of the library in use --------------------------------------------


@pytest.mark.parametrize("how", ["--plans-dir", "$JTCOMPARE_PLANS_DIR", "your library"])
@pytest.mark.parametrize(
    ("command", "target", "what"),
    [
        (["report", "wuhan", "--format", "md"], "wuhan.txt", "the text of plan 'wuhan' in the plan library {lib}"),
        (["align", "chongqing", "--format", "csv"], "plans.toml", "plans.toml of the plan library {lib}"),
        (["align", "wuhan", "--format", "md"], "chengdu.txt", "the text of plan 'chengdu' in the plan library {lib}"),
        (["view", "wuhan"], "wuhan.orig.html", "the original of plan 'wuhan' in the plan library {lib}"),
        (["brief", "wuhan"], "wuhan.orig.docx", "the original of plan 'wuhan' in the plan library {lib}"),
    ],
)
def test_force_never_overwrites_a_file_of_the_library_in_use(tmp_path, monkeypatch, how, command, target, what) -> None:
    (tmp_path / "data").mkdir()
    lib = copy_library(tmp_path / "data" / "plans")
    if target.startswith("wuhan.orig"):
        (lib / target).write_bytes(b"the file as it was received")
        text = (lib / "plans.toml").read_text(encoding="utf-8")
        text = text.replace('file = "wuhan.txt"\n', f'file = "wuhan.txt"\noriginal = "{target}"\n')
        (lib / "plans.toml").write_text(text, encoding="utf-8")
    before = snapshot(lib)
    monkeypatch.delenv("JTCOMPARE_PLANS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    given = "data/plans"
    args = [*command, "--out", str(lib / target), "--force"]
    if how == "--plans-dir":
        args += ["--plans-dir", given]
    elif how == "$JTCOMPARE_PLANS_DIR":
        monkeypatch.setenv("JTCOMPARE_PLANS_DIR", given)
    else:  # $JTCOMPARE_HOME/plans
        monkeypatch.setenv("JTCOMPARE_HOME", str(tmp_path / "data"))
        given = str(tmp_path / "data" / "plans")
    result = invoke(*args)
    one_line_error(
        result,
        3,
        f"{lib / target}: is {what.format(lib=given)}; refusing to overwrite it, even with --force "
        "(give another file name)",
    )
    assert result.stdout == ""
    assert snapshot(lib) == before


@pytest.mark.parametrize("spelling", ["../plans/wuhan.txt", "link/wuhan.txt", "relative"])
def test_another_spelling_of_a_library_file_is_refused_too(tmp_path, monkeypatch, spelling) -> None:
    lib = copy_library(tmp_path / "plans")
    (tmp_path / "link").symlink_to(lib)
    (tmp_path / "other").mkdir()
    out = {"relative": "plans/wuhan.txt", "link/wuhan.txt": str(tmp_path / "link" / "wuhan.txt")}.get(
        spelling, str(tmp_path / "other" / spelling)
    )
    monkeypatch.chdir(tmp_path)
    before = snapshot(lib)
    result = invoke("report", "wuhan", "--format", "md", "--out", out, "--force", "--plans-dir", str(lib))
    one_line_error(
        result,
        3,
        f"{out}: is the text of plan 'wuhan' in the plan library {lib}; refusing to overwrite it, even with --force "
        "(give another file name)",
    )
    assert snapshot(lib) == before


def test_overrides_of_the_library_are_not_overwritten(lib) -> None:
    (lib / "wuhan.overrides.csv").write_text("base,measure,status,match,note,by,date,text\n", encoding="utf-8")
    before = snapshot(lib)
    out = lib / "wuhan.overrides.csv"
    result = invoke("align", "wuhan", "--format", "csv", "--out", str(out), "--force", "--plans-dir", str(lib))
    one_line_error(
        result,
        3,
        f"{out}: is the overrides file of plan 'wuhan' in the plan library {lib}; refusing to overwrite it, "
        "even with --force (give another file name)",
    )
    assert snapshot(lib) == before


def test_a_new_report_beside_the_plans_is_still_written(lib) -> None:
    out = lib / "wuhan-report.md"
    out.write_text("last week's", encoding="utf-8")
    result = invoke("report", "wuhan", "--format", "md", "--out", str(out), "--force", "--plans-dir", str(lib))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") != "last week's"


def test_an_overrides_file_that_is_a_fifo_is_refused_not_read(tmp_path) -> None:
    lib = copy_library(tmp_path / "plans2")
    os.mkfifo(lib / "wuhan.overrides.csv")
    result = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(lib)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {lib / 'wuhan.overrides.csv'}: is a named pipe (FIFO), not a regular file; "
        "an overrides file must be a regular file"
    )
