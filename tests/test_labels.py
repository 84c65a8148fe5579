"""The engine against the labelled judgements (tests/labels): real statuses of real measures.

The floors below sit under the measured figures (README, Accuracy) so a regression fails;
they are not targets. Single judgements the engine gets wrong are marked xfail with the reason,
so the suite says so the day they are fixed.
"""

from __future__ import annotations

import dataclasses

import pytest
from jtcompare.match.classify import align
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.model import PlanMeta
from jtcompare.plans.parse import parse

from benchmarks.evaluate import (
    clause_accuracy,
    match_accuracy,
    read_clause_labels,
    read_labels,
    score_measures,
)
from tests.conftest import ROOT

LABELS = read_labels(ROOT / "tests" / "labels" / "calibration" / "measures.csv")
CLAUSES = read_clause_labels(ROOT / "tests" / "labels" / "clauses.csv")
CITIES = ("chongqing", "wuhan", "chengdu")


@pytest.fixture(scope="module")
def alignments(city_alignments):
    return {c: city_alignments[c] for c in CITIES}


def test_the_labelled_set_is_real(plans) -> None:
    assert len(LABELS) >= 150
    for city in CITIES:
        rows = [lab for lab in LABELS if lab.plan == city]
        assert len(rows) >= 60, city
        plan_clauses = {c.id for c in plans[city].clauses}
        for lab in rows:
            assert lab.reason.strip()
            assert lab.measure in {m.id for m in plans["national"].measures}
            assert set(lab.plan_clauses) <= plan_clauses
            assert (lab.status in ("omitted", "not_applicable")) == (not lab.plan_clauses)
    assert {lab.status for lab in LABELS} == {"adopted", "strengthened", "partial", "omitted", "not_applicable"}


def test_status_accuracy_floor(alignments) -> None:
    card = score_measures(alignments, LABELS)
    assert card.accuracy >= 0.65  # 0.697 with the decision offsets, 0.630 without (unit_model.py)
    assert card.taken_up_accuracy >= 0.8
    assert card.recall("omitted") >= 0.4 and card.precision("adopted") >= 0.65
    assert card.precision("strengthened") >= 0.5 and card.recall("strengthened") >= 0.4
    # a rule over units finds partial (the old status model found one in five); the offsets trade some of it for
    # adopted and omitted cells that stop being called partial: 0.69 -> 0.50
    assert card.recall("partial") >= 0.45


def test_no_cell_is_adopted_while_a_key_unit_is_not_covered(alignments) -> None:
    taken = 0
    for city, a in alignments.items():
        for m in a.measures:
            if m.status in ("adopted", "strengthened"):
                taken += 1
                key = [u for u in m.units if u.key] or list(m.units)
                assert all(u.state == "covered" for u in key), (city, m.measure.id, m.evidence)
    assert taken > 150  # the rule bites on real cells: most of three plans' measures are taken up


def test_matches_land_in_the_labelled_clauses(alignments) -> None:
    assert match_accuracy(alignments, LABELS) >= 0.75


@pytest.mark.parametrize(("city", "floor"), [("chongqing", 0.9), ("wuhan", 0.85), ("chengdu", 0.75)])
def test_clause_alignment_floor(alignments, city, floor) -> None:
    assert clause_accuracy(alignments[city], CLAUSES) >= floor


@pytest.mark.parametrize(
    ("city", "clause", "base"),
    [
        ("chengdu", "CD2-00", "N03"),  # 主要目标: its 碳达峰 numbers read like the energy clause N06
        ("chongqing", "CQ03", "N04"),  # 加强生态环境分区管控 ~ 强化生态环境分区管控
        ("wuhan", "WH06", "N08"),  # 高效能推进工业领域协同增效 ~ 推进工业领域协同增效
    ],
)
def test_a_clause_titled_like_a_national_one_maps_to_it(alignments, city, clause, base) -> None:
    got = next(pc for pc in alignments[city].plan_clauses if pc.clause.id == clause)
    assert got.best is not None and got.best[0].id == base


@pytest.mark.parametrize(
    ("clause", "base", "why"),
    [
        (
            "CD10",
            "N16",
            "大力发展循环经济 reads like the park clause N19; its clear sentences take up 无废城市, 生活垃圾",
        ),
        ("CD16", "N11", "农村用能结构 reads like 城乡建设 N10; its clear sentence is N11's 可再生能源替代 in 农业"),
        ("CD21", "N12", "绿道蓝网碳汇: below clause_threshold with every clause, one clear sentence of N12"),
        ("CD09", "", "数字产业化, 算力: local, no sentence clears match_floor and nothing is similar enough"),
        ("CD26", "", "产品碳足迹: local, unlike every clause; its one clear sentence votes for a clause it is unlike"),
    ],
)
def test_a_clause_titled_unlike_any_follows_where_its_sentences_match(alignments, clause, base, why) -> None:
    got = next(pc for pc in alignments["chengdu"].plan_clauses if pc.clause.id == clause)
    assert (got.best[0].id if got.best else "") == base, why


def test_without_the_votes_the_clause_similarity_decides(plans) -> None:
    settings = dataclasses.replace(DEFAULTS, clause_vote_weight=0.0)
    got = {
        pc.clause.id: pc.best[0].id
        for pc in align(plans["national"], plans["chengdu"], settings).plan_clauses
        if pc.best
    }
    assert got["CD10"] == "N19" and got["CD16"] == "N10"  # the words' choice, which the labels do not share
    assert got["CD21"] == "N12"  # below clause_threshold, kept by its one clear sentence at any weight


def test_the_votes_move_no_measure_status(plans, alignments) -> None:
    settings = dataclasses.replace(DEFAULTS, clause_vote_weight=0.0)
    for city in CITIES:
        before = align(plans["national"], plans[city], settings)
        assert [m.status for m in before.measures] == [m.status for m in alignments[city].measures], city


