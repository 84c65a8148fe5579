"""`jtcompare import --force` of a new version of a plan says what changed: numbered clauses and measures old ->
new, and the base measures whose status moved (checked against `align` run before and after)."""

from __future__ import annotations

import json

from jtcompare.cli.main import app
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import copy_library

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _statuses(lib) -> dict[str, str]:
    found = json.loads(_run("align", "wuhan", "--format", "json", "--no-overrides", "--plans-dir", str(lib)))
    return {m["id"]: m["status"] for m in found["measures"]}


def _new_version(lib, tmp_path):
    """wuhan's plan without its clauses (六) to (十): a revision that drops five numbered clauses."""
    lines = (lib / "wuhan.txt").read_text(encoding="utf-8").splitlines()
    dropped = ("(六)", "(七)", "(八)", "(九)", "(十)")
    kept = [ln for ln in lines if not ln.startswith(dropped)]
    assert len(lines) - len(kept) == 5
    path = tmp_path / "wuhan-2024.txt"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def test_a_replaced_plan_reports_its_counts_and_the_cells_that_moved(tmp_path) -> None:
    lib = copy_library(tmp_path / "plans")
    old_plan, before = open_library(lib).load("wuhan"), _statuses(lib)
    new = _new_version(lib, tmp_path)
    args = ("import", str(new), "--id", "wuhan", "--name", "武汉市", "--level", "city", "--plans-dir", str(lib))
    found = json.loads(_run(*args, "--force", "--format", "json"))
    new_plan, after = open_library(lib).load("wuhan"), _statuses(lib)
    changes = found["changes"]
    assert changes["clauses"] == {"old": len(old_plan.numbered_clauses), "new": len(new_plan.numbered_clauses)}
    assert changes["clauses"]["old"] - changes["clauses"]["new"] == 5
    assert changes["measures"] == {"old": len(old_plan.measures), "new": len(new_plan.measures)}
    moved = {m: (before[m], after[m]) for m in after if before[m] != after[m]}
    assert moved  # five clauses of industry, transport, building, farming and ecology gone: some cells fall
    assert {c["measure"]: (c["was"], c["now"]) for c in changes["cells"]} == moved
    assert changes["base"] == "national"

    text = _run(*args, "--force")  # the same file again: same counts, no cell moves
    assert f"numbered clauses {changes['clauses']['new']} -> {changes['clauses']['new']}" in text
    assert "0 cells changed status against national" in text


def test_a_new_plan_says_nothing_of_changes(tmp_path) -> None:
    lib = copy_library(tmp_path / "plans")
    new = _new_version(lib, tmp_path)
    args = ("import", str(new), "--id", "wuhan2", "--name", "武汉市", "--level", "city", "--plans-dir", str(lib))
    found = json.loads(_run(*args, "--format", "json"))
    assert "changes" not in found
