"""With --lang zh every word a reader sees is Chinese (issue 27): each output is rendered in Chinese and its
visible text read back (every cell and sheet name of both workbooks, every paragraph and table cell of the
brief, the pages' text outside scripts and attributes, the terminal and Markdown tables) and no ASCII letter
may remain outside the narrow list of tokens below, each of which a reader needs as written."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from docx import Document
from jtcompare.cli.main import app
from jtcompare.report.evidence import evidence_text, parse, render, units_text
from jtcompare.report.vocab import verdict_word
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import CliRunner

from tests.conftest import PLANS, ROOT

runner = CliRunner()
ENV = {"NO_COLOR": "1", "COLUMNS": "200"}


def _quoted_words() -> set[str]:
    """Latin words the shipped plans themselves use (VOCs, CCER, PUE, EOD, 1+2+N, units such as km): a
    quotation of a plan, and a key term or target read from it, is shown as the plan writes it."""
    words: set[str] = set()
    for f in PLANS.glob("*.txt"):
        words |= set(re.findall(r"[A-Za-z]+", f.read_text(encoding="utf-8")))
    return words


CHECK_BELOW = r"\bcheck_below\b"
# Each entry: what may stay in Latin letters, and why a Chinese reader needs it so.
ALLOWED = [
    # measure and clause ids of the national scheme and the city plans (N09.04, N1-00.01, CQ05.03, WH1-00,
    # CD3-07.01), and of a second plan of a city (WHB01): what a reader cites and types into `override`
    r"\b(?:N|CQ|WH|CD)[B-HJ-NP-Z]?\d+(?:-\d+)?(?:\.\d+)?\b",
    # the program, with its version or a command the page tells the reader to run (a translated command does
    # not run): "jtcompare 0.1.0", "jtcompare report 成都市", "jtcompare override --import", "--format json"
    r"\bjtcompare(?: \d+\.\d+\.\d+\S*| (?:report|override|config)\b(?: --import\b)?)?",
    r"--format json\b",
    # the setting the reader changes to move the flag threshold, as it is typed in a --config file: in the
    # terminal, Markdown and the workbook, which tell how to change it (never in the view, PAGE_ALLOWED)
    CHECK_BELOW,
    # file names the page must show: the table citing why each measure does not apply, and the review file
    # the view exports (文件.csv)
    r"compare/match/data/applicability\.csv",
    r"(?<=文件)\.csv\b",
    # the library fingerprint (16 hex digits) and the hash it is made with
    r"\b[0-9a-f]{16}\b",
    r"\bSHA-256\b",
]
ALLOWED_RE = re.compile("|".join(ALLOWED))
# a page says the threshold's meaning and value (页首注明的待核对阈值): a setting's name means nothing there
PAGE_ALLOWED_RE = re.compile("|".join(a for a in ALLOWED if a != CHECK_BELOW))
# Excel's page header and footer codes (&P page, &N pages, &A sheet name): Excel prints numbers and names there
HEADER_CODES = re.compile(r"&[PNA]")


def leftover(texts: list[str], allowed: re.Pattern[str] = ALLOWED_RE) -> list[str]:
    """The snippets of `texts` holding an ASCII letter outside the allowed tokens and the plans' own words."""
    quoted = _quoted_words()
    bad = []
    for t in texts:
        rest = allowed.sub(" ", t)
        words = [w for w in re.findall(r"[A-Za-z]+", rest) if w not in quoted]
        if words:
            bad.append(f"{words[:5]} in: {t[:160]}")
    return bad


