"""Judgement rules on real plans, each checked on a measure of the calibration labels that shows its pattern."""

from __future__ import annotations

import pytest
from jtcompare.match.settings import DEFAULTS


@pytest.fixture(scope="module")
def alignments(city_alignments):
    return {c: {m.measure.id: m for m in a.measures} for c, a in city_alignments.items()}


def test_a_pushed_action_only_tempered_is_weakened(alignments) -> None:
    # N10.07 大力发展光伏建筑一体化应用 against chongqing's 稳妥推进光伏建筑一体化应用
    m = alignments["chongqing"]["N10.07"]
    assert m.status == "partial" and m.weakened
    assert "weakened: 大力 -> 稳妥" in m.evidence


def test_a_dated_goal_on_the_measures_subject_strengthens_it(alignments) -> None:
    m = alignments["wuhan"]["N16.04"]  # 加强生活垃圾减量化… + 至2023年底…零填埋
    assert m.status == "strengthened"
    assert "adds a dated goal: 2023: 实现原生生活垃圾零填埋" in m.evidence


def test_a_measure_with_a_key_unit_taken_up_weakly_is_partial_and_says_which(alignments) -> None:
    # N14.03 wuhan: 再生水 taken up; 因地制宜建设人工湿地水质净化工程及再生水调蓄设施 is not (labelled partial)
    m = alignments["wuhan"]["N14.03"]
    key = [u for u in m.units if u.key]
    assert m.status == "partial"
    covered = sum(u.state == "covered" for u in key)
    assert covered < len(key) and any(u.state != "missing" for u in key)
    assert m.evidence.startswith(f"partial ({covered}/{len(key)} key units covered)")
    absent = [u for u in key if u.state != "covered"]
    assert all(u.text[:10] in m.evidence for u in absent)  # named as missing or weaker


def test_framing_units_are_shown_but_not_needed(alignments) -> None:
    # N12.07's 坚持以自然恢复为主 and 提升生态系统质量和稳定性 frame the actions (the unit labels call them so)
    units = alignments["chongqing"]["N12.07"].units
    framing = [u.text for u in units if not u.key]
    assert any(t.startswith("坚持以自然恢复为主") for t in framing)
    assert any(t.startswith("提升生态系统质量和稳定性") for t in framing)
    assert sum(u.key for u in units) >= 2


def test_every_judgement_says_how_sure_it_is(alignments) -> None:
    """The least sure of the key units' calls; cells below check_below are flagged to check."""
    flagged = 0
    for m in alignments["chongqing"].values():
        if m.status == "not_applicable":
            assert m.confidence is None and not m.check
            continue
        assert 0 <= m.confidence <= 1
        assert m.check == (m.counted and m.confidence < DEFAULTS.check_below)  # framing is never to check
        key = [u for u in m.units if u.key] or list(m.units)
        assert m.confidence == min(u.confidence for u in key)
        flagged += m.check
    assert 0 < flagged < len(alignments["chongqing"])  # some cells to check, not all


def test_an_analysts_call_is_not_flagged_to_check(tmp_path) -> None:
    import json

    from jtcompare.cli.main import app
    from typer.testing import CliRunner

    from tests.conftest import copy_library

    lib = copy_library(tmp_path / "plans")
    run = CliRunner().invoke
    before = json.loads(run(app, ["align", "wuhan", "--format", "json", "--plans-dir", str(lib)]).stdout)
    flagged = next(m for m in before["measures"] if m["flagged"])
    run(app, ["override", "wuhan", flagged["id"], "partial", "--note", "读过", "--plans-dir", str(lib)])
    after = json.loads(run(app, ["align", "wuhan", "--format", "json", "--plans-dir", str(lib)]).stdout)
    m = next(m for m in after["measures"] if m["id"] == flagged["id"])
    assert m["status"] == "partial" and m["overridden"]
    assert m["confidence"] is None and m["flagged"] is False
    assert after["summary"]["flagged"] == before["summary"]["flagged"] - (1 if flagged["counted"] else 0)


def test_the_view_marks_the_cells_to_check(tmp_path) -> None:
    import json

    from jtcompare.cli.main import app
    from selectolax.lexbor import LexborHTMLParser
    from typer.testing import CliRunner

    from tests.conftest import PLANS

    run = CliRunner().invoke
    data = json.loads(run(app, ["align", "chengdu", "--format", "json", "--plans-dir", str(PLANS)]).stdout)
    page = tmp_path / "chengdu.html"
    assert run(app, ["view", "chengdu", "--out", str(page), "--plans-dir", str(PLANS)]).exit_code == 0
    tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
    marked = {a.attributes["data-id"] for a in tree.css("article.measure[data-check]")}
    assert marked == {m["id"] for m in data["measures"] if m["flagged"]}
    assert all(tree.css_first(f'article[data-id="{i}"] .badge.check') for i in marked)


def test_a_measure_not_counted_is_never_flagged_to_check(tmp_path) -> None:
    """面临形势 and the framing clauses (指导思想, 工作原则) are listed with a status but not counted: no output asks
    the analyst to check them, though their confidence is shown, and the summary's "to check" counts the rest."""
    import json
    import sqlite3

    from jtcompare.cli.main import app
    from openpyxl import load_workbook
    from selectolax.lexbor import LexborHTMLParser
    from typer.testing import CliRunner

    from tests.conftest import PLANS

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, [*args, "--plans-dir", str(PLANS)], env={"COLUMNS": "200", "NO_COLOR": "1"})
        assert result.exit_code == 0, result.output
        return result.stdout

    data = json.loads(run("align", "chongqing", "--format", "json"))
    unsure = {m["id"] for m in data["measures"] if not m["counted"] and (m["confidence"] or 1) < DEFAULTS.check_below}
    assert len(unsure) >= 3  # such cells exist: the engine is unsure of several framing measures' statuses
    assert not any(m["flagged"] for m in data["measures"] if m["id"] in unsure)
    assert data["summary"]["flagged"] == sum(m["flagged"] for m in data["measures"])
    lines = {row.split()[0]: row for row in run("align", "chongqing").splitlines() if row.split()}
    md_rows = [row for row in run("align", "chongqing", "--format", "md").splitlines() if row.startswith("| ")]
    md = {row.split("|")[1].strip(): row for row in md_rows}
    assert all("?" not in lines[i].split()[1] and "? |" not in md[i] for i in unsure), unsure
    assert any("?" in lines[m["id"]] for m in data["measures"] if m["flagged"])  # counted cells still are
    book = tmp_path / "matrix.xlsx"
    run("matrix", "--out", str(book))  # its Measures sheet: a status symbol per plan, ? when to check
    rows = [[str(c.value) for c in row] for row in load_workbook(book)["Measures"].iter_rows(min_row=2)]
    assert all(not any(v.endswith("?") for v in r) for r in rows if r[3] == "no")
    assert any(v.endswith("?") for r in rows if r[3] == "yes" for v in r)
    page = tmp_path / "chongqing.html"
    run("view", "chongqing", "--out", str(page))
    tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
    assert not any(tree.css_first(f'article[data-id="{i}"]').attributes.get("data-check") for i in unsure)
    db = tmp_path / "plans.db"
    run("export", "chongqing", "--format", "sqlite", "--out", str(db))
    with sqlite3.connect(db) as conn:
        flagged = {r[0] for r in conn.execute("SELECT measure FROM judgements WHERE plan = 'chongqing' AND flagged")}
    assert flagged and not flagged & unsure
