"""What a reader of the reports checks: Markdown that pastes, CSV that Excel opens, Chinese labels, caveats,
workbook cells (formats, heights, review columns), the brief, the help, and the review round trip."""

from __future__ import annotations

import io
import json
import re
import warnings
from pathlib import Path

import pytest
from docx import Document
from jtcompare.cli.main import app
from jtcompare.match.results import STATUSES, coverage_share
from jtcompare.report.cells import md_cell, pct, pipe_table, target_phrase
from jtcompare.report.i18n import label
from openpyxl import load_workbook
from typer.testing import CliRunner
from wcwidth import wcswidth

from tests.conftest import PLANS, copy_library

runner = CliRunner()


def invoke(*args: str, env: dict | None = None):
    result = runner.invoke(app, [*args, "--plans-dir", str(PLANS)], env=env)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def lib(tmp_path):
    return copy_library(tmp_path / "plans")


# --- Markdown -----------------------------------------------------------------------------------------------------

MARKDOWN = [
    ["align", "chengdu", "--format", "md"],
    ["align", "wuhan", "--format", "md", "--lang", "zh"],
    ["matrix", "--format", "md"],
    ["report", "chengdu", "--format", "md"],
    ["report", "chongqing", "--format", "md", "--lang", "zh"],
    ["plans", "--format", "md"],
    ["show", "wuhan", "--format", "md"],
]


@pytest.mark.parametrize("args", MARKDOWN, ids=lambda a: " ".join(a))
def test_markdown_has_no_nan_no_float_numbers_and_no_padding(args) -> None:
    md = invoke(*args).stdout
    # a missing value printed as nan, wherever it stands; not the letters of a word (governance, Nanjing)
    assert not re.search(r"(?<![a-z])nan(?![a-z])", md.lower())
    assert not re.search(r"\b20\d\d\.0\b", md), "a year printed as a float"
    assert not re.search(r"\|\s*\d+\.0\s*\|", md), "an integer printed as a float"
    for line in md.splitlines():
        if line.startswith("|"):
            assert "   " not in line, f"padded: {line[:80]}"
            cells = line.strip("|").split(" | ")
            assert len(line) <= sum(len(c) for c in cells) + 3 * len(cells) + 2


def test_report_markdown_names_the_national_document_and_keeps_evidence_and_directions() -> None:
    md = invoke("report", "chengdu", "--format", "md").stdout
    first = md.splitlines()[0]
    assert "成都市碳达峰实施方案" in first and "环综合〔2022〕42号" in first
    gaps = md.split("## Gaps")[1].split("## Targets")[0]
    assert "| evidence |" in gaps.splitlines()[2]
    assert "key units covered)" in gaps
    targets = md.split("## Targets")[1]
    assert "规上工业单位增加值能耗 | 2025 | 下降14%" in targets  # direction kept
    assert "短流程炼钢占比 | 2030 | 提升至20%以上" in targets  # one entry per target
    assert "1150万吨" in targets and "1150.0" not in targets
    zh = invoke("report", "chengdu", "--format", "md", "--lang", "zh").stdout
    assert zh.startswith("# 差距报告：成都市碳达峰实施方案 对照 国家《减污降碳协同增效实施方案》（环综合〔2022〕42号）")
    assert "## 注意" in zh and "| 未采纳 |" in zh


def test_markdown_cells_escape_every_special() -> None:
    assert md_cell("*星号* _x_ `c` [a](b) <b> a|b #1 ~s~ &amp;") == (
        r"\*星号\* \_x\_ \`c\` \[a\](b) \<b\> a\|b \#1 \~s\~ \&amp;"
    )
    assert md_cell("two\nlines") == "two<br>lines"
    assert md_cell(None) == "" and md_cell(float("nan")) == "" and md_cell(42.0) == "42" and md_cell(2.8) == "2.8"
    assert pipe_table([["a", None]], ["h1", "h2"]) == "| h1 | h2 |\n|---|---|\n| a |  |"


