"""`jtcompare plans` and `jtcompare show` through the runner, checked against the engine."""

from __future__ import annotations

import json

import pytest
from jtcompare.cli.main import app
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import PLANS

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_plans_lists_the_four_seeds_with_counts(plans) -> None:
    result = run("plans", "--plans-dir", str(PLANS), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert list(rows) == ["national", "chongqing", "wuhan", "chengdu"]
    assert rows["national"]["clauses"] == 29
    assert rows["chengdu"]["clauses"] == 39 and rows["chengdu"]["warnings"] >= 1
    assert rows["wuhan"]["measures"] == len(plans["wuhan"].measures)


@pytest.mark.parametrize("name", ["chengdu", "成都", "成都市", "CHENGDU"])
def test_show_finds_a_plan_by_id_or_name(name) -> None:
    result = run("show", name, "--plans-dir", str(PLANS), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "chengdu"
    items = [c for c in data["clauses"] if c["number"] and c["number"].isdigit()]
    assert len(items) == 33
    assert any("mojibake" in w for w in data["warnings"])
    first = data["clauses"][0]
    assert set(first) >= {"id", "number", "title", "chapter", "departments", "measures"}
    assert set(first["measures"][0]) >= {"id", "text"}


def test_show_table_names_the_mojibake() -> None:
    result = run("show", "chengdu", "--plans-dir", str(PLANS))
    assert result.exit_code == 0, result.output
    # the counts import gave when it read the plan
    assert f"39 numbered clauses, 11 unnumbered, {len(open_library(PLANS).load('chengdu').measures)} measures" in (
        result.stdout
    )
    assert "mojibake" in result.stdout and "規?;l展" in result.stdout


def test_show_lists_repairs() -> None:
    result = run("show", "chongqing", "--plans-dir", str(PLANS), "--format", "md")
    assert result.exit_code == 0, result.output
    assert "'qi' -> '气'" in result.stdout and "'jie' -> '解'" in result.stdout


def test_unknown_plan_suggests_the_nearest() -> None:
    result = run("show", "chonqing", "--plans-dir", str(PLANS))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: no plan 'chonqing' in {PLANS}; did you mean 'chongqing'?"
    assert "Traceback" not in result.output


def test_unknown_format_is_refused() -> None:
    result = run("plans", "--plans-dir", str(PLANS), "--format", "yaml")
    assert result.exit_code == 2
    assert "unknown format 'yaml'" in result.stderr


def test_plans_dir_from_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JTCOMPARE_PLANS_DIR", str(tmp_path))
    result = run("show", "national")
    assert result.exit_code == 2
    assert "no plan 'national'" in result.stderr


def test_broken_metadata_entry_is_named_and_others_still_work(tmp_path) -> None:
    (tmp_path / "national.txt").write_bytes((PLANS / "national.txt").read_bytes())
    (tmp_path / "plans.toml").write_text(
        '[national]\nname="国家"\nlevel="national"\nkind="k"\ntitle="t"\nfile="national.txt"\nprefix="N"\n\n'
        '[broken]\nname="坏"\nlevel="planet"\nkind="k"\ntitle="t"\nfile="x.txt"\n',
        encoding="utf-8",
    )
    result = run("plans", "--plans-dir", str(tmp_path), "--format", "csv")
    assert result.exit_code == 2, result.output  # the others are listed, the broken one named, and the exit says so
    assert result.stdout.splitlines()[1].startswith("national,")
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'plans.toml'}: entry [broken] is broken: level 'planet' is not one of national, "
        "province, city, district, other"
    ]
    bad = run("show", "broken", "--plans-dir", str(tmp_path))
    assert bad.exit_code == 2 and "entry [broken] is broken" in bad.stderr


def test_an_ambiguous_name_is_refused(tmp_path) -> None:
    for f in ("national.txt", "wuhan.txt"):
        (tmp_path / f).write_bytes((PLANS / f).read_bytes())
    entry = '[{id}]\nname="武汉市"\nlevel="city"\nkind="k"\ntitle="t"\nfile="wuhan.txt"\n\n'
    (tmp_path / "plans.toml").write_text(entry.format(id="wuhan") + entry.format(id="wuhan2"), encoding="utf-8")
    result = run("show", "武汉", "--plans-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "'武汉' names 2 plans" in result.stderr and "(wuhan, wuhan2); use the id" in result.stderr
    assert run("show", "wuhan2", "--plans-dir", str(tmp_path)).exit_code == 0
