"""`jtcompare override PLAN MEASURE --clear` removes an analyst's override: the overrides file loses that row (and
only it), the cell shows the engine's call again, the command says what it removed, and clearing a cell without
an override is a one-line error naming the file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from typer.testing import CliRunner

from tests.conftest import copy_library

runner = CliRunner()


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "plans")


def run(*args: object, lib: Path, lang: str = "en"):
    return runner.invoke(app, [*(str(a) for a in args), "--plans-dir", str(lib)], env={"JTCOMPARE_LANG": lang})


def cell(lib: Path, measure: str) -> dict:
    result = run("align", "wuhan", "--format", "json", lib=lib)
    return next(m for m in json.loads(result.stdout)["measures"] if m["id"] == measure)


def rows(lib: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((lib / "wuhan.overrides.csv").read_text(encoding="utf-8"))))


def test_clear_removes_one_override_and_the_engines_call_applies_again(lib) -> None:
    engine = cell(lib, "N08.03")
    other = "omitted" if engine["status"] != "omitted" else "adopted"
    assert run("override", "wuhan", "N08.03", other, "--note", "only the title", lib=lib).exit_code == 0
    assert run("override", "wuhan", "N10.02", "partial", "--note", "kept", lib=lib).exit_code == 0
    assert cell(lib, "N08.03")["status"] == other
    path = lib / "wuhan.overrides.csv"
    cleared = run("override", "wuhan", "N08.03", "--clear", lib=lib)
    assert cleared.exit_code == 0, cleared.output
    assert cleared.stdout == (
        f"removed the override of N08.03 for wuhan ({other}: only the title) from {path}; "
        "the engine's call applies again\n"
    )
    assert [(r["measure"], r["status"]) for r in rows(lib)] == [("N10.02", "partial")]
    after = cell(lib, "N08.03")
    assert (after["status"], after["overridden"], after["confidence"]) == (
        engine["status"],
        engine["overridden"],
        engine["confidence"],
    )
    # in Chinese, by the plan's name; the last override goes and the file keeps its header
    zh = run("override", "武汉市", "N10.02", "--clear", lib=lib, lang="zh")
    assert zh.exit_code == 0, zh.output
    assert zh.stdout == f"已从 {path} 删除武汉市的 N10.02 的人工改判（部分采纳：kept）；恢复原判定\n"
    assert rows(lib) == [] and path.read_text(encoding="utf-8").startswith("base,measure,status,")


def test_clearing_a_cell_without_an_override_is_a_one_line_error(lib) -> None:
    path = lib / "wuhan.overrides.csv"
    none = run("override", "wuhan", "N08.03", "--clear", lib=lib)
    assert none.exit_code == 2 and none.stdout == ""
    assert none.stderr == f"error: {path}: no override of N08.03 for wuhan against national to remove\n"
    assert not path.exists()  # nothing written
    run("override", "wuhan", "N10.02", "adopted", "--note", "x", lib=lib)
    before = path.read_bytes()
    zh = run("override", "wuhan", "N08.03", "--clear", lib=lib, lang="zh")
    assert zh.exit_code == 2
    assert zh.stderr == f"错误：{path}：没有武汉市对照 national 的 N08.03 的人工改判，无可删除\n"
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "extra", [["adopted"], ["--note", "x"], ["--by", "LM"], ["--match", "WH06.03"], ["--import", "r.csv"]]
)
def test_clear_takes_plan_and_measure_alone(lib, extra) -> None:
    result = run("override", "wuhan", "N08.03", *extra, "--clear", lib=lib)
    assert result.exit_code == 2
    assert result.stderr == "error: --clear takes PLAN MEASURE alone: no STATUS, --note, --by, --match or --import\n"


def test_clear_of_the_users_library_made_by_no_failed_clear(tmp_path, monkeypatch) -> None:
    """Without a library of one's own, a clear that finds nothing makes none; after a pin, it clears there."""
    home = tmp_path / "home"
    monkeypatch.setenv("JTCOMPARE_HOME", str(home))
    monkeypatch.delenv("JTCOMPARE_PLANS_DIR", raising=False)
    failed = runner.invoke(app, ["override", "wuhan", "N08.03", "--clear"])
    assert failed.exit_code == 2 and "no override of N08.03 for wuhan" in failed.stderr
    assert not home.exists()
    assert runner.invoke(app, ["override", "wuhan", "N08.03", "adopted", "--note", "x"]).exit_code == 0
    cleared = runner.invoke(app, ["override", "wuhan", "N08.03", "--clear"])
    assert cleared.exit_code == 0 and f"from {home / 'plans' / 'wuhan.overrides.csv'};" in cleared.stdout