def test_target_phrases_keep_the_comparator() -> None:
    assert target_phrase("下降…左右", 10, "%") == "下降10%左右"
    assert target_phrase("=", 146, "公里") == "146公里"
    assert target_phrase("以上", 6, "个") == "6个以上"
    assert target_phrase("", None, "") == ""


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_csv_files_carry_a_bom_and_stdout_does_not(tmp_path) -> None:
    out = tmp_path / "wuhan.csv"
    invoke("report", "wuhan", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].decode("utf-8").splitlines()[0].split(",")
    # a script reading columns by position reads what it did before the renaming of 2026-12-07: the key units'
    # total, then those covered, where key_units and units_covered stood; the new columns come after
    before = "plan,measure,chapter,clause,departments,counted,status,key_units,units_covered,score,confidence,text"
    before += ",units_missing,plan_measure,plan_clause,plan_text,evidence,overridden,engine_status,confirmed"
    renamed = {"key_units": "key_units_total", "units_covered": "key_units_covered"}
    added = ["base", "clause_id", "flagged", "engine_confidence"]
    assert header == [renamed.get(c, c) for c in before.split(",")] + added
    stdout = invoke("align", "wuhan", "--format", "csv").stdout
    assert not stdout.startswith("\ufeff") and stdout.startswith("plan,measure")
    assert ",2025," not in stdout or ",2025.0," not in stdout


# --- languages ----------------------------------------------------------------------------------------------------


def test_lang_and_environment_choose_the_labels(tmp_path) -> None:
    zh = invoke("align", "wuhan", "--lang", "zh").stdout
    summary = json.loads(invoke("align", "wuhan", "--format", "json").stdout)["summary"]
    assert zh.startswith(f"武汉市 对照 国家：采纳 {summary['adopted']}，强化 {summary['strengthened']}")
    assert "部分采纳" in zh and "adopted" not in zh
    env = invoke("matrix", env={"JTCOMPARE_LANG": "zh", "COLUMNS": "200"}).stdout
    assert env.splitlines()[0].split()[:3] == ["名称", "印发日期", "采纳"]  # in Chinese the name names the plan
    assert invoke("matrix", "--lang", "en", env={"JTCOMPARE_LANG": "zh"}).stdout.startswith("plan")
    bad = runner.invoke(app, ["align", "wuhan", "--lang", "fr", "--plans-dir", str(PLANS)])
    assert bad.exit_code == 2 and bad.stderr.strip() == "error: --lang: unknown language 'fr'; choose one of zh, en"
    out = tmp_path / "m.xlsx"
    invoke("matrix", "--out", str(out), "--lang", "zh")
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["汇总", "条款", "措施"] and "差距 武汉市" in wb.sheetnames
    gaps = wb["差距 武汉市"]
    header = [c.value for c in gaps[1]]
    # what prints first (the print area: measure, status, key units, the texts, the review columns to write in)
    assert header[:3] == ["国家措施编号", "判定", "关键要点"] and {"方案", "章"} <= set(header)
    status = {r[header.index("判定")] for r in gaps.iter_rows(min_row=2, values_only=True)}
    assert status == {"未采纳", "部分采纳", "未采纳?", "部分采纳?"}  # ? a cell to check, where it is reviewed
    confidence = header.index("置信度")
    flagged = [r for r in gaps.iter_rows(min_row=2, values_only=True) if str(r[header.index("判定")]).endswith("?")]
    assert flagged and all(r[confidence] is not None and float(r[confidence]) < 0.6 for r in flagged)


