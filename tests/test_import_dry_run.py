"""A dry run of `jtcompare import` predicts the real run: the library it names is the one written to (your own,
made by the first write, not the shipped one), and an import the real run refuses fails the same way, with the
plan still shown. A name another plan has is taken, with a warning."""

from __future__ import annotations

import json

import pytest
from jtcompare.cli.main import app
from jtcompare.plans.registry import shipped_plans_dir
from typer.testing import CliRunner

from tests.conftest import PLANS

runner = CliRunner()
WUHAN = PLANS / "wuhan.txt"


def run(*args: object, lang: str = "en"):
    return runner.invoke(app, [str(a) for a in args], env={"JTCOMPARE_LANG": lang, "COLUMNS": "200"})


def test_a_dry_run_of_a_plan_the_library_has_fails_as_the_real_run(home) -> None:
    dry = run("import", WUHAN, "--dry-run")
    real = run("import", WUHAN)
    assert (dry.exit_code, real.exit_code) == (3, 3)
    said = f"error: {WUHAN}: plan 'wuhan' exists already in {shipped_plans_dir()} (武汉市减污降碳协同增效实施方案); "
    assert real.stderr == dry.stderr == said + "give another --id, or --force to replace it\n"
    # what it parsed is still shown, and the last line does not promise an import
    assert "26 numbered clauses, 1 unnumbered, 160 measures" in dry.stdout
    assert (
        dry.stdout.splitlines()[-1] == "dry run: nothing written; a real import would be refused with the error below"
    )
    assert "would add" not in dry.stdout
    as_json = run("import", WUHAN, "--dry-run", "--format", "json")
    assert as_json.exit_code == 3 and as_json.stderr == real.stderr
    found = json.loads(as_json.stdout)
    assert found["import"]["blocked"] == [real.stderr.removeprefix("error: ").strip()]
    assert found["import"]["replaced"] is False and "changes" not in found  # a refused import replaces nothing
    zh = run("import", WUHAN, "--dry-run", lang="zh")
    assert zh.exit_code == 3 and zh.stderr.startswith(f"错误：{WUHAN}：{shipped_plans_dir()} 中已有方案“wuhan”")
    assert zh.stdout.splitlines()[-1] == "试运行：未写入任何文件；实际导入会因下面的错误被拒绝"
    assert not home.exists()  # neither run made a library


def test_a_dry_run_names_the_library_the_import_writes_to(home) -> None:
    mine = home / "plans"
    dry = run("import", WUHAN, "--id", "wuhan2", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert (
        dry.stdout.splitlines()[-1]
        == f"dry run: nothing written; would add wuhan2.txt, wuhan2.orig.txt, plans.toml to {mine}"
    )
    assert not home.exists()
    real = run("import", WUHAN, "--id", "wuhan2")
    assert real.exit_code == 0, real.output
    assert real.stdout.splitlines()[-1] == f"added plan 'wuhan2' in {mine}: wuhan2.txt, wuhan2.orig.txt, plans.toml"
    assert run("plans").stdout.strip().splitlines()[-1] == f"library: {mine} (yours)"


def test_a_name_another_plan_has_is_taken_with_a_warning(home) -> None:
    warned = (
        f"warning: {WUHAN}: plan 'wuhan' (武汉市) answers to this name too: from now on name each by its id "
        "(wuhan or wuhan2)"
    )
    dry = run("import", WUHAN, "--id", "wuhan2", "--dry-run")
    assert dry.stderr == warned + "\n"
    added = run("import", WUHAN, "--id", "wuhan2", "--format", "json")
    assert added.exit_code == 0 and added.stderr == warned + "\n"
    assert json.loads(added.stdout)["import"]["warnings"] == [warned.removeprefix("warning: ")]
    # what the warning says: the name now finds neither plan, the ids do
    by_name = run("show", "武汉市")
    assert (
        by_name.exit_code == 2 and "names 2 plans" in by_name.stderr and "(wuhan, wuhan2); use the id" in by_name.stderr
    )
    assert run("show", "wuhan2").exit_code == 0
    # its ids are told apart from wuhan's: a letter after the initials, not a digit that runs into a clause number
    wuhan, wuhan2 = (json.loads(run("show", p, "--format", "json").stdout) for p in ("wuhan", "wuhan2"))
    ids = {c["id"] for c in wuhan["clauses"]}, {c["id"] for c in wuhan2["clauses"]}
    assert len(ids[1]) == len(ids[0]) and not ids[0] & ids[1] and all(i.startswith("WHB") for i in ids[1])
    zh = run("import", WUHAN, "--id", "wuhan3", "--dry-run", lang="zh")
    assert zh.exit_code == 0 and zh.stderr.splitlines() == [
        f"警告：{WUHAN}：方案“wuhan”（武汉市）也可用这个名称查到：此后请用方案编号（wuhan 或 wuhan3）指代二者",
        f"警告：{WUHAN}：方案“wuhan2”（武汉市）也可用这个名称查到：此后请用方案编号（wuhan2 或 wuhan3）指代二者",
    ]
    # a new version of wuhan2 warns of the other plan of its name, not of the version it replaces
    forced = run("import", WUHAN, "--id", "wuhan2", "--force", "--dry-run")
    assert forced.exit_code == 0 and forced.stderr == warned + "\n"


def test_a_short_name_that_finds_another_plan_is_warned_of_too(home) -> None:
    """武汉 finds 武汉市 (show, align take the short name): importing a plan named 武汉 makes the short name find
    two plans, so it is warned of as a shared name is."""
    added = run("import", WUHAN, "--id", "wuhan-short", "--name", "武汉")
    assert added.exit_code == 0, added.output
    assert "plan 'wuhan' (武汉市) answers to this name too" in added.stderr
    assert "names 2 plans" in run("show", "武汉").stderr


@pytest.mark.parametrize(("where", "blocker"), [("home", "home"), ("home/below", "home"), ("home", "home/plans")])
def test_a_dry_run_where_your_library_cannot_be_made_fails_as_the_real_run(
    tmp_path, monkeypatch, where, blocker
) -> None:
    """Your library not made yet, and a file where its folder (or one above it) would go: the real import cannot
    make it, so the dry run must not say "would add" (a read-only home is the same case, but the tests run as
    root)."""
    (tmp_path / blocker).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / blocker).write_text("a file, not a folder")
    monkeypatch.setenv("JTCOMPARE_HOME", str(tmp_path / where))
    dry = run("import", WUHAN, "--id", "wuhan2", "--dry-run")
    real = run("import", WUHAN, "--id", "wuhan2")
    assert dry.exit_code == real.exit_code != 0
    assert dry.stderr == real.stderr
    assert real.stderr.startswith(f"error: {tmp_path / where / 'plans'}: cannot make your plan library (")
    assert "would add" not in dry.stdout
    assert (tmp_path / blocker).read_text() == "a file, not a folder"