def test_a_stale_override_can_be_cleared(lib) -> None:
    """An override of a measure the base no longer has is reported as stale on every align: --clear removes it."""
    (lib / "wuhan.overrides.csv").write_text(
        "base,measure,status,match,note,by,date,text\nnational,N99.01,adopted,,old,,2026-01-01,gone\n", encoding="utf-8"
    )
    assert "N99.01" in run("align", "wuhan", lib=lib).stderr
    cleared = run("override", "wuhan", "N99.01", "--clear", lib=lib)
    assert cleared.exit_code == 0 and "removed the override of N99.01 for wuhan (adopted: old)" in cleared.stdout
    assert "N99.01" not in run("align", "wuhan", lib=lib).stderr


def test_a_cell_pinned_twice_by_hand_is_cleared_whole(lib) -> None:
    """A file edited by hand may pin one cell twice (the last row is the one applied, one with no base applies
    to any): --clear names the row in effect and removes both, so the engine's call really applies again."""
    engine = cell(lib, "N08.03")
    assert run("override", "wuhan", "N08.03", "omitted", "--note", "first", lib=lib).exit_code == 0
    path = lib / "wuhan.overrides.csv"
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["", "N08.03", "partial", "", "second", "", "", ""])
    assert cell(lib, "N08.03")["status"] == "partial"
    cleared = run("override", "wuhan", "N08.03", "--clear", lib=lib)
    assert cleared.exit_code == 0 and "(partial: second)" in cleared.stdout, cleared.output
    assert rows(lib) == [] and cell(lib, "N08.03")["status"] == engine["status"]


@pytest.mark.parametrize(
    ("given", "english", "chinese"),
    [
        (["wuhan", "N10.02", "partial"], "--note (why the status is pinned)", "--note（改判的理由）"),
        (["wuhan", "N10.02"], "STATUS, --note (why the status is pinned)", "判定、--note（改判的理由）"),
    ],
)
def test_an_override_missing_a_part_names_what_is_missing(lib, given, english, chinese) -> None:
    said = run("override", *given, lib=lib)
    assert said.exit_code == 2 and said.stderr == (
        f"error: give PLAN MEASURE STATUS and --note (or --import FILE): missing {english}\n"
    )
    zh = run("override", *given, lib=lib, lang="zh")
    assert zh.exit_code == 2 and zh.stderr.rstrip().endswith(f"：缺少 {chinese}")
    assert not (lib / "wuhan.overrides.csv").exists()


def test_pinning_a_measure_coverage_does_not_count_says_so(lib) -> None:
    """An override of a 基本原则 measure was taken without a word, and no count moved: now the command says why."""
    summary = json.loads(run("align", "wuhan", "--format", "json", lib=lib).stdout)["summary"]
    pinned = run("override", "wuhan", "N02.02", "采纳", "--note", "原则一致", lib=lib, lang="zh")
    assert pinned.exit_code == 0 and "N02.02 属于指导思想、基本原则或形势部分，不计入覆盖率" in pinned.output
    after = json.loads(run("align", "wuhan", "--format", "json", lib=lib).stdout)
    assert cell(lib, "N02.02")["status"] == "adopted"
    # the summary's counts and coverage stay; it lists the override among the cells an analyst changed
    assert after["summary"] == summary | {"overridden": summary["overridden"] + 1}
    counted = run("override", "wuhan", "N08.03", "omitted", "--note", "only the title", lib=lib)
    assert counted.exit_code == 0 and "coverage does not count" not in counted.output


