"""Quantified targets: extraction and comparison, as a table of real sentences."""

from __future__ import annotations

import pytest
from jtcompare.match.settings import DEFAULTS
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
        # a ceiling however it is worded: less is stricter
        ("到2025年,森林火灾受害率稳定在0.9‰以下。", "到2025年,森林火灾受害率稳定在0.8‰以下。", "stricter"),
        ("到2025年,排放总量减少至300万吨。", "到2025年,排放总量减少至280万吨。", "stricter"),
        ("到2025年,排放总量削减至300万吨。", "到2025年,排放总量削减至320万吨。", "laxer"),
    ],
)
def test_compare(base, plan, verdict) -> None:
    assert compare_targets(one(base), one(plan)) == verdict


def test_fuzzy_indicator_names() -> None:
    assert indicator_similarity("新增大宗固废综合利用率", "大宗工业固体废物资源化利用率", DEFAULTS) > 0
    assert indicator_similarity("建筑垃圾资源化利用率", "森林覆盖率", DEFAULTS) == 0
    assert indicator_similarity("农药利用率", "建筑垃圾资源化利用率", DEFAULTS) == 0  # only the metric word shared
    assert indicator_similarity("非化石能源消费比重", "煤炭消费比重", DEFAULTS) == 0


def _targets(plans, plan: str, measure: str) -> list[tuple]:
    (text,) = [m.text for m in plans[plan].measures if m.id == measure]
    return [(t.year, t.indicator, t.comparator, t.value, t.unit) for t in extract_targets(text)]


@pytest.mark.parametrize(
    ("plan", "measure", "expected"),
    [
        # 到2025年…再生铝产量达到1150万吨…到2030年,电解铝使用可再生能源比例提高至30%以上: each with its year
        (
            "national",
            "N08.07",
            [
                ("2025", "再生铝产量", "达到", 1150.0, "万吨"),
                ("2030", "电解铝使用可再生能源比例", "提高至…以上", 30.0, "%"),
            ],
        ),
        # 新建民用建筑执行不低于72%节能标准: the standard is what is measured, 执行 is not part of it
        (
            "chengdu",
            "CD15.08",
            [
                ("2025", "民用建筑节能标准", "不低于", 72.0, "%"),
                ("2025", "既有公共建筑节能改造", "不少于", 200.0, "万平方米"),
            ],
        ),
        # 提升慢行交通设施146公里
        ("wuhan", "WH07.02", [(None, "慢行交通设施", "=", 146.0, "公里")]),
        # 下降10%左右 keeps its direction in the comparator
        ("chengdu", "CD12.04", [("2030", "营运车辆换算周转量二氧化碳排放强度", "下降…左右", 10.0, "%")]),
        # 比重下降至30%以内 is a ceiling: 下降至, not 比重下 + 降至
        (
            "wuhan",
            "WH04.07",
            [
                ("2025", "煤炭占能源消费总量的比重", "下降至…以内", 30.0, "%"),
                ("2025", "天然气用气量", "达到…以上", 40.0, "亿立方米"),
            ],
        ),
        # 建成充(换)电站3000座、充电桩17万个以上 ... 公路客运枢纽站充(换)电设施实现50%覆盖
        (
            "chengdu",
            "CD11.05",
            [
                ("2025", "充(换)电站", "=", 3000.0, "座"),
                ("2025", "充电桩", "以上", 17.0, "万个"),
                ("2025", "公路客运枢纽站充(换)电设施覆盖", "=", 50.0, "%"),
            ],
        ),
        # 铁路货场、机场车辆及3吨以下叉车 describes vehicles, it sets no goal
        ("chongqing", "CQ08.04", []),
        # 新增污泥处置能力600吨/日: a rate keeps its period
        ("wuhan", "WH12.04", [(None, "污泥处置能力", "=", 600.0, "吨/日")]),
        # “十四五”规划期间积极创建省级森林城镇6个以上、森林乡村20个以上
        (
            "wuhan",
            "WH10.11",
            [("2025", "省级森林城镇", "以上", 6.0, "个"), ("2025", "森林乡村", "以上", 20.0, "个")],
        ),
    ],
)
def test_targets_of_real_plan_sentences(plans, plan, measure, expected) -> None:
    assert _targets(plans, plan, measure) == expected


def test_chengdu_green_space_keeps_its_place_and_drops_the_verbs(plans) -> None:
    got = {t[1] for t in _targets(plans, "chengdu", "CD21.03")}
    assert got == {"天府绿道", "精品蓝网发展带", "建成区绿化覆盖率", "公园绿化活动场地服务半径覆盖率"}


FUNCTION_WORDS = ("分别", "执行", "提升", "提高", "实施", "形成", "打造", "实现", "具备", "力争", "积极", "或者")


def test_no_indicator_starts_or_ends_with_a_function_word(plans) -> None:
    for plan in plans.values():
        for m in plan.measures:
            for t in extract_targets(m.text):
                assert not t.indicator.startswith(FUNCTION_WORDS), (m.id, t.indicator)
                assert not t.indicator.endswith(FUNCTION_WORDS), (m.id, t.indicator)
                assert "期间" not in t.indicator and "”" not in t.indicator, (m.id, t.indicator)
