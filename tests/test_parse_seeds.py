"""The four seed plans parse into the structure a reader sees in them."""

from __future__ import annotations

import re

import pytest


def numbered(plan):
    return [c for c in plan.clauses if c.number is not None]


def test_national_has_29_numbered_clauses_and_the_situation_section(plans) -> None:
    plan = plans["national"]
    nums = [c.number for c in numbered(plan)]
    assert len(nums) == 29
    assert nums[0] == "一" and nums[-1] == "二十九"
    unnumbered = [c.title for c in plan.clauses if c.number is None]
    assert unnumbered == ["面临形势"]
    n08 = plan.clause("N08")
    assert n08.title == "推进工业领域协同增效"
    assert n08.chapter == "突出重点领域"
    assert n08.departments == ("工业和信息化部", "国家发展改革委", "生态环境部", "国家能源局")
    assert n08.measures[2].id == "N08.03"
    assert plan.clause("N29").departments == ("生态环境部",)
    assert plan.clause("N26").departments == ("各相关部门", "地方")


def test_chongqing_has_28_numbered_clauses(plans) -> None:
    plan = plans["chongqing"]
    assert len(numbered(plan)) == 28 and len(plan.clauses) == 28
    c17 = plan.clause("CQ17")
    assert c17.title == "深入推进排污许可与碳排放协同管理"
    assert c17.departments == ("市发展改革委", "市经济信息委", "市生态环境局", "市大数据发展局")
    assert any("破解碳排放信息" in m.text for m in c17.measures)


def test_wuhan_has_26_numbered_clauses_plus_general_requirements(plans) -> None:
    plan = plans["wuhan"]
    assert len(numbered(plan)) == 26
    assert [c.title for c in plan.clauses if c.number is None] == ["总体要求"]
    c1 = plan.clause("WH01")
    assert c1.title == "扎实实施碳达峰行动"  # traditional script converted
    assert c1.departments[0] == "市发改委" and "人行武汉分行营管部" in c1.departments
    assert plan.clause("WH24").departments == ()


def test_chengdu_has_items_1_to_33_under_action_groups(plans) -> None:
    plan = plans["chengdu"]
    nums = [c.number for c in numbered(plan)]
    assert len(nums) == 39
    items = [c for c in numbered(plan) if c.number.isdigit()]
    assert [int(c.number) for c in items] == list(range(1, 34))
    assert {c.group for c in items} >= {"实施规划引领全面绿色转型行动", "实施绿色低碳全民参与行动"}
    assert [c.title for c in numbered(plan) if not c.number.isdigit()] == [
        "指导思想",
        "基本原则",
        "建强工作机制",
        "严格监督考核",
        "加强合作交流",
        "注重宣传引导",
    ]
    assert plan.clause("CD08").title == "全面壮大绿色低碳优势产业"
    # the action group is a grouping level, not a numbered clause; its introduction is an unnumbered clause of
    # its own (the paragraph between 三、(一) and item 1.), so no sentence of the plan is left out of matching
    unnumbered = [c for c in plan.clauses if c.number is None]
    assert unnumbered[0].title == "主要目标"
    intros = unnumbered[1:]
    assert len(intros) == 10 and all(c.title.startswith("实施") and c.title.endswith("行动") for c in intros)
    assert plan.clause("CD3-01").title == "实施规划引领全面绿色转型行动"
    assert plan.clause("CD3-01").measures[0].text.startswith("发挥规划对经济社会发展的引领作用")
    assert {c.group for c in intros} == {c.title for c in intros}


def test_chengdu_mojibake_is_named(plans) -> None:
    assert any("mojibake" in w and "規?;l展" in w for w in plans["chengdu"].warnings)


@pytest.mark.parametrize("pid", ["national", "chongqing", "wuhan", "chengdu"])
def test_front_matter_never_becomes_measures(plans, pid) -> None:
    texts = [m.text for m in plans[pid].measures]
    for junk in ("印发给你们", "抄送", "原文如下", "我要评论", "关键词", "此件"):
        assert not any(junk in t for t in texts), junk


def test_news_leads_are_front_matter(plans) -> None:
    assert plans["wuhan"].front_matter.startswith("关键词")
    assert plans["chengdu"].front_matter.startswith("近日,成都市人民政府印发")


@pytest.mark.parametrize("pid", ["national", "chongqing", "wuhan", "chengdu"])
def test_every_body_character_lands_in_one_node(plans, pid) -> None:
    plan = plans[pid]
    text = plan.norm.text
    ends = [n.end for n in plan.nodes]
    assert all(a.end <= b.start for a, b in zip(plan.nodes, plan.nodes[1:], strict=False))
    covered = "".join(text[n.start : n.end] for n in plan.nodes)
    body = text[plan.body_start : plan.body_end]
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", body)
    assert ends


def test_measures_keep_offsets_into_the_original(plans) -> None:
    plan = plans["national"]
    m = plan.clause("N05").measures[-1]
    assert "严禁新增钢铁" in m.text
    original = plan.original_text(m.start, m.end)
    assert "【" in original or original.replace(" ", "") == m.text
