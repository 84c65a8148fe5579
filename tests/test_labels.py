"""The engine against the labelled judgements (tests/labels): real statuses of real measures.

The floors below sit under the measured figures (README, Accuracy) so a regression fails;
they are not targets. Single judgements the engine gets wrong are marked xfail with the reason,
so the suite says so the day they are fixed.
"""

from __future__ import annotations

import pytest
from jtcompare.match.classify import align
from jtcompare.match.settings import DEFAULTS

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


@pytest.mark.parametrize(("city", "floor"), [("chongqing", 0.9), ("wuhan", 0.85), ("chengdu", 0.6)])
def test_clause_alignment_floor(alignments, city, floor) -> None:
    assert clause_accuracy(alignments[city], CLAUSES) >= floor


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
