"""Judgement rules on real plans, each checked on a measure of the calibration labels that shows its pattern."""

from __future__ import annotations

import pytest
from jtcompare.match.classify import align
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library


@pytest.fixture(scope="module")
def alignments():
    lib = open_library()
    base = lib.load("national")
    return {c: {m.measure.id: m for m in align(base, lib.load(c), DEFAULTS).measures} for c in ("chongqing", "wuhan")}


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