def test_the_engines_own_call_pinned_from_the_command_line_is_a_confirmation(lib) -> None:
    """As a review's agreement is: no *, not counted among the overrides, the engine's evidence kept. It read
    已将 wuhan 的 N10.02 改判为采纳 and showed 采纳* with '采纳（人工改判；原判定为采纳）'."""
    engine = cell(lib, "N10.02")
    word = {"adopted": "采纳", "partial": "部分采纳", "omitted": "未采纳", "strengthened": "强化"}[engine["status"]]
    said = run("override", "wuhan", "N10.02", word, "--note", "核对无误", lib=lib, lang="zh")
    assert said.exit_code == 0 and f"已确认武汉市的 N10.02 原判定为{word}（不算人工改判）" in said.output
    now = cell(lib, "N10.02")
    assert now["status"] == engine["status"] and now["confirmed"] is True
    assert now["evidence"] == f"{engine['evidence']}; {now['overridden']}"
    assert now["overridden"].startswith("确认原判定：核对无误")
    table = run("align", "wuhan", lib=lib).output
    assert "N10.02" in table and not any("*" in line for line in table.splitlines() if "N10.02" in line)
    other = "omitted" if engine["status"] != "omitted" else "adopted"
    changed = run("override", "wuhan", "N10.02", other, "--note", "再读一遍", lib=lib)
    assert "pinned as" in changed.output and cell(lib, "N10.02")["confirmed"] is False
    # the same status with another plan sentence pinned changes the cell: a correction, marked *
    matched = run(
        "override", "wuhan", "N10.02", engine["status"], "--note", "见 WH03.01", "--match", "WH03.01", lib=lib
    )
    assert "pinned as" in matched.output, matched.output
    now = cell(lib, "N10.02")
    assert now["confirmed"] is False and now["matches"][0]["id"] == "WH03.01"


def test_pinning_over_a_colleagues_override_says_what_it_replaced(lib) -> None:
    """A second analyst's pin replaced the first's without a word: now the command names the call that is gone,
    its note, its author and its date; pinning the same call again says nothing of the kind."""
    first = run("override", "wuhan", "N08.03", "omitted", "--note", "only the title", "--by", "甲", lib=lib)
    assert first.exit_code == 0 and "replaces" not in first.output
    again = run("override", "wuhan", "N08.03", "omitted", "--note", "only the title", "--by", "甲", lib=lib)
    assert "replaces" not in again.output
    second = run("override", "wuhan", "N08.03", "adopted", "--note", "WH07 says it", "--by", "乙", lib=lib)
    assert second.exit_code == 0
    assert "note: this replaces the override the cell had: omitted: only the title (甲, " in second.output
    assert cell(lib, "N08.03")["status"] == "adopted" and len(rows(lib)) == 1
    # the engine's own call pinned twice with the same words replaces nothing (its note gains a prefix when stored)
    confirm = ("override", "wuhan", "N08.03", "adopted", "--note", "WH07 says it", "--by", "乙")
    assert "replaces" not in run(*confirm, lib=lib).output
    zh = run("override", "wuhan", "N08.03", "部分采纳", "--note", "再核", "--by", "丙", lib=lib, lang="zh")
    # adopted is the engine's own call: a confirmation, said in the command's language whatever it was typed in
    assert "注意：该格原有的人工改判已被替换：采纳：确认原判定：WH07 says it（乙、" in zh.output
    cleared = run("override", "wuhan", "N08.03", "--clear", lib=lib)
    assert "removed the override of N08.03 for wuhan (partial: 再核)" in cleared.output
    run("override", "wuhan", "N08.03", "adopted", "--note", "对", lib=lib, lang="zh")  # written in Chinese
    assert "confirms the engine's call: 对" in run("override", "wuhan", "N08.03", "--clear", lib=lib).output
    run("override", "wuhan", "N08.03", "adopted", "--note", "对", lib=lib, lang="zh")
    shown = run("align", "wuhan", "--format", "csv", lib=lib).stdout
    assert "确认原判定" not in shown and "confirms the engine's call: 对" in shown
    assert "confirms the engine's call: 对" in cell(lib, "N08.03")["evidence"]