_HEADING_OVER_BODY = """某市减污降碳协同增效实施方案
一、重点任务
（一）推进水环境治理协同控制。严控煤电项目，严格合理控制煤炭消费增长，重点削减散煤等非电用煤。
（二）推动能源绿色低碳转型。推进工业节能和能效水平提升，实施绿色制造工程。
"""


@pytest.mark.parametrize(
    ("heading", "ratio", "expected"),
    [
        ("推进水环境治理协同控制", 100.0, "N14"),  # the national heading itself
        ("加强水环境治理协同控制", 80.0, "N14"),  # another verb: title ratio 82
        ("加强水环境治理协同控制", 100.0, "N06"),  # identical headings only: the body decides
    ],
)
def test_the_heading_decides_over_a_body_that_reads_like_another_clause(plans, heading, ratio, expected) -> None:
    # (一) reads like the energy clause N06 (煤电, 煤炭消费, 散煤) whatever it is headed; (二) is headed like N06 and
    # reads like the industry clause N08. Similarity alone maps them to N06 and N08.
    text = _HEADING_OVER_BODY.replace("推进水环境治理协同控制", heading)
    plan = parse(text, PlanMeta("t", "某市", "city", "", "", "t.txt", "T"))
    settings = dataclasses.replace(DEFAULTS, clause_title_match=ratio)
    got = {pc.clause.title: pc.best[0].id for pc in align(plans["national"], plan, settings).plan_clauses if pc.best}
    assert got[heading] == expected
    assert got["推动能源绿色低碳转型"] == "N06"


def test_a_heading_unlike_every_national_one_is_mapped_by_its_body(plans) -> None:
    text = _HEADING_OVER_BODY.replace("推进水环境治理协同控制", "抓好几件实事")  # no national heading near it
    plan = parse(text, PlanMeta("t", "某市", "city", "", "", "t.txt", "T"))
    got = {pc.clause.title: pc.best[0].id for pc in align(plans["national"], plan, DEFAULTS).plan_clauses if pc.best}
    assert got["抓好几件实事"] == "N06"  # 煤电, 煤炭消费, 散煤: the energy clause


def status(alignments, city: str, measure: str) -> str:
    return next(m for m in alignments[city].measures if m.measure.id == measure).status


@pytest.mark.parametrize(
    ("city", "measure", "expected", "why"),
    [
        ("chongqing", "N06.05", "not_applicable", "北方地区冬季清洁取暖: 重庆 is not in the northern heating region"),
        ("wuhan", "N06.05", "not_applicable", "北方地区冬季清洁取暖: 湖北 is not in the northern heating region"),
        ("wuhan", "N11.02", "adopted", "WH09 化肥农药利用率 43%, equal to the national 43%: not strengthened"),
        ("chongqing", "N10.02", "strengthened", "CQ09 same sentence plus 装配式建筑 30% in the clause"),
        ("wuhan", "N14.09", "strengthened", "WH12 污泥 capacity with a number where the national has none"),
        ("chengdu", "N04.03", "omitted", "no 产业准入及退出清单 in a 碳达峰 plan"),
        ("chengdu", "N04.01", "omitted", "no 分类指导的减污降碳政策体系; CD03 三线一单 is generic"),
        ("chongqing", "N08.04", "omitted", "no 去产能长效机制 tied to 大气环境容量"),
        ("chongqing", "N21.01", "partial", "some of the research platforms, not the national key projects"),
        ("wuhan", "N14.03", "partial", "再生水 taken up, the 人工湿地 and 调蓄设施 unit is not"),
    ],
)
def test_labelled_judgements(alignments, city, measure, expected, why) -> None:
    assert status(alignments, city, measure) == expected, why


# Known misses on the calibration part, grouped by the pattern behind them. Strict: the day one is fixed the
# suite says so, and the row moves to test_labelled_judgements. Every status here is the label's.
_GENERIC_WEAKER = (
    "a generic sentence on the topic reads as taking the action up weakly, so the unit is weaker and the cell "
    "partial; the status labels call the measure omitted (the unit labels often call the same unit weaker)"
)
_DETAIL_WEAKER = (
    "one key unit is called weaker or missing where the status label reads the measure as taken up whole: the "
    "label treats that unit as a detail"
)
_UNIT_MISSED = "a key unit worded otherwise is called missing (paraphrase the unit model does not reach)"
_WEAKER_LOST = (
    "a unit taken up only in part is called missing: the decision offsets (unit_model.py) move doubtful weaker "
    "calls to missing, which the status labels reward more often than not, not here"
)
_KNOWN_MISSES = [
    ("chongqing", "N12.04", "omitted", _GENERIC_WEAKER + ": no 天然林保护修复"),
    ("chengdu", "N14.09", "omitted", _GENERIC_WEAKER + ": no 污泥 in the plan"),
    ("chongqing", "N12.01", "strengthened", _DETAIL_WEAKER + ": 国土绿化行动, beside CQ11's forest targets"),
    ("chongqing", "N12.03", "adopted", _UNIT_MISSED + ": 森林和陆地生态系统…可持续管理"),
    ("chongqing", "N06.03", "partial", _WEAKER_LOST + ": 煤炭消费比重持续下降 for 控制煤炭消费增长"),
]


@pytest.mark.parametrize(
    ("city", "measure", "expected"),
    [
        pytest.param(city, measure, expected, marks=pytest.mark.xfail(strict=True, reason=why), id=f"{city}-{measure}")
        for city, measure, expected, why in _KNOWN_MISSES
    ],
)
def test_known_misses(alignments, city, measure, expected) -> None:
    assert status(alignments, city, measure) == expected
