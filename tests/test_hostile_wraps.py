"""Issue 26, item 8: a hard-wrapped plan whose short list items fit on one line (（三）推进工业节能。) between wrapped
long ones is rejoined measure for measure, as the same plan unwrapped parses."""

from __future__ import annotations

import re
import textwrap

import pytest
from jtcompare.plans.parse import parse
from jtcompare.text.layout import wrap_edge
from jtcompare.text.normalise import normalise

from tests.conftest import PLANS

_CLAUSE = re.compile(r"^(\([一二三四五六七八九十]+\)[^。;,]{1,40}?。)(.+)$")
_SENTENCE = re.compile(r"[^。;]+[。;]+[”’)]*")


def as_list(text: str) -> str:
    """The plan printed as a list: each clause's heading on a line of its own, then every sentence of its body a
    numbered item on a line of its own (most fit on one line once wrapped, the long ones do not)."""
    out = []
    for para in text.split("\n"):
        if m := _CLAUSE.match(para):
            out.append(m.group(1))
            out += [f"{k}.{s}" for k, s in enumerate(_SENTENCE.findall(m.group(2)), 1)]
        else:
            out.append(para)
    return "\n".join(out)


def wrapped(text: str, width: int) -> str:
    """Every line broken into lines of at most `width` characters, as `fmt` or an editor's fill would."""
    return "\n".join(line for para in text.split("\n") for line in (textwrap.wrap(para, width) or [""]))


def measures(text: str, meta) -> tuple[int, list[tuple[str, str]]]:
    plan = parse(text, meta)
    return len(plan.numbered_clauses), [(m.id, m.text) for m in plan.measures]


@pytest.mark.parametrize("width", [36, 40])
@pytest.mark.parametrize("listed", [False, True], ids=["paragraphs", "list-items"])
@pytest.mark.parametrize("pid", ["national", "chongqing", "wuhan", "chengdu"])
def test_a_hard_wrapped_plan_parses_as_unwrapped(plans, pid, listed, width) -> None:
    clean = plans[pid].norm.text
    text = as_list(clean) if listed else clean
    if listed and pid in ("chongqing", "wuhan"):
        assert text.count("\n") > 2.5 * clean.count("\n")  # the list form really has many one-line items
    clauses, expected = measures(text, plans[pid].meta)
    assert clauses >= 26 and len(expected) >= 130
    assert measures(wrapped(text, width), plans[pid].meta) == (clauses, expected)


@pytest.mark.parametrize("width", [36, 40])
def test_the_wrap_width_is_found_among_one_line_items(plans, width) -> None:
    lines = wrapped(as_list(plans["chongqing"].norm.text), width).split("\n")
    short_items = [ln for ln in lines if re.match(r"\d+\.", ln) and ln.endswith("。") and len(ln) < width * 0.9]
    assert len(short_items) > 40
    measure, edge = wrap_edge(lines)
    assert (measure, edge) == (len, width)


@pytest.mark.parametrize("pid", ["national", "chongqing", "wuhan", "chengdu"])
def test_a_text_of_paragraphs_has_no_wrap_width(pid) -> None:
    """The shipped plans as they circulate, and printed as lists, are not taken for wrapped text."""
    raw = (PLANS / f"{pid}.txt").read_text(encoding="utf-8")
    for text in (raw, as_list(normalise(raw).text)):
        assert wrap_edge(text.split("\n")) is None


def test_the_issue_example_keeps_its_measures_whole(plans) -> None:
    """One-line items (（三）推进工业节能。) between long ones wrapped at 36, whose first line holds no full stop."""
    long_item = (
        "加快优化调整交通运输结构,统筹铁路运输、公路运输、水运和空运等多种交通方式融合发展。提升多式联运发展水平,"
        "加快发展大宗货物“公转铁”“公转水”。有序推广LNG动力船舶应用,建设LNG加注等基础设施。"
    )
    numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    items = [f"（{n}）{long_item if k in (2, 8) else '推进工业节能。'}" for k, n in enumerate(numbers)]
    text = "\n".join(["一、重点任务", *items])
    plan = parse(wrapped(text, 36), plans["chongqing"].meta)
    unwrapped = parse(text, plans["chongqing"].meta)
    assert [(m.id, m.text) for m in plan.measures] == [(m.id, m.text) for m in unwrapped.measures]
    assert [m.text for m in plan.clause("CQ03").measures] == [
        "加快优化调整交通运输结构,统筹铁路运输、公路运输、水运和空运等多种交通方式融合发展。",
        "提升多式联运发展水平,加快发展大宗货物“公转铁”“公转水”。",
        "有序推广LNG动力船舶应用,建设LNG加注等基础设施。",
    ]
    assert len(plan.measures) == 2 * 3  # a one-line item is a clause title with no sentence of its own


def test_a_list_items_first_line_cut_mid_sentence_runs_on_in_a_web_copy() -> None:
    """No regular width (a few lines of a web page): a numbered line holding a comma is running text, not a
    heading, so where it stops mid-sentence it runs on."""
    text = "\n".join(
        [
            "（二）推进能源绿色低碳转型。",
            "6.持续推动涪陵区、南川区、綦江区、梁平区页岩气全产业链集群式发展,加强",
            "甲烷排放管控。",
            "7.推进氢能。",
        ]
    )
    assert normalise(text).text.split("\n") == [
        "(二)推进能源绿色低碳转型。",
        "6.持续推动涪陵区、南川区、綦江区、梁平区页岩气全产业链集群式发展,加强甲烷排放管控。",
        "7.推进氢能。",
    ]