def invoke(*args: str) -> str:
    result = runner.invoke(app, [*args, "--lang", "zh", "-q", "--plans-dir", str(PLANS)], env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


# --- reading each output's visible text -------------------------------------------------------------------------


def workbook_texts(path: Path) -> list[str]:
    book = load_workbook(path)
    out = []
    for ws in book.worksheets:
        out.append(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    out.append(str(cell.value))
                if cell.comment is not None:
                    out.append(cell.comment.text)
        for part in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right, ws.oddFooter.left):
            out += [HEADER_CODES.sub("", part.text)] if part.text else []
        out += [HEADER_CODES.sub("", ws.oddFooter.right.text or "")]
    return out


def brief_texts(path: Path) -> list[str]:
    doc = Document(path)
    out = [p.text for p in doc.paragraphs]
    out += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    for section in doc.sections:
        out += [p.text for p in (*section.header.paragraphs, *section.footer.paragraphs)]
    return out


def page_texts(path: Path) -> list[str]:
    """The text a reader sees: no scripts or styles; of the attributes, the tooltips and the hints in empty
    fields."""
    tree = HTMLParser(path.read_text(encoding="utf-8"))
    for node in tree.css("script, style"):
        node.decompose()
    shown = [line.strip() for line in tree.root.text(separator="\n").splitlines() if line.strip()]
    for name in ("title", "placeholder", "aria-label"):
        shown += [node.attributes[name] or "" for node in tree.css(f"[{name}]")]
    return shown


# --- the outputs ------------------------------------------------------------------------------------------------

TERMINAL = [
    ["align", "chengdu"],
    ["align", "wuhan"],
    ["matrix"],
    ["report", "chengdu"],
    ["align", "chengdu", "--format", "md"],
    ["matrix", "--format", "md"],
    ["report", "wuhan", "--format", "md"],
]


@pytest.mark.parametrize("args", TERMINAL, ids=lambda a: " ".join(a))
def test_terminal_and_markdown_are_chinese(args) -> None:
    out = invoke(*args)
    assert "对照" in out or "覆盖率" in out
    assert leftover(out.splitlines()) == []


def test_report_workbook_is_chinese_sheet_names_included(tmp_path) -> None:
    out = tmp_path / "chengdu.xlsx"
    invoke("report", "chengdu", "--out", str(out))
    book = load_workbook(out)
    assert all(not re.search(r"[A-Za-z]", name) for name in book.sheetnames), book.sheetnames
    texts = workbook_texts(out)
    assert leftover(texts) == []
    gaps = book.worksheets[1]
    header = [c.value for c in gaps[1]]
    plan = gaps.cell(2, header.index("方案") + 1).value
    assert "成都市" in plan  # the plan column names the place, not the id chengdu


def test_matrix_workbook_is_chinese_with_places_named(tmp_path) -> None:
    out = tmp_path / "matrix.xlsx"
    invoke("matrix", "--out", str(out))
    book = load_workbook(out)
    assert [n for n in book.sheetnames if n.startswith("差距")] == ["差距 重庆市", "差距 武汉市", "差距 成都市"]
    heads = [c.value for c in book["措施"][1]]
    assert "武汉市" in heads and "wuhan" not in heads
    assert leftover(workbook_texts(out)) == []


def test_brief_is_chinese_in_every_paragraph_and_cell(tmp_path) -> None:
    out = tmp_path / "chengdu.docx"
    invoke("brief", "chengdu", "--out", str(out))
    texts = brief_texts(out)
    assert any("jtcompare report 成都市" in t for t in texts)  # the command it names runs as shown
    assert leftover(texts) == []


def test_view_and_heatmap_show_chinese_text(tmp_path) -> None:
    view = tmp_path / "chengdu.html"
    invoke("view", "chengdu", "--out", str(view))
    texts = page_texts(view)
    assert any("部分采纳（关键要点覆盖" in t for t in texts)  # the evidence, in Chinese
    assert any(t.startswith("置信度：") for t in texts)  # the tooltips are read too
    assert leftover(texts, PAGE_ALLOWED_RE) == []
    (tmp_path / "all").mkdir()
    heat = tmp_path / "all" / "matrix.html"
    invoke("matrix", "--out", str(heat))  # the heatmap, and each plan's view beside it
    pages = sorted(heat.parent.glob("*.html"))
    assert len(pages) == 4
    assert [p.name for p in pages if leftover(page_texts(p), PAGE_ALLOWED_RE)] == []
    assert "wuhan" not in page_texts(heat)  # a plan is named 武汉市, not by its id
    # the base as every other output names it (the pages read 减污降碳协同增效实施方案 (环综合〔2022〕42号))
    named = "对照 国家《减污降碳协同增效实施方案》（环综合〔2022〕42号）"
    assert any(named in t for t in texts) and any(named in t for t in page_texts(heat))


# --- the evidence line: translated, never changed -----------------------------------------------------------------


def test_evidence_parts_give_the_matchers_line_back(plans) -> None:
    """Every evidence line of the three shipped plans parses, and its parts written in English are the line
    itself: the Chinese line is made of the same parts, so it says all the English one says."""
    from jtcompare.match.classify import align
    from jtcompare.match.settings import DEFAULTS

    lines = [
        m.evidence
        for city in ("chongqing", "wuhan", "chengdu")
        for m in align(plans["national"], plans[city], DEFAULTS).measures
    ]
    unread = [line for line in lines if parse(line) is None]
    assert unread == []
    assert [render(parse(line), "en") for line in lines] == lines  # type: ignore[arg-type]
    assert all(evidence_text(line, "en") == line for line in lines)
    assert leftover([evidence_text(line, "zh") for line in lines]) == []
    # every kind of note the shipped plans produce is among them, so the templates are all exercised
    codes = {n.code for line in lines for n in parse(line).notes}  # type: ignore[union-attr]
    assert {"missing", "weaker", "terms", "untaken", "added", "softened"} <= codes


def test_an_override_and_an_unknown_line_read_sensibly() -> None:
    line = "adopted (analyst override; engine said partial): 见第三章 (李明, 2026-01-05)"
    assert evidence_text(line, "zh") == "采纳（人工改判；原判定为部分采纳）：见第三章 (李明, 2026-01-05)"
    assert evidence_text("something else", "zh") == "something else"  # shown as written, never half-translated
    assert (
        units_text("推进建筑废弃物再生利用 (weaker) | 加强管理 (missing)", "zh")
        == "推进建筑废弃物再生利用（弱化）；加强管理（缺失）"
    )


# --- a Chinese review sheet names the plan 武汉市, and reads back -------------------------------------------------


@pytest.mark.parametrize("namesake", [False, True])
def test_a_chinese_review_workbook_naming_the_place_imports(tmp_path, namesake) -> None:
    """A library holding a second version of the city's plan (another 武汉市) names this one 武汉市（wuhan）: the
    report of one plan named it 武汉市, which then named two plans and could not be read back."""
    from tests.conftest import copy_library

    lib = copy_library(tmp_path / "plans")
    if namesake:
        second = ["import", str(ROOT / "tests" / "fixtures" / "wuhan-plan.docx"), "--id", "wuhan-2021"]
        assert runner.invoke(app, [*second, "--name", "武汉市", "--plans-dir", str(lib)]).exit_code == 0
    out = tmp_path / "wuhan.xlsx"
    result = runner.invoke(app, ["report", "wuhan", "--lang", "zh", "--out", str(out), "--plans-dir", str(lib)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    gaps = book["差距"]
    header = [c.value for c in gaps[1]]
    shown = "武汉市（wuhan）" if namesake else "武汉市"
    assert gaps.cell(2, header.index("方案") + 1).value == shown
    for fmt in ("table", "md"):  # the matrix of this plan alone names it so too
        table = runner.invoke(app, ["matrix", "wuhan", "--lang", "zh", "--format", fmt, "--plans-dir", str(lib)])
        assert any(ln.strip("| ").startswith(f"{shown} ") for ln in table.stdout.splitlines()), table.stdout
    gaps.cell(2, header.index("分析员判定") + 1).value = "采纳"
    measure = gaps.cell(2, header.index("国家措施编号") + 1).value
    book.save(out)
    imported = runner.invoke(app, ["override", "--import", str(out), "--plans-dir", str(lib)])
    assert imported.exit_code == 0, imported.output
    assert "1 changed" in imported.stdout
    table = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(lib)], env=ENV).stdout
    assert any(ln.split()[:2] == [measure, "adopted*"] for ln in table.splitlines())


def test_two_plans_of_one_name_are_told_apart_by_id() -> None:
    from jtcompare.plans.model import PlanMeta
    from jtcompare.report.vocab import shown_names
    from jtcompare.workflow.review import _plan_ref

    def meta(pid: str, name: str) -> PlanMeta:
        return PlanMeta(id=pid, name=name, level="city", kind="", title="", file=f"{pid}.txt", prefix="WH")

    metas = [meta("wuhan", "武汉市"), meta("wuhan-2021", "武汉市"), meta("chengdu", "成都市")]
    shown = shown_names(metas, "zh")
    assert shown == {"wuhan": "武汉市（wuhan）", "wuhan-2021": "武汉市（wuhan-2021）", "chengdu": "成都市"}
    assert [_plan_ref(s) for s in shown.values()] == ["wuhan", "wuhan-2021", "成都市"]
    assert shown_names(metas, "en") == {}


def test_a_name_that_finds_two_plans_is_given_with_the_id(tmp_path) -> None:
    """武汉 finds 武汉市 too: a plan named 武汉 beside one named 武汉市 is shown 武汉（wh2）, which finds it, while
    武汉市 still finds only its own plan and is shown as it is."""
    from jtcompare.plans.registry import open_library
    from jtcompare.report.vocab import shown_names
    from jtcompare.workflow.review import _plan_ref

    from tests.conftest import copy_library

    lib = copy_library(tmp_path / "plans")
    second = ["import", str(ROOT / "tests" / "fixtures" / "wuhan-plan.docx"), "--id", "wh2", "--name", "武汉"]
    assert runner.invoke(app, [*second, "--plans-dir", str(lib)]).exit_code == 0
    library = open_library(lib)
    metas = [library.find("wuhan"), library.find("wh2")]
    shown = shown_names(metas, "zh")
    assert shown == {"wuhan": "武汉市", "wh2": "武汉（wh2）"}
    assert [library.find(_plan_ref(s)).id for s in shown.values()] == ["wuhan", "wh2"]


def test_two_versions_of_a_plan_are_told_apart_in_a_chinese_matrix(tmp_path) -> None:
    """In Chinese the name column names each plan (the id is left out), so two versions of one city's plan are
    shown with their ids, 重庆市（chongqing） and 重庆市（cq-2024）, on a narrow terminal too."""
    from tests.conftest import copy_library

    lib = copy_library(tmp_path / "plans")
    kind = ["--kind", "碳达峰实施方案"]  # another kind, as chengdu's: a note the two share names both
    added = runner.invoke(
        app, ["import", str(PLANS / "chongqing.txt"), "--id", "cq-2024", *kind, "--plans-dir", str(lib)]
    )
    assert added.exit_code == 0, added.output
    for fmt in ("table", "md"):
        result = runner.invoke(
            app, ["matrix", "--lang", "zh", "--format", fmt, "--plans-dir", str(lib)], env={"COLUMNS": "80"}
        )
        assert result.exit_code == 0, result.output
        assert "重庆市（chongqing）" in result.stdout and "重庆市（cq-2024）" in result.stdout, fmt
        assert "武汉市（" not in result.stdout  # a name only one plan has is shown alone
        said = " ".join(result.stdout.split())
        assert "成都市、重庆市（cq-2024）的方案都是《碳达峰实施方案》" in said.replace(" ", ""), fmt
    english = runner.invoke(app, ["matrix", "--plans-dir", str(lib)], env={"COLUMNS": "200"}).stdout
    assert "For 成都市 and 重庆市（cq-2024）, the plan is a 碳达峰实施方案" in " ".join(english.split())
    listed = " ".join(english.split()).split("not counted")[1].split("(each one")[0]  # the ids that do not apply
    assert "N05.04, N05.05" in listed and "、" not in listed


# --- the data files: sentences in Chinese, keys and ids as they are -------------------------------------------------


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("args", [["align", "wuhan"], ["matrix"]], ids=lambda a: a[0])
def test_csv_sentences_are_chinese_and_its_ids_stay(args) -> None:
    """The CSV's evidence and units not covered are the workbook's Chinese, word for word; its column names and
    statuses stay what a script reads in any language."""
    zh = _csv(invoke(*args, "--format", "csv"))
    en = _csv(runner.invoke(app, [*args, "--format", "csv", "--plans-dir", str(PLANS)], env=ENV).stdout)
    assert list(zh[0]) == list(en[0]) and len(zh) == len(en) > 100
    assert [(r["measure"], r["status"], r["counted"]) for r in zh] == [
        (r["measure"], r["status"], r["counted"]) for r in en
    ]
    sentences = [r[k] for r in zh for k in ("evidence", "units_missing") if r[k]]
    assert leftover(sentences) == []
    assert [r["evidence"] for r in zh] == [evidence_text(r["evidence"], "zh") for r in en]
    assert any(r["units_missing"].endswith("（缺失）") for r in zh)


def test_sqlite_sentences_follow_the_language_and_ids_stay(tmp_path) -> None:
    """JTCOMPARE_LANG=zh (as --lang zh) writes the judgements' evidence and missing units in Chinese; statuses and
    target verdicts stay English ids, with their words in the statuses and verdicts tables."""
    import sqlite3

    out = tmp_path / "x.db"
    result = runner.invoke(
        app,
        ["export", "--out", str(out), "wuhan", "-q", "--plans-dir", str(PLANS)],
        env={**ENV, "JTCOMPARE_LANG": "zh"},
    )
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out) as db:
        rows = db.execute("SELECT status, evidence, units_missing FROM judgements").fetchall()
        verdicts = {v for (v,) in db.execute("SELECT DISTINCT verdict FROM targets")}
        words = dict(db.execute("SELECT id, zh FROM verdicts").fetchall())
        lang = db.execute("SELECT value FROM export_info WHERE name = 'lang'").fetchall()
    assert lang == [("zh",)]
    units = [u for _, _, missing in rows for u in json.loads(missing)]
    assert units and leftover(units) == [] and leftover([e for _, e, _ in rows]) == []
    assert any(e.startswith("部分采纳（关键要点覆盖") for _, e, _ in rows)
    assert {s for s, _, _ in rows} <= {"adopted", "strengthened", "partial", "omitted", "not_applicable"}
    assert verdicts and verdicts <= set(words) and words["not_in_plan"] == verdict_word("not_in_plan", "zh")


def test_the_views_review_file_speaks_the_pages_language(library, city_alignments) -> None:
    """The review CSV the page exports: Chinese titles, place names and status words in a Chinese page (each read
    back by `override --import`), and in an English page the keys and ids it always had."""
    from jtcompare.report.html import review_file
    from jtcompare.report.vocab import parse_status
    from jtcompare.workflow.review import _aliases, _plan_ref

    a = city_alignments["wuhan"]
    zh, en = review_file(a, "zh"), review_file(a, "en")
    assert en["columns"] == ["plan", "base", "measure", "base text", "analyst status", "analyst note", "by"]
    assert (en["plan"], en["base"], en["statuses"]["not_applicable"]) == ("wuhan", "national", "not_applicable")
    assert leftover([*zh["columns"], zh["plan"], zh["base"], *zh["statuses"].values()]) == []
    assert [_aliases()[c.lower()] for c in zh["columns"]] == [_aliases()[c] for c in en["columns"]]
    assert [library.find(_plan_ref(zh[k])).id for k in ("plan", "base")] == ["wuhan", "national"]
    assert all(parse_status(word) == s for s, word in zh["statuses"].items())