@pytest.mark.parametrize(
    "command", [["align", "wuhan"], ["plans"], ["show", "wuhan"], ["config"], ["import", str(PLANS / "wuhan.txt")]]
)
def test_every_command_takes_lang_and_reads_a_locale_or_refuses_a_language_alike(command) -> None:
    """--lang is taken by the commands that only list or show too, as a locale names a language (ZH, zh_CN,
    en-US); a language jtcompare does not have is one line, exit 2, for every command, given or in the
    environment."""
    extra = ["--id", "wuhan-copy", "--dry-run"] if command[0] == "import" else []
    args = [*command, *extra, *(["--plans-dir", str(PLANS)] if command[0] != "config" else [])]
    english = runner.invoke(app, args, env={"COLUMNS": "200"}).stdout
    # a word of each command's own output in either language (the plans' texts are Chinese in both)
    zh_word, en_word = {
        "align": ("部分采纳", "partial"),
        "plans": ("措施数", "measures"),
        "show": ("编号条款", "numbered clauses"),
        "config": ("默认值", "Defaults"),
        "import": ("试运行", "dry run"),
    }[command[0]]
    assert en_word in english and zh_word not in english
    for env, lang in (({}, ["--lang", "ZH"]), ({"JTCOMPARE_LANG": "zh_CN.UTF-8"}, []), ({"JTCOMPARE_LANG": "zh"}, [])):
        zh = runner.invoke(app, [*args, *lang], env={"COLUMNS": "200", **env})
        assert zh.exit_code == 0, zh.output
        assert zh_word in zh.stdout and en_word not in zh.stdout, (env, lang)
    assert runner.invoke(app, args, env={"COLUMNS": "200", "JTCOMPARE_LANG": "en-US"}).stdout == english
    for env, lang, given in (({}, ["--lang", "fr"], "--lang"), ({"JTCOMPARE_LANG": "fr"}, [], "$JTCOMPARE_LANG")):
        bad = runner.invoke(app, [*args, *lang], env=env)
        assert bad.exit_code == 2 and bad.stderr == f"error: {given}: unknown language 'fr'; choose one of zh, en\n"
        assert bad.stdout == ""


# --- caveats ------------------------------------------------------------------------------------------------------


def test_chengdu_is_flagged_as_another_kind_without_a_date(tmp_path) -> None:
    data = json.loads(invoke("matrix", "--format", "json").stdout)
    assert {r["plan"]: r["caveats"] for r in data["summary"]} == {
        "chongqing": ["not_applicable"],
        "wuhan": ["not_applicable"],
        "chengdu": ["kind", "no_date", "not_applicable"],
    }
    out = tmp_path / "m.xlsx"
    invoke("matrix", "--out", str(out))
    rows = list(load_workbook(out)["Summary"].iter_rows(values_only=True))
    # the column marks what sets a plan apart; what all three have alike is said once, under the table
    assert [r[rows[0].index("caveats")] for r in rows[1:4]] == [None, None, "other kind, no date"]
    assert sum("For every plan, the same 9 national measures do not apply" in str(r[0]) for r in rows) == 1
    texts = [r[0] for r in rows if r[0] and str(r[0]).startswith("! ")]
    assert any("碳达峰实施方案" in t and "not comparable" in t for t in texts)
    assert any("no issue date" in t for t in texts)
    table = invoke("matrix").stdout
    assert "! 成都市's plan is a 碳达峰实施方案" in table


def test_measures_that_do_not_apply_are_named_where_the_coverage_is(lib) -> None:
    """Region-bound and central-only measures are left out of coverage; every output that shows a coverage
    figure says which (the caveat: terminal, Markdown, workbook Summary, JSON code)."""
    table = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(lib)]).stdout
    md = runner.invoke(app, ["report", "wuhan", "--plans-dir", str(lib)]).stdout
    data = json.loads(runner.invoke(app, ["align", "wuhan", "--format", "json", "--plans-dir", str(lib)]).stdout)
    bound = [m for m in data["measures"] if m["status"] == "not_applicable"]
    central = [m["id"] for m in bound if m["region"] == "中央事权"]
    assert central and len(central) < len(bound)  # both kinds
    for out in (table, md):
        flat = " ".join(out.split())
        assert f"{len(bound)} national measures do not apply to 武汉市" in flat
        assert f"only the central government can carry them out, {', '.join(central)}" in flat


