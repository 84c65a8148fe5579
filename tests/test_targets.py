"""Quantified targets: extraction and comparison, as a table of real sentences."""

from __future__ import annotations

import pytest
from jtcompare.match.targets import compare_targets, extract_targets, indicator_similarity


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("到2025年,非化石能源消费比重达到25%,为实现碳达峰奠定坚实基础。", [("2025", "非化石能源消费比重", 25.0, "%")]),
        (
            "到2025年,全市森林蓄积量不低于2.8亿立方米,森林覆盖率提高至57%以上。",
            [("2025", "森林蓄积量", 2.8, "亿立方米"), ("2025", "森林覆盖率", 57.0, "%")],
        ),
        ("“十四五”期间,全市煤炭消费总量力争控制在500万吨以下。", [("2025", "煤炭消费总量", 500.0, "万吨")]),
        ("到2025年,单位地区生产总值能耗较2020年下降14%。", [("2025", "单位地区生产总值能耗", 14.0, "%")]),
        ("力争到2025年,完成植树造林10万亩。", [("2025", "植树造林", 10.0, "万亩")]),
        ("新增规模达到三十万千瓦。", [(None, "规模", 30.0, "万千瓦")]),
        ("开展一个试点。", []),
        ("加快推进“公转铁”。", []),
    ],
)
def test_extract(sentence, expected) -> None:
    got = [(t.year, t.indicator, t.value, t.unit) for t in extract_targets(sentence)]
    assert got == expected


def one(sentence: str):
    (t,) = extract_targets(sentence)
    return t


@pytest.mark.parametrize(
    ("base", "plan", "verdict"),
    [
        ("到2025年,非化石能源消费比重达到20%左右。", "到2025年,非化石能源消费比重达到25%。", "stricter"),
        ("到2025年,非化石能源消费比重达到25%。", "到2025年,非化石能源消费比重达到25%。", "equal"),
        ("到2025年,非化石能源消费比重达到25%。", "到2025年,非化石能源消费比重达到20%。", "laxer"),
        ("到2025年,建筑垃圾资源化利用率达到70%。", "到2024年,建筑垃圾资源化利用率达到70%。", "stricter"),
        ("到2025年,单位GDP能耗下降13.5%。", "到2025年,单位GDP能耗下降14%。", "stricter"),
        ("煤炭消费总量控制在500万吨以内。", "煤炭消费总量控制在450万吨以内。", "stricter"),
        ("煤炭消费总量控制在500万吨以内。", "煤炭消费总量控制在550万吨以内。", "laxer"),
        ("建设充电桩3万台以上。", "建设充电桩3万个以上。", "different"),
        ("到2025年,非化石能源消费比重达到42%。", "到2030年,非化石能源消费比重达到45%。", "different"),
        ("到2025年,非化石能源消费比重达到42%。", "到2024年,非化石能源消费比重达到45%。", "stricter"),
        ("单位GDP能耗下降13.5%。", "单位GDP能耗下降3个百分点。", "different"),
    ],
)
def test_compare(base, plan, verdict) -> None:
    assert compare_targets(one(base), one(plan)) == verdict


def test_fuzzy_indicator_names() -> None:
    assert indicator_similarity("新增大宗固废综合利用率", "大宗工业固体废物资源化利用率") >= 0.6
    assert indicator_similarity("建筑垃圾资源化利用率", "森林覆盖率") < 0.6
    assert indicator_similarity("农药利用率", "建筑垃圾资源化利用率") < 0.6  # only the metric word shared
    assert indicator_similarity("非化石能源消费比重", "煤炭消费比重") < 0.6
