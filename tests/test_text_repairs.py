"""Text that real web copies garble: hard wraps, page furniture, letter-spacing, control characters, news
leads, headings and ruby. Each case parses like the plan it came from."""

from __future__ import annotations

import json
import re

import pytest
from jtcompare.cli.main import app
from jtcompare.plans.importer import import_plan
from jtcompare.plans.parse import parse
from jtcompare.plans.registry import open_library
from jtcompare.text.normalise import normalise
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.fixtures import make

runner = CliRunner()


def outline(plan):
    return [(c.number, c.title, c.departments) for c in plan.clauses]


def hard_wrapped(text: str, width: int) -> str:
    """A web copy of a PDF: every paragraph broken into lines of `width` characters."""
    return "\n".join(para[i : i + width] for para in text.split("\n") for i in range(0, max(len(para), 1), width))


# --- 6. hard wraps -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [28, 22, 35])
@pytest.mark.parametrize("pid", ["wuhan", "chongqing"])
def test_hard_wrapped_text_is_rejoined(plans, tmp_path, pid, width) -> None:
    path = tmp_path / "copy.txt"
    path.write_text(hard_wrapped(make.seed(pid), width), encoding="utf-8")
    plan = import_plan(path, tmp_path, dry_run=True).plan
    assert outline(plan) == outline(plans[pid])
    assert [m.text for m in plan.measures] == [m.text for m in plans[pid].measures]


def test_the_issue_example_is_one_measure() -> None:
    text = hard_wrapped(
        "(一)指导思想。以习近平新时代中国特色社会主义思想为指导,全面贯彻党的二十大精神,深入贯彻习近平生态文明思想,"
        "立足新发展阶段,完整、准确、全面贯彻新发展理念,构建新发展格局,推动高质量发展,统筹推进减污降碳协同增效。\n"
        "(二)工作目标。到2025年,减污降碳协同推进的工作格局基本形成,重点区域、重点领域结构优化调整和绿色低碳发展取得明显成效,"
        "形成一批可复制、可推广的典型经验,减污降碳协同度有效提升。",
        28,
    )
    norm = normalise(text)
    assert norm.text.count("\n") == 1
    assert "全面贯彻党的二十大精神" in norm.text


# --- 7. running headers of a two-page PDF ------------------------------------------------------------------


def test_the_running_header_of_a_two_page_pdf_is_removed(tmp_path) -> None:
    text = make.seed("wuhan")[:2500]
    path = tmp_path / "two-pages.pdf"
    path.write_bytes(make.pdf_bytes(text, running_header="黄冈市生态环境局文件"))
    from pypdf import PdfReader

    assert len(PdfReader(path).pages) == 2
    result = import_plan(path, tmp_path, dry_run=True)
    assert "黄冈市生态环境局文件" not in result.document.text
    assert not any("生态环境局文件" in m.text for m in result.plan.measures)
    assert "removed the running header or footer '黄冈市生态环境局文件' from the pages" in result.notes


# --- 10. page markers wherever they stand ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("取得明显—2—成效。", "取得明显成效。"),
        ("推进绿色发展—3———加强管理。", "推进绿色发展加强管理。"),
        ("—12—\n推进。", "\n推进。"),
        ("2021—2025年,降低10%—20%。", "2021—2025年,降低10%—20%。"),  # ranges are not page numbers
        ("执行GB18352.6-2016标准", "执行GB18352.6-2016标准"),
    ],
)
def test_page_markers_are_removed_inside_lines(raw, expected) -> None:
    assert normalise(raw).text == expected


# --- 12. letter-spacing in a .txt ------------------------------------------------------------------------


def letter_spaced(text: str, gap: str, width: int) -> str:
    """A letter-spaced web copy of a PDF: wrapped at `width`, a gap between every character."""
    return "\n".join(gap.join(line) for para in text.split("\n") for line in make.wrap(para, width))


@pytest.mark.parametrize("gap", [" ", "\u3000", "\t"])
@pytest.mark.parametrize("width", [38, 20, 10])
def test_letter_spaced_text_is_read_like_the_plan(plans, tmp_path, gap, width) -> None:
    path = tmp_path / "spaced.txt"
    path.write_text(letter_spaced(make.seed("wuhan"), gap, width), encoding="utf-8")
    result = import_plan(path, tmp_path, dry_run=True)
    assert (result.meta.name, result.meta.date) == ("武汉市", "2023-05-11")
    assert outline(result.plan) == outline(plans["wuhan"])
    assert not [m.text for m in result.plan.measures if re.search(r"[\u4e00-\u9fff。,]\s+[\u4e00-\u9fff。]", m.text)]


