"""Issue 26, item 4: a chapter's introductory paragraph (between its heading and its first clause) is kept as the
chapter's framing text, shown by `show` and the view, and never becomes a measure."""

from __future__ import annotations

import json
import re
import textwrap

import pytest
from jtcompare.cli.main import app
from jtcompare.plans.parse import parse
from typer.testing import CliRunner

from tests.conftest import PLANS, copy_library

runner = CliRunner()

SOURCE = "坚持源头治理,把减污降碳要求落实到规划、产业、能源和交通等各方面。以下各项,由各区县政府会同市级部门推进。"
GOVERNANCE = ["统筹大气、水、土壤、固体废物污染治理与温室气体减排。", "各项任务与本市“十四五”生态环境保护规划相衔接。"]


def with_intros(text: str, intros: dict[str, list[str]]) -> str:
    """`text` with paragraphs put on lines of their own after the named chapter headings."""
    for heading, paragraphs in intros.items():
        assert f"\n{heading}\n" in text
        text = text.replace(f"\n{heading}\n", f"\n{heading}\n" + "".join(f"{p}\n" for p in paragraphs), 1)
    return text


CHONGQING_INTROS = {"二、加强源头防控协同增效": [SOURCE], "四、统筹环境治理协同增效": GOVERNANCE}


@pytest.fixture(scope="module")
def chongqing_text() -> str:
    return with_intros((PLANS / "chongqing.txt").read_text(encoding="utf-8"), CHONGQING_INTROS)


def test_the_introduction_is_the_chapters_and_no_measure(plans, chongqing_text) -> None:
    shipped = plans["chongqing"]
    plan = parse(chongqing_text, shipped.meta)
    assert [(m.id, m.text) for m in plan.measures] == [(m.id, m.text) for m in shipped.measures]
    assert [(c.id, c.title) for c in plan.clauses] == [(c.id, c.title) for c in shipped.clauses]
    intros = {c.title: c.intro for c in plan.chapters}
    assert intros["加强源头防控协同增效"] == SOURCE
    assert intros["统筹环境治理协同增效"] == "\n".join(GOVERNANCE)
    assert [t for t, intro in intros.items() if intro] == ["加强源头防控协同增效", "统筹环境治理协同增效"]
    text = plan.norm.text
    assert [text[n.start : n.end] for n in plan.nodes if n.kind == "intro"] == [SOURCE, *GOVERNANCE]
    sentences = re.findall(r"[^。]+。", SOURCE + "".join(GOVERNANCE))
    assert len(sentences) == 4 and not any(x in m.text for x in sentences for m in plan.measures)


def test_the_shipped_plans_open_every_chapter_on_a_clause(plans) -> None:
    """Their chapters have no introduction: a chapter of paragraphs alone (national's 面临形势) stays a clause of
    measures, as the labels know it."""
    assert all(c.intro == "" for p in plans.values() for c in p.chapters)
    assert [m.id for m in plans["national"].clause("N1-00").measures][:2] == ["N1-00.01", "N1-00.02"]


@pytest.mark.parametrize("width", [36, 40])
def test_a_hard_wrapped_introduction_is_one_paragraph(plans, chongqing_text, width) -> None:
    clean = parse(chongqing_text, plans["chongqing"].meta).norm.text
    lines = [ln for para in clean.split("\n") for ln in (textwrap.wrap(para, width) or [""])]
    plan = parse("\n".join(lines), plans["chongqing"].meta)
    assert {c.title: c.intro for c in plan.chapters}["统筹环境治理协同增效"] == "\n".join(GOVERNANCE)
    assert [m.text for m in plan.measures] == [m.text for m in plans["chongqing"].measures]


@pytest.fixture(scope="module")
def library_with_intros(tmp_path_factory, chongqing_text):
    folder = copy_library(tmp_path_factory.mktemp("intro") / "plans")
    (folder / "chongqing.txt").write_text(chongqing_text, encoding="utf-8")
    return folder


def show(folder, fmt: str):
    result = runner.invoke(app, ["show", "chongqing", "--plans-dir", str(folder), "--format", fmt, "--no-cache"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_json_gives_each_chapters_introduction(plans, library_with_intros) -> None:
    data = json.loads(show(library_with_intros, "json"))
    chapters = {c["title"]: c for c in data["chapters"]}
    assert chapters["加强源头防控协同增效"] == {"number": "二", "title": "加强源头防控协同增效", "intro": SOURCE}
    assert chapters["统筹环境治理协同增效"]["intro"].split("\n") == GOVERNANCE
    assert chapters["总体要求"]["intro"] == ""
    measures = [m["id"] for c in data["clauses"] for m in c["measures"]]
    assert measures == [m.id for m in plans["chongqing"].measures]


def test_show_prints_the_introductions_after_the_clauses(plans, library_with_intros) -> None:
    table = show(library_with_intros, "table")
    assert f"{len(plans['chongqing'].measures)} measures" in table
    block = table[table.index("chapter introductions:") :]
    assert block.split("\n")[1:6] == [
        "- 二、加强源头防控协同增效",
        f"  {SOURCE}",
        "- 四、统筹环境治理协同增效",
        *(f"  {p}" for p in GOVERNANCE),
    ]
    md = show(library_with_intros, "md")
    assert "## chapter introductions\n\n**二、加强源头防控协同增效**\n\n" + SOURCE in md
    assert "chapter introductions" not in show(PLANS, "table")


def test_the_view_shows_the_base_chapters_introduction(plans) -> None:
    from jtcompare.match.classify import align
    from jtcompare.match.settings import DEFAULTS
    from jtcompare.report.html import view_html

    national = plans["national"]
    text = with_intros((PLANS / "national.txt").read_text(encoding="utf-8"), {"三、加强源头防控": [SOURCE]})
    base = parse(text, national.meta)
    assert [(m.id, m.text) for m in base.measures] == [(m.id, m.text) for m in national.measures]
    page = view_html(align(base, plans["chongqing"], DEFAULTS), "zh")
    head = re.search(r"<h3>加强源头防控</h3>\s*<p class=\"chapter-intro muted\">([^<]*)</p>", page)
    assert head and head.group(1) == SOURCE
    assert page.count('class="chapter-intro') == 1
