"""The library loses nothing and reads nothing from outside itself: concurrent writers serialise, the base
plan is not replaced by accident, plans.toml cannot point elsewhere, and one broken plan costs only itself."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import jtcompare.plans.importer as importer
import jtcompare.workflow.overrides as overrides
import pytest
from jtcompare.cli.main import app
from jtcompare.plans.importer import import_plan
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import PLANS, ROOT
from tests.fixtures import make

runner = CliRunner()
BIN = Path(sys.executable).parent


CITIES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


def small_plan(n: int) -> str:
    """A short plan of its own: a city name and a measure only it has."""
    return (
        f"{CITIES[n]}城市减污降碳协同增效实施方案\n一、总体要求\n"
        f"(一)指导思想。深入贯彻落实党的二十大精神,推进减污降碳协同增效,编号{n}号的措施。\n"
        "(二)工作目标。到2025年,加强协同治理能力,完善政策体系,推动绿色低碳发展,确保各项任务落实到位。\n"
        "二、重点任务\n(三)强化源头防控。严格生态环境准入,加快产业结构调整,促进能源绿色转型,支持清洁生产。\n"
        "(四)健全保障机制。建立协调机制,优化监测体系,探索碳普惠制度,鼓励社会各界积极参与。\n"
    )


def copy_library(target: Path, *names: str) -> Path:
    target.mkdir(exist_ok=True)
    for name in ("plans.toml", *names):
        shutil.copy(PLANS / name, target / name)
    return target


# --- 1. concurrent writers ----------------------------------------------------------------------------


def block_until_the_other_waits_or_is_done(monkeypatch, module, name: str, other: threading.Thread):
    """Make `module.name` (a write inside the library's lock) wait until the `other` writer has finished or is
    waiting for the lock: without a lock the other writer finishes first and one write is lost."""
    waiting = threading.Event()
    real_flock, real_write = fcntl.flock, getattr(module, name)

    def flock(fd, op):
        if threading.current_thread() is other and op & fcntl.LOCK_EX:
            waiting.set()
        return real_flock(fd, op)

    def write(*args, **kwargs):
        if threading.current_thread() is other:
            return real_write(*args, **kwargs)
        other.start()
        while not waiting.wait(0.05) and other.is_alive():
            pass
        return real_write(*args, **kwargs)

    monkeypatch.setattr(fcntl, "flock", flock)
    monkeypatch.setattr(module, name, write)


def test_an_import_started_during_another_waits_and_both_are_kept(tmp_path, monkeypatch) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    sources = []
    for n in (1, 2):
        sources.append(tmp_path / f"plan{n}.txt")
        sources[-1].write_text(small_plan(n), encoding="utf-8")
    errors: list[BaseException] = []

    def second() -> None:
        try:
            import_plan(sources[1], lib, plan_id="p2")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    other = threading.Thread(target=second)
    block_until_the_other_waits_or_is_done(monkeypatch, importer, "write_files", other)
    import_plan(sources[0], lib, plan_id="p1")
    other.join()
    assert not errors
    assert set(open_library(lib).plans) == {"p1", "p2"}


def test_an_override_made_during_another_is_kept(tmp_path, monkeypatch) -> None:
    lib = copy_library(tmp_path / "lib", "national.txt", "wuhan.txt")
    library = open_library(lib)
    wuhan, national = library.load("wuhan"), library.load("national")
    other = threading.Thread(
        target=lambda: overrides.add_override(lib, wuhan, national, "N08.02", "omitted", note="b", by="B")
    )
    block_until_the_other_waits_or_is_done(monkeypatch, overrides, "write_atomic", other)
    overrides.add_override(lib, wuhan, national, "N08.01", "adopted", note="a", by="A")
    other.join()
    pinned = {(o.measure, o.status) for o in overrides.read_overrides(lib, "wuhan")}
    assert pinned == {("N08.01", "adopted"), ("N08.02", "omitted")}


@pytest.mark.slow
def test_twenty_parallel_import_processes_are_all_kept(tmp_path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    procs = []
    for n in range(20):
        source = tmp_path / f"plan{n}.txt"
        source.write_text(small_plan(n), encoding="utf-8")
        command = ["jtcompare", "import", str(source), "--plans-dir", str(lib), "--id", f"p{n:02d}"]
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "added plan" in out
    listed = subprocess.run(
        ["jtcompare", "plans", "--plans-dir", str(lib), "--format", "json"], env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert sorted(row["id"] for row in json.loads(listed.stdout)) == [f"p{n:02d}" for n in range(20)]
    plans, problems = open_library(lib).load_all(use_cache=False)
    assert not problems
    for plan in plans:
        n = int(plan.id[1:])
        assert plan.meta.name == f"{CITIES[n]}城市"
        assert any(f"编号{n}号的措施" in m.text for m in plan.measures)
    assert sorted(p.name for p in lib.iterdir() if p.name.startswith(".")) == []  # no temporary or lock files


# --- 2. the national base -----------------------------------------------------------------------------

XIAN = (
    "西安市减污降碳协同创新试点实施方案 为深入贯彻落实生态环境部等7部门印发《减污降碳协同增效实施方案》"
    "(环综合〔2022〕42号)的要求,推进我市减污降碳协同创新试点,制定本方案。一、总体要求 坚持系统观念,统筹推进"
    "减污降碳协同增效。二、重点任务 (一)强化源头防控。严格生态环境准入,加快产业结构调整,促进能源绿色转型。"
    "(二)推进工业协同。支持企业开展清洁生产改造,探索建立协同治理模式,完善监测体系,确保任务落实。"
    "(三)加强组织保障。健全工作机制,优化考核评价,鼓励社会参与,构建全民行动体系。"
)


def test_a_city_plan_mentioning_the_national_scheme_is_not_guessed_national(tmp_path) -> None:
    source = tmp_path / "xian.txt"
    source.write_text(XIAN, encoding="utf-8")  # a web copy on one line
    m = import_plan(source, tmp_path, dry_run=True).meta
    assert (m.id, m.name, m.level) == ("xian", "西安市", "city")
    assert m.title == "西安市减污降碳协同创新试点实施方案"


def test_force_does_not_replace_the_base_but_replace_base_does(tmp_path) -> None:
    lib = copy_library(tmp_path / "lib", "national.txt", "wuhan.txt")
    source = tmp_path / "xian.txt"
    source.write_text(XIAN, encoding="utf-8")
    before = (lib / "national.txt").read_bytes()
    args = ["import", str(source), "--plans-dir", str(lib), "--id", "national", "--name", "西安市"]
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 3
    assert forced.stderr.strip() == (
        f"error: {source}: plan 'national' is the library's base in {lib} (减污降碳协同增效实施方案), which every "
        "plan is compared with; give another --id, or --replace-base to replace it"
    )
    assert (lib / "national.txt").read_bytes() == before
    replaced = runner.invoke(app, [*args, "--replace-base"])
    assert replaced.exit_code == 0, replaced.output
    assert open_library(lib).find("national").name == "西安市"


def test_a_given_id_keeps_the_name_from_the_text(tmp_path) -> None:
    source = tmp_path / "xian.txt"
    source.write_text(XIAN, encoding="utf-8")
    assert runner.invoke(app, ["import", str(source), "--plans-dir", str(tmp_path), "--id", "xa"]).exit_code == 0
    entry = open_library(tmp_path).find("xa")
    assert (entry.id, entry.name, entry.level) == ("xa", "西安市", "city")


def test_given_id_and_name_are_stored_as_given(tmp_path) -> None:
    source = tmp_path / "national-copy.docx"
    source.write_bytes(make.docx_bytes(make.seed("national")))  # guessed national from its issuers
    args = ["import", str(source), "--plans-dir", str(tmp_path), "--id", "mee2022", "--name", "生态环境部等七部门"]
    assert runner.invoke(app, args).exit_code == 0
    entry = open_library(tmp_path).find("mee2022")
    assert (entry.id, entry.name) == ("mee2022", "生态环境部等七部门")


def test_the_national_seed_is_still_guessed_national_from_its_issuers(tmp_path) -> None:
    source = tmp_path / "plan.txt"
    source.write_text(make.seed("national"), encoding="utf-8")
    m = import_plan(source, tmp_path, dry_run=True).meta
    assert (m.id, m.name, m.level) == ("national", "国家", "national")


# --- 4. plans.toml cannot point outside the library ------------------------------------------------------


@pytest.mark.parametrize("file", ["/etc/passwd", "../secret/x.txt", "sub/../../secret/x.txt", "link.txt"])
def test_a_file_outside_the_library_is_never_read(tmp_path, file) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "x.txt").write_text(make.seed("wuhan"), encoding="utf-8")
    lib = copy_library(tmp_path / "lib", "national.txt")
    (lib / "link.txt").symlink_to(secret / "x.txt")
    with (lib / "plans.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[leak]\nname = "泄露市"\nlevel = "city"\nkind = "k"\ntitle = "t"\nfile = "{file}"\n')
    shown = runner.invoke(app, ["show", "leak", "--plans-dir", str(lib), "--format", "json"])
    assert shown.exit_code == 2
    assert shown.stdout == ""
    assert shown.stderr.strip() == (
        f"error: {lib / 'plans.toml'}: entry [leak] is broken: file '{file}' is outside the plans folder {lib}"
    )
    listed = runner.invoke(app, ["plans", "--plans-dir", str(lib), "--format", "csv"])
    assert [ln.split(",")[0] for ln in listed.stdout.splitlines()[1:]] == ["national"]
    assert "entry [leak] is broken" in listed.stderr and listed.exit_code == 2


# --- 8, 9. one broken plan costs only itself -------------------------------------------------------------


@pytest.fixture
def damaged(tmp_path) -> Path:
    """The seed library with chengdu's file missing and an entry without a name."""
    lib = copy_library(tmp_path / "lib", "national.txt", "chongqing.txt", "wuhan.txt")
    with (lib / "plans.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[nameless]\nlevel = "city"\nkind = "k"\ntitle = "t"\nfile = "wuhan.txt"\n')
    return lib


def problems_named(lib: Path) -> list[str]:
    return [
        f"error: {lib / 'chengdu.txt'}: cannot read (No such file or directory)",
        f"error: {lib / 'plans.toml'}: entry [nameless] is broken: missing or empty: name",
    ]


def test_plans_lists_the_others_and_names_the_broken(damaged) -> None:
    result = runner.invoke(app, ["plans", "--plans-dir", str(damaged), "--format", "csv"])
    assert result.exit_code == 2
    assert [ln.split(",")[0] for ln in result.stdout.splitlines()[1:]] == ["national", "chongqing", "wuhan"]
    assert sorted(result.stderr.splitlines()) == problems_named(damaged)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_matrix_compares_the_others_and_names_the_broken(damaged, tmp_path, jobs) -> None:
    out = tmp_path / "m.xlsx"
    result = runner.invoke(app, ["matrix", "--plans-dir", str(damaged), "--out", str(out), "--quiet", "-j", jobs])
    assert result.exit_code == 2
    assert sorted(result.stderr.splitlines()) == problems_named(damaged)
    from openpyxl import load_workbook

    summary = load_workbook(out)["Summary"]
    assert [summary.cell(row=r, column=1).value for r in (2, 3, 4)] == ["chongqing", "wuhan", None]


@pytest.mark.slow  # a bash loop starting one jtcompare process per plan; .ci/run runs it with -m slow
def test_the_readme_batch_loop_reports_the_others_and_fails_at_the_end(damaged, tmp_path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    loop = re.search(r"<!-- shell-loop.*?```sh\n(.*?)```", readme, re.S)
    assert loop
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "JTCOMPARE_PLANS_DIR": str(damaged)}
    run = subprocess.run(["bash", "-c", loop.group(1)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["chongqing-gaps.xlsx", "wuhan-gaps.xlsx"]
    assert "entry [nameless] is broken" in run.stderr and "chengdu.txt: cannot read" in run.stderr