def test_a_letter_spaced_signature_date_and_short_line() -> None:
    norm = normalise("推 进 减 污 降 碳 协 同 增 效\n汇 聚 黄 冈 力 量 。\n冈 力 量 。\n2 0 2 2 年 1 2 月 1 3 日")
    assert norm.text.split("\n") == ["推进减污降碳协同增效", "汇聚黄冈力量。", "冈力量。", "2022年12月13日"]


# --- 11. the date is the signature's, never a news lead's ----------------------------------------------------


def test_no_date_is_guessed_from_a_news_lead(tmp_path) -> None:
    seed = make.seed("wuhan")
    body = seed[seed.index("一、總體要求") :]
    lead = "2023年1月3日,天津市生态环境局等六部门发布了《天津市减污降碳协同增效实施方案》。\n"
    path = tmp_path / "tianjin.txt"
    path.write_text(lead + "天津市减污降碳协同增效实施方案\n" + body, encoding="utf-8")
    meta = import_plan(path, tmp_path, dry_run=True).meta
    assert (meta.name, meta.date) == ("天津市", None)
    signed = tmp_path / "signed.txt"
    signature = "\n天津市生态环境局\n2023年1月1日"
    signed.write_text(lead + "天津市减污降碳协同增效实施方案\n" + body + signature, encoding="utf-8")
    assert import_plan(signed, tmp_path, dry_run=True).meta.date == "2023-01-01"


# --- 13. headings in the paragraph fallback ----------------------------------------------------------------


def test_headings_never_become_measures_in_the_paragraph_fallback(tmp_path) -> None:
    text = (
        "某某市推进绿色低碳发展工作方案\n一、总体要求\n为加快推进绿色低碳发展，结合本市实际，制定本方案。\n"
        "二、重点任务\n全面加强工业领域节能降碳，严格落实能耗双控制度，推动重点行业开展清洁生产审核。\n"
        "保障措施\n健全生态环境监测体系，强化执法监管，确保各项任务落实到位，探索建立碳普惠机制。\n"
    )
    path = tmp_path / "plain.txt"
    path.write_text(text, encoding="utf-8")
    plan = import_plan(path, tmp_path, name="某某市", plan_id="mou", dry_run=True).plan
    assert any("no numbered clauses found" in w for w in plan.warnings)
    texts = [m.text for m in plan.measures]
    assert not [t for t in texts if t in ("一、总体要求", "二、重点任务", "保障措施")]
    assert [(c.chapter, c.title[:6]) for c in plan.clauses] == [
        ("总体要求", "为加快推进绿"),
        ("重点任务", "全面加强工业"),
        ("保障措施", "健全生态环境"),
    ]


# --- 14. ruby with a tone number ---------------------------------------------------------------------------


def test_ruby_with_a_tone_number_is_removed_from_the_national_scheme() -> None:
    result = runner.invoke(app, ["show", "national", "--plans-dir", str(PLANS), "--format", "json"])
    assert result.exit_code == 0
    measures = {m["id"]: m["text"] for c in json.loads(result.stdout)["clauses"] for m in c["measures"]}
    assert "实现污染物和碳排放均达到行业先进水平" in measures["N20.02"]
    assert not [i for i, t in measures.items() if re.search(r"[A-Za-z]+\d", t) and "【" in t]
    assert normalise("均【jun1】达到,行【hang2 ye4】业").text == "均达到,行业"


# --- 5. control characters -------------------------------------------------------------------------------


def test_control_characters_are_removed_and_reported() -> None:
    norm = normalise("推进绿色\x0c发展。\x1b[31m加强\x0b管理\x07。\x0b第二句。\n第二行\x0c。")
    assert norm.text == "推进绿色发展。[31m加强管理。\n第二句。\n第二行。"  # a break mid-sentence is rejoined
    assert [r.describe() for r in norm.repairs] == [
        "line 1: control character U+000C (form feed) removed, 2 times from here on",
        "line 1: control character U+001B (escape) removed",
        "line 1: control character U+000B (vertical tab) replaced by a line break, 2 times from here on",
        "line 1: control character U+0007 removed",
    ]


def test_a_pdftotext_page_break_inside_a_sentence_changes_nothing(plans) -> None:
    seed = make.seed("chongqing")
    middle = seed.index("严格落实生态保护红线")
    meta = open_library(PLANS).find("chongqing")
    plan = parse(seed[:middle] + "\n\x0c" + seed[middle:], meta)
    assert outline(plan) == outline(plans["chongqing"])
    assert [m.text for m in plan.measures] == [m.text for m in plans["chongqing"].measures]
    assert "control character U+000C (form feed) removed" in plan.norm.repairs[0].describe()