def test_a_much_shorter_plan_is_flagged(lib) -> None:
    text = (lib / "wuhan.txt").read_text(encoding="utf-8")
    (lib / "wuhan.txt").write_text(text[: len(text) // 3], encoding="utf-8")
    result = runner.invoke(app, ["report", "wuhan", "--format", "json", "--plans-dir", str(lib)])
    assert json.loads(result.stdout)["summary"]["caveats"] == ["short", "not_applicable"]
    md = runner.invoke(app, ["report", "wuhan", "--plans-dir", str(lib)]).stdout
    assert "武汉市's plan has only" in md and "of the base's measure text" in md


# --- workbook cells -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("book") / "chongqing-gaps.xlsx"
    invoke("report", "chongqing", "--out", str(out))
    return out, load_workbook(out)


def test_numbers_are_formatted_and_years_are_numbers(report_book) -> None:
    _, wb = report_book
    summary = wb["Summary"]
    header = [c.value for c in summary[1]]
    assert summary.cell(2, header.index("coverage") + 1).number_format == "0%"
    gaps = wb["Gaps"]
    header = [c.value for c in gaps[1]]
    assert all(gaps.cell(i, header.index("confidence") + 1).number_format == "0.00" for i in range(2, gaps.max_row + 1))
    units = [gaps.cell(i, header.index("key units") + 1).value for i in range(2, gaps.max_row + 1)]
    assert units and all(re.fullmatch(r"\d+/\d+", u) for u in units)  # covered / key units, on every gap
    targets = wb["Targets"]
    rows = list(targets.iter_rows(values_only=True))
    years = [r[rows[0].index(k)] for r in rows[1:] for k in ("base year", "plan year") if r[rows[0].index(k)]]
    assert years and all(isinstance(y, int) for y in years)
    # a plan target added to several measures is one row: no (plan measure, indicator, year, value) twice
    added = [r for r in rows[1:] if r[rows[0].index("verdict")] == "added"]
    columns = [rows[0].index(k) for k in ("plan measure", "plan indicator", "plan year", "plan value")]
    keys = [tuple(r[k] for k in columns) for r in added]
    assert added and len(keys) == len(set(keys))


def test_a_target_added_to_two_measures_is_listed_once_with_both(city_alignments) -> None:
    import dataclasses

    from jtcompare.report.frames import targets_frame

    a = city_alignments["chongqing"]
    first = next(m for m in a.measures if any(p.verdict == "added" for p in m.compared))
    other = next(m for m in a.measures if not m.compared and not m.targets)
    twin = dataclasses.replace(other, compared=tuple(p for p in first.compared if p.verdict == "added"))
    measures = tuple(twin if m is other else m for m in a.measures)
    frame = targets_frame([dataclasses.replace(a, measures=measures)])
    added = frame[frame["verdict"] == "added"]
    ids = sorted([first.measure.id, other.measure.id])
    joined = added[added["measure"].str.contains(", ")]
    assert len(joined) == 1 and sorted(joined.iloc[0]["measure"].split(", ")) == ids


def test_a_measure_that_does_not_apply_leaves_no_target_unset(city_alignments) -> None:
    """A national target of a measure bound to another region (or to the central government) is not one the city
    failed to set: the targets table, and the brief's count of targets 地方未设, leave it out."""
    from jtcompare.report.frames import targets_frame

    bound = {(c, m.measure.id) for c, a in city_alignments.items() for m in a.measures if m.status == "not_applicable"}
    assert any(m.targets for a in city_alignments.values() for m in a.measures if m.status == "not_applicable")
    frame = targets_frame(list(city_alignments.values()))
    unset = frame[frame["verdict"] == "not_in_plan"]
    assert len(unset) and not {(p, m) for p, m in zip(unset["plan"], unset["measure"], strict=True)} & bound


def test_rows_are_high_enough_for_their_text_and_columns_fit(report_book) -> None:
    from jtcompare.report.layout import line_count

    _, wb = report_book
    gaps = wb["Gaps"]
    header = [c.value for c in gaps[1]]
    widths = {h: gaps.column_dimensions[chr(65 + j)].width for j, h in enumerate(header)}
    assert widths["measure"] <= 10 and widths["status"] <= 12 and widths["base text"] >= 30
    # one A4 landscape page wide without shrinking text to noise (the five review columns take 51 of it)
    assert sum(widths.values()) < 255
    for i in range(2, gaps.max_row + 1):
        text = gaps.cell(i, header.index("base text") + 1).value
        assert gaps.row_dimensions[i].height >= 14 * line_count(text, widths["base text"])


def test_gaps_carry_chapter_departments_and_review_columns(report_book) -> None:
    _, wb = report_book
    gaps = wb["Gaps"]
    header = [c.value for c in gaps[1]]
    for key in ("plan", "measure", "text", "analyst_status", "analyst_note"):
        assert label(f"col.{key}", "en") in header
    assert {"chapter", "departments"} <= set(header)
    at = header.index(label("col.measure", "en"))
    row = next(r for r in gaps.iter_rows(min_row=2, values_only=True) if r[at].startswith("N08"))
    assert row[header.index("departments")].startswith("工业和信息化部、国家发展改革委")
    dv, agree = gaps.data_validations.dataValidation
    letter = chr(65 + header.index("analyst status"))
    assert dv.type == "list" and str(dv.sqref) == f"{letter}2:{letter}{gaps.max_row}"
    assert dv.formula1 == '"' + ",".join(label(f"status.{s}", "en") for s in STATUSES) + '"'
    letter = chr(65 + header.index(label("col.analyst_agree", "en")))
    assert str(agree.sqref) == f"{letter}2:{letter}{gaps.max_row}" and agree.formula1 == '"yes,no"'


def test_summary_has_a_chart_and_provenance_and_legend_explains_colours(report_book) -> None:
    import jtcompare

    _, wb = report_book
    summary = wb["Summary"]
    assert len(summary._charts) == 1 and summary._charts[0].grouping == "stacked"
    cells = {str(c.value) for row in summary.iter_rows() for c in row if c.value is not None}
    assert f"jtcompare {jtcompare.__version__}" in cells and "defaults" in cells
    assert any(re.fullmatch(r"[0-9a-f]{16} \(.*\)", c) for c in cells)
    legend = " ".join(str(c.value) for row in wb["Legend"].iter_rows() for c in row if c.value)
    assert "Local sheet score" in legend and "below 0.3" in legend
    # it explains the sheets this workbook has (a report has no Clauses sheet; the matrix's legend: test_matrix)
    named = re.findall(r"\b([A-Z][a-z]+) sheet", legend)
    assert named and set(named) <= set(wb.sheetnames)


# --- review round trip --------------------------------------------------------------------------------------------


def test_three_analyst_statuses_in_a_report_workbook_round_trip(lib, tmp_path) -> None:
    out = tmp_path / "wuhan-gaps.xlsx"
    result = runner.invoke(app, ["report", "wuhan", "--out", str(out), "--plans-dir", str(lib)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    gaps = wb["Gaps"]
    header = [c.value for c in gaps[1]]
    col, note = header.index("analyst status") + 1, header.index("analyst note") + 1
    picked = {}
    for i, word in zip((2, 3, 4), ("adopted", "采纳", "strengthened"), strict=True):
        gaps.cell(i, col).value = word
        gaps.cell(i, note).value = "checked by hand"
        picked[gaps.cell(i, header.index("measure") + 1).value] = (
            "strengthened" if word == "strengthened" else "adopted"
        )
    wb.save(out)
    imported = runner.invoke(app, ["override", "--import", str(out), "--plans-dir", str(lib)])
    assert imported.exit_code == 0, imported.output
    assert "3 changed, 0 confirmed, 0 unchanged, 0 stale" in imported.stdout
    table = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(lib)], env={"COLUMNS": "200"}).stdout
    starred = {ln.split()[0]: ln.split()[1] for ln in table.splitlines() if ln.split() and ln.split()[0] in picked}
    assert starred == {mid: f"{status}*" for mid, status in picked.items()}


# --- brief --------------------------------------------------------------------------------------------------------


def test_brief_is_chinese_by_default_with_chart_gaps_and_targets(tmp_path) -> None:
    out = tmp_path / "chengdu-brief.docx"
    invoke("brief", "chengdu", "--out", str(out))
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text.startswith(
        "成都市碳达峰实施方案对照国家《减污降碳协同增效实施方案》（环综合〔2022〕42号）"
    )
    coverage = coverage_share(json.loads(invoke("align", "chengdu", "--format", "json").stdout)["summary"])
    assert f"覆盖率 {pct(coverage)}" in text and "类型不同" in text and "没有印发日期" in text
    assert len(doc.inline_shapes) == 1
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "生态环境部" in cells and "地方未设" in cells
    en = tmp_path / "en.docx"
    invoke("brief", "chengdu", "--out", str(en), "--lang", "en")
    assert Document(str(en)).paragraphs[0].text.startswith("Brief: 成都市碳达峰实施方案 vs the national")
    bad = runner.invoke(app, ["brief", "chengdu", "--out", str(tmp_path / "b.pdf"), "--plans-dir", str(PLANS)])
    assert bad.exit_code == 2 and "name it .docx" in bad.stderr


@pytest.mark.parametrize("city", ["chengdu", "wuhan"])
def test_the_brief_gaps_by_department_add_up_to_the_counts_it_leads_with(tmp_path, city) -> None:
    """Every omitted and partial counted measure is in the department table: the leading departments, one row
    for the rest and for the measures whose clause names no department, and the total the brief leads with."""
    out = tmp_path / f"{city}-brief.docx"
    invoke("brief", city, "--out", str(out))
    rows = [[c.text for c in row.cells] for row in Document(str(out)).tables[0].rows]
    assert rows[0] == ["牵头/责任部门", "未采纳", "部分采纳"]
    body, total = rows[1:-1], rows[-1]
    summary = json.loads(invoke("align", city, "--format", "json").stdout)["summary"]
    assert total == ["合计", str(summary["omitted"]), str(summary["partial"])]
    assert [sum(int(r[k]) for r in body) for k in (1, 2)] == [summary["omitted"], summary["partial"]]
    assert body[-1][0] == "其他部门，及未列牵头部门的措施" and len(body) <= 6
    assert "生态环境部" in [r[0] for r in body]


def test_the_brief_says_its_figures_hold_overrides_and_word_reads_it_as_chinese(tmp_path) -> None:
    """The brief led with 采纳 88 条 after four overrides and never said the figures were partly the analysts'; its
    file said 'generated by python-docx', made 2013-12-23, every run English to Word's spelling check."""
    lib = copy_library(tmp_path / "plans")
    plain = tmp_path / "plain.docx"
    assert runner.invoke(app, ["brief", "wuhan", "--out", str(plain), "--plans-dir", str(lib)]).exit_code == 0
    assert "人工改判" not in "\n".join(p.text for p in Document(str(plain)).paragraphs)
    # two corrections of counted measures, and one of a 基本原则 measure, which no figure counts
    for measure, status in (("N08.03", "omitted"), ("N10.02", "partial"), ("N02.02", "adopted")):
        pinned = ["override", "wuhan", measure, status, "--note", "复核", "--plans-dir", str(lib)]
        assert runner.invoke(app, pinned).exit_code == 0
    out = tmp_path / "b.docx"
    assert runner.invoke(app, ["brief", "wuhan", "--out", str(out), "--plans-dir", str(lib)]).exit_code == 0
    doc = Document(str(out))
    assert "以上数字含分析员人工改判 2 条" in "\n".join(p.text for p in doc.paragraphs)
    props = doc.core_properties
    assert props.comments == "" and props.created.year >= 2026 and props.language == "zh-CN"
    assert props.title.startswith("武汉市") and props.author.startswith("jtcompare")
    assert 'w:eastAsia="zh-CN"' in doc.styles.element.xml and 'w:val="zh-CN"' in doc.styles.element.xml
    assert "ja-JP" not in doc.settings.element.xml and 'w:eastAsia="zh-CN"' in doc.settings.element.xml


def test_brief_tables_repeat_their_header_row_and_never_split_a_row(tmp_path) -> None:
    from docx.oxml.ns import qn

    out = tmp_path / "chengdu-brief.docx"
    invoke("brief", "chengdu", "--out", str(out))
    tables = Document(str(out)).tables
    assert len(tables) == 3  # gaps by department, the omitted measures, the targets
    for t, table in enumerate(tables):
        rows = [row._tr for row in table.rows]
        assert len(rows) > 2, t
        props = [tr.trPr for tr in rows]
        assert all(p is not None and p.find(qn("w:cantSplit")) is not None for p in props), t
        header = [p.find(qn("w:tblHeader")) for p in props]
        assert header[0] is not None and header[0].get(qn("w:val")) in (None, "true", "1"), t
        assert header[1:] == [None] * (len(rows) - 1), t  # only the first row repeats


def test_chart_without_a_cjk_font_uses_plain_labels(city_alignments) -> None:
    from jtcompare.report.brief import chapter_bars
    from jtcompare.report.chart import status_chart

    bars = chapter_bars(city_alignments["chengdu"])
    assert [b.short for b in bars] == ["2", "3", "4", "5", "6", "7", "8"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = status_chart(bars, "zh", use_font=False)
    assert png.startswith(b"\x89PNG")
    assert not [w for w in caught if "missing from" in str(w.message)]


def test_a_chinese_font_installed_after_matplotlib_listed_the_fonts_is_found(monkeypatch) -> None:
    """matplotlib lists the system's fonts once and caches the list: fonts-noto-cjk installed after a first brief
    was not in it, and every chart stayed English on a machine that had the font."""
    from jtcompare.report import chart
    from matplotlib import font_manager

    system = [p for p in font_manager.findSystemFonts() if "cjk" in Path(p).name.lower()]
    if not system:
        pytest.skip("no CJK font file on this machine: apt-get install fonts-noto-cjk to run this test")
    listed = font_manager.fontManager.ttflist
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [f for f in listed if "CJK" not in f.name])
    chart.cjk_font.cache_clear()
    try:
        assert chart.cjk_font() in chart.CJK_FAMILIES
    finally:
        chart.cjk_font.cache_clear()


def test_a_chinese_brief_made_without_a_chinese_font_says_so_and_keys_its_chapters(tmp_path, monkeypatch) -> None:
    """The chart falls back to English words and chapter numbers: the command says why and what to install, and
    the brief under the chart says which chapter each number is. With a font, neither."""
    import jtcompare.report.chart as chart

    monkeypatch.setattr(chart, "cjk_font", lambda: None)
    out = tmp_path / "b.docx"
    made = runner.invoke(app, ["brief", "wuhan", "--out", str(out), "--plans-dir", str(PLANS)])
    assert made.exit_code == 0 and "no Chinese font is installed (fonts-noto-cjk" in made.stderr
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    key = next(p for p in paragraphs if p.startswith("本机未安装中文字体"))
    assert "2 = 二、" in key and "8 = 八、" in key
    zh = runner.invoke(app, ["report", "wuhan", "--out", str(tmp_path / "r.docx"), "--plans-dir", str(PLANS)])
    assert "图表的文字为英文" not in zh.stderr and "no Chinese font" in zh.stderr  # the command's words: English
    monkeypatch.undo()
    if chart.cjk_font() is None:
        return  # the machine has no Chinese font: the rest needs one
    again = runner.invoke(app, ["brief", "wuhan", "--out", str(out), "--force", "--plans-dir", str(PLANS)])
    assert "font" not in again.stderr
    assert not any(p.startswith("本机未安装中文字体") for p in (q.text for q in Document(str(out)).paragraphs))


# --- help and terminal --------------------------------------------------------------------------------------------


def test_every_command_has_an_example_and_flags_take_no_metavar() -> None:
    from jtcompare.cli.main import app as typer_app

    names = [c.name for c in typer_app.registered_commands]
    assert "brief" in names
    for name in ["", *names]:
        result = runner.invoke(app, [*([name] if name else []), "--help"], env={"COLUMNS": "120"})
        assert result.exit_code == 0, name
        assert "Example" in result.stdout, name
        assert "<bool>" not in result.stdout, name
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and re.fullmatch(r"jtcompare \d+\.\d+\.\d+\n", version.stdout)


def test_show_accepts_every_format_its_help_names() -> None:
    help_text = runner.invoke(app, ["show", "--help"], env={"COLUMNS": "200"}).stdout
    formats = re.search(r"--format table, md, json \(.*?\) or csv", " ".join(help_text.split()))
    assert formats
    for fmt in ("table", "md", "json", "csv"):
        assert invoke("show", "wuhan", "--format", fmt).stdout
    assert invoke("show", "wuhan", "-f", "csv").stdout.startswith("id,no.,title,chapter")


def test_config_explains_every_setting(tmp_path) -> None:
    from jtcompare.match.settings import DEFAULTS, as_dict

    lines = runner.invoke(app, ["config"]).stdout.splitlines()
    for key in as_dict(DEFAULTS):
        k = next(i for i, ln in enumerate(lines) if ln.startswith(f"{key} = "))
        comment = []
        while lines[k - 1].startswith("# "):  # the comment block right above the key, however it wraps
            k -= 1
            comment.append(lines[k])
        assert len(" ".join(comment)) > 20, key


def test_the_terminal_names_the_units_not_covered_where_it_has_room() -> None:
    """Each partial cell's line names its first unit not covered; a measure that does not apply shows no unit
    count (0/1 would read as a gap); a narrow terminal leaves the column out rather than cut every text to a
    stub."""
    cells = {m["id"]: m for m in json.loads(invoke("align", "wuhan", "--format", "json").stdout)["measures"]}
    wide = invoke("align", "wuhan", "--lang", "zh", env={"COLUMNS": "240"}).stdout.splitlines()
    lines = {ln.split()[0]: ln for ln in wide if re.match(r"N\d", ln)}
    assert any(label("column.units_missing", "zh") in ln for ln in wide)
    # (a partial cell whose units are all covered is partial by its target or words: evidence says which)
    partial = [m for m in cells.values() if m["status"] == "partial" and m["counted"] and m["units_missing"]]
    assert len(partial) > 10
    for m in partial:
        first = re.sub(r" \((weaker|missing)\)$", "", m["units_missing"][0])
        assert first[:6] in lines[m["id"]].split("  ")[-1], m["id"]
    off = [k for k, m in cells.items() if m["status"] == "not_applicable"]
    assert off and all(not re.search(r"\d+/\d+", lines[k]) for k in off)
    narrow = invoke("align", "wuhan", "--lang", "zh", env={"COLUMNS": "80"}).stdout
    assert label("column.units_missing", "zh") not in narrow


@pytest.mark.parametrize("command", [["align", "chengdu"], ["align", "wuhan", "--lang", "zh"], ["matrix"]])
def test_terminal_table_fits_columns(command) -> None:
    out = invoke(*command, env={"COLUMNS": "80"}).stdout
    widest = max(wcswidth(ln) for ln in out.splitlines())
    assert widest <= 80
    wide = invoke(*command, env={"COLUMNS": "200"}).stdout
    assert max(wcswidth(ln) for ln in wide.splitlines()) > 80  # text is cut only when it must be


def test_workbook_writer_needs_no_file(city_alignments) -> None:
    from jtcompare.report.workbook import write_matrix

    buf = io.BytesIO()
    write_matrix([city_alignments["wuhan"]], buf, lang="zh")
    assert load_workbook(io.BytesIO(buf.getvalue())).sheetnames[0] == "汇总"


def test_report_as_docx_is_the_brief(tmp_path) -> None:
    """`report --out x.docx` goes through the same dispatch as `brief`: the same Word brief."""
    by_report, by_brief = tmp_path / "r.docx", tmp_path / "b.docx"
    invoke("report", "wuhan", "--out", str(by_report))
    invoke("brief", "wuhan", "--out", str(by_brief))
    texts = [[p.text for p in Document(str(f)).paragraphs] for f in (by_report, by_brief)]
    assert texts[0] == texts[1] and texts[0][0].startswith("武汉市减污降碳协同增效实施方案对照国家")


@pytest.mark.parametrize(("departments", "unnamed"), [(5, True), (6, False), (6, True), (9, True), (3, False)])
def test_the_department_table_has_at_most_six_rows_above_its_total(departments, unnamed) -> None:
    """Whatever the plan's shape: six departments and measures naming none must not make seven rows."""
    from types import SimpleNamespace

    from jtcompare.report.brief import TOP_DEPARTMENTS, by_department

    def gap(dept: str, status: str) -> SimpleNamespace:
        return SimpleNamespace(status=status, clause=SimpleNamespace(departments=(dept,) if dept else ()))

    gaps = [gap(f"部门{k}", s) for k in range(departments) for s in ("omitted", "partial")]
    gaps += [gap("", "omitted")] * unnamed
    rows = by_department(gaps, "zh")
    body, total = rows[:-1], rows[-1]
    assert len(body) <= TOP_DEPARTMENTS and total[0] == "合计"
    assert sum(c["omitted"] for _, c in body) == total[1]["omitted"] == departments + unnamed
    assert sum(c["partial"] for _, c in body) == total[1]["partial"] == departments
    rest = departments > TOP_DEPARTMENTS - unnamed
    assert (body[-1][0] == "其他部门，及未列牵头部门的措施") == (rest or unnamed)
