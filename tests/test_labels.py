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
def alignments(plans):
    return {c: align(plans["national"], plans[c], DEFAULTS) for c in CITIES}


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
    assert card.accuracy >= 0.6
    assert card.taken_up_accuracy >= 0.8
    assert card.recall("omitted") >= 0.4 and card.precision("adopted") >= 0.65
    assert card.precision("strengthened") >= 0.5 and card.recall("strengthened") >= 0.4


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
        ("chongqing", "N05.03", "omitted", "no 产业结构调整指导目录"),
        ("wuhan", "N05.03", "adopted", "WH03 落实产业结构调整指导目录有关减污降碳协同增效要求"),
        ("wuhan", "N10.05", "strengthened", "WH08 建筑垃圾资源化利用率 70% by 2024, national has no number"),
        ("chongqing", "N16.02", "strengthened", "CQ15 大宗工业固体废物 70% against the national 60%: stricter"),
        ("wuhan", "N11.02", "adopted", "WH09 化肥农药利用率 43%, equal to the national 43%: not strengthened"),
        ("chongqing", "N10.02", "strengthened", "CQ09 same sentence plus 装配式建筑 30% in the clause"),
    ],
)
def test_labelled_judgements(alignments, city, measure, expected, why) -> None:
    assert status(alignments, city, measure) == expected, why


def test_forest_cover_target_strengthens(alignments) -> None:
    # once a known miss (CQ11 scored too low against the long N12.01 to be looked at for targets): the unit
    # 持续增加森林面积和蓄积量 is covered, and CQ11's 森林蓄积量不低于2.8亿立方米 is a target on its subject
    m = next(m for m in alignments["chongqing"].measures if m.measure.id == "N12.01")
    assert m.status == "strengthened" and "蓄积量" in m.evidence


def test_cross_clause_match_for_carbon_inclusion(alignments) -> None:
    """Wuhan puts 碳普惠 into its clauses (一) and (五), not where the national text has it (七)."""
    m = next(m for m in alignments["wuhan"].measures if m.measure.id == "N07.07")
    assert m.status in ("adopted", "strengthened")
    assert {"WH01", "WH05"} & {x.clause.id for x in m.matches}


@pytest.mark.xfail(
    strict=True,
    reason="CD12 names its indicator 新增新能源、清洁能源动力的交通工具比例; the extractor keeps only "
    "the part after 、 and cannot pair it with 新能源汽车新车销售量: partial for its low score, not as weakened",
)
def test_lower_target_is_partial_and_weakened(alignments) -> None:
    """Chengdu's 40% new-energy share against the national 50%."""
    m = next(m for m in alignments["chengdu"].measures if m.measure.id == "N09.04")
    assert m.status == "partial"
    pairs = [p for p in m.compared if p.verdict == "laxer"]
    assert m.weakened and pairs and pairs[0].plan.value == 40.0 and pairs[0].base.value == 50.0


# Known misses on the calibration part, grouped by the pattern behind them (issue 9). Strict: the day one is
# fixed the suite says so, and the row moves to test_labelled_judgements. Every status here is the label's.
_COMMON_WORD = (
    "one common key word (创新, 标准, 温室气体/排放, 管理机制) covers a short unit from any plan sentence that "
    "says it; holding such units only through the measure's own best sentences cost more rows than it fixed "
    "(leave-one-city-out 0.747 -> 0.732)"
)
_SECOND_ACTION = (
    "the headline action is taken up and a second, distinct action is missing; the labels call that partial, "
    "but adopted rows also miss minor parts as often, and no coverage feature (lowest unit, share of units "
    "covered) separates the two (leave-one-city-out 0.712 -> 0.700..0.719)"
)
_DETAIL_LEFT_OUT = (
    "a firm action the city has no reason to take up (核电 in an inland city) is absent, so the weakest-unit "
    "reading is 0 and the status model calls the measure partial; the labels read it as a detail and judge the "
    "rest (strength.py, read on the measure taken up, cites the 42% target: tests/test_judgement.py)"
)
_KNOWN_MISSES = [
    ("chengdu", "N06.02", "strengthened", _DETAIL_LEFT_OUT + ": CD2-00 非化石能源消费比重 42%"),
    ("chengdu", "N08.09", "omitted", _COMMON_WORD + ": 开展协同创新"),
    ("chengdu", "N22.04", "omitted", _COMMON_WORD + ": 推动污染物与温室气体排放协同控制"),
    ("wuhan", "N22.04", "omitted", _COMMON_WORD + ": 推动污染物与温室气体排放协同控制"),
    ("chengdu", "N23.04", "omitted", _COMMON_WORD + ": 引导各地区优化协同管理机制"),
    ("chengdu", "N22.03", "omitted", _COMMON_WORD + ": 完善生态环境标准体系, 制修订相关排放标准"),
    ("wuhan", "N11.03", "partial", _SECOND_ACTION + ": 秸秆综合利用 without 秸秆焚烧管控"),
    ("chongqing", "N09.02", "partial", _SECOND_ACTION + ": 绿色配送 without 慢行交通系统"),
    ("chengdu", "N07.03", "partial", _SECOND_ACTION + ": 绿色社区 without 反对浪费行动"),
    ("wuhan", "N10.01", "partial", _SECOND_ACTION + ": 绿色建筑比例 without 超低能耗、近零碳建筑"),
    (
        "chengdu",
        "N07.06",
        "adopted",
        "paraphrase not recognised: 公共机构特别是党政机关引领示范 is taken up as 绿色办公, 政府绿色采购 and "
        "近零碳公共机构示范, which share no key term with it",
    ),
    (
        "chengdu",
        "N10.04",
        "strengthened",
        "a firmer verb and a quantity in other words (积极推进既有居住建筑节能改造, 不少于200万平方米): the unit's "
        "key terms (jieba's 在城镇 with the preposition glued on, 小区, 危房改造, 抗震, 过程) are not held",
    ),
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
