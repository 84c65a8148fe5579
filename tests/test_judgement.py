"""Judgement rules on real plans, each checked on a measure of the calibration labels that shows its pattern."""

from __future__ import annotations

import dataclasses

import pytest
from jtcompare.match.classify import align
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library


@pytest.fixture(scope="module")
def alignments():
    lib = open_library()
    base = lib.load("national")
    cities = ("chongqing", "wuhan", "chengdu")
    return {c: {m.measure.id: m for m in align(base, lib.load(c), DEFAULTS).measures} for c in cities}


@pytest.mark.parametrize("city", ["chongqing", "wuhan"])
def test_a_target_the_plan_does_not_set_makes_the_measure_partial(alignments, city) -> None:
    # N08.06 全国短流程炼钢占比分别提升至15%、20%以上: both cities support 电炉短流程炼钢 but set no share
    m = alignments[city]["N08.06"]
    assert m.status == "partial"
    assert "target not taken up" in m.evidence and "短流程炼钢占比" in m.evidence


def test_a_pushed_action_only_tempered_is_weakened(alignments) -> None:
    # N10.07 大力发展光伏建筑一体化应用 against chongqing's 稳妥推进光伏建筑一体化应用
    m = alignments["chongqing"]["N10.07"]
    assert m.status == "partial" and m.weakened
    assert "weakened: 大力 -> 稳妥" in m.evidence


@pytest.mark.parametrize(
    ("city", "measure", "goal"),
    [
        ("chongqing", "N07.04", "2025: 包装减量"),  # 推广绿色包装 + 到2025年…快递包装基本实现绿色转型
        ("wuhan", "N16.04", "2023: 实现原生生活垃圾零填埋"),  # 加强生活垃圾减量化… + 至2023年底…零填埋
    ],
)
def test_a_dated_goal_on_the_measures_subject_strengthens_it(alignments, city, measure, goal) -> None:
    m = alignments[city][measure]
    assert m.status == "strengthened"
    assert f"adds a dated goal: {goal}" in m.evidence


def test_a_target_naming_a_specific_key_term_of_the_measure_strengthens_it() -> None:
    # N06.02 不断提高非化石能源消费比重: chengdu's 主要目标 sets 非化石能源消费比重 42% by 2025; the clause's
    # 原煤消费量 500万吨 names only 消费 (held by four base sentences) and is not the one cited. The status model
    # calls the measure partial (核电, a firm action an inland city leaves out, keeps `weakest` at 0: a known
    # miss in test_labels.py), so the rules of strength.py are read here on the measure taken up
    lib = open_library()
    taken = dataclasses.replace(DEFAULTS, adopt_threshold=0.0)
    m = next(m for m in align(lib.load("national"), lib.load("chengdu"), taken).measures if m.measure.id == "N06.02")
    assert m.status == "strengthened"
    assert "adds a quantified target: 2025: 非化石能源消费比重 提升至…左右 42%" in m.evidence
    assert "weakened" not in m.evidence  # 确保 is the base's condition on 核电, which chengdu does not take up


def test_a_target_closing_a_list_names_every_item_of_it(alignments) -> None:
    # N09.01 公转铁, 提高铁路…承运比例: CD13.01 促进…“公转铁”,到2025年,铁路单元化、集装化比重超过70%; read
    # without its list the indicator is 集装化比重, which names nothing of the measure
    m = alignments["chengdu"]["N09.01"]
    assert m.status == "strengthened"
    assert "adds a quantified target: 2025: 集装化比重 超过 70%" in m.evidence


@pytest.mark.parametrize(
    ("city", "measure"),
    [
        ("chongqing", "N10.01"),  # 装配式建筑占新建建筑比例 30% in CQ09 names only 建筑 of 加强建筑拆建管理
        ("chengdu", "N18.01"),  # 生活垃圾资源化利用率 87% names only 生活 of 在城市建设、生产生活各领域
    ],
)
def test_a_target_naming_only_a_common_word_of_the_measure_does_not_strengthen_it(alignments, city, measure) -> None:
    m = alignments[city][measure]
    assert m.status == "adopted"
    assert "adds a quantified target" not in m.evidence


def test_a_measure_whose_actions_are_each_held_less_than_half_is_omitted(alignments) -> None:
    # N14.04 探索推广污水社区化分类处理和就地回用: chengdu has 污水 and 分类 in a waste sentence (CD10.04), never
    # 社区化 or 回用; the status model alone would call it partial
    m = alignments["chengdu"]["N14.04"]
    assert m.status == "omitted"
    assert max(u.coverage for u in m.units) < DEFAULTS.partial_unit_floor
    assert "best match" not in m.evidence and "社区化" in m.evidence


def test_every_judgement_says_how_sure_it_is(alignments) -> None:
    """The status model's probability of the status's class; cells below check_below are flagged to check."""
    flagged = 0
    for m in alignments["chongqing"].values():
        if m.status == "not_applicable":
            assert m.confidence is None and not m.check
            continue
        assert 0 <= m.confidence <= 1
        assert m.check == (m.confidence < DEFAULTS.check_below)
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
    flagged = next(m for m in before["measures"] if m["check"])
    run(app, ["override", "wuhan", flagged["id"], "partial", "--note", "读过", "--plans-dir", str(lib)])
    after = json.loads(run(app, ["align", "wuhan", "--format", "json", "--plans-dir", str(lib)]).stdout)
    m = next(m for m in after["measures"] if m["id"] == flagged["id"])
    assert m["status"] == "partial" and m["overridden"]
    assert m["confidence"] is None and m["check"] is False
    assert after["summary"]["to_check"] == before["summary"]["to_check"] - (1 if flagged["counted"] else 0)


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
    assert marked == {m["id"] for m in data["measures"] if m["check"]}
    assert all(tree.css_first(f'article[data-id="{i}"] .badge.check') for i in marked)
