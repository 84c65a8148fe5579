"""`jtcompare matrix` and `jtcompare report`: the workbook and Markdown checked cell by cell against JSON."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.match.results import COVERAGE_STATUSES, STATUSES
from jtcompare.report.i18n import label
from jtcompare.report.palette import style
from jtcompare.report.workbook import FILLS
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.capabilities import convert, need
from tests.conftest import PLANS, ROOT

runner = CliRunner()
CITIES = ["chongqing", "wuhan", "chengdu"]


def invoke(*args: str):
    result = runner.invoke(app, [*args, "--plans-dir", str(PLANS)])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def matrix_json():
    data = json.loads(invoke("matrix", "--format", "json").stdout)
    return {p["plan"]["id"]: p for p in data["plans"]}, data["summary"]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    out = tmp_path_factory.mktemp("wb") / "matrix.xlsx"
    invoke("matrix", "--out", str(out))
    return out, load_workbook(out)


def test_matrix_defaults_to_every_plan_but_the_base(matrix_json) -> None:
    plans, summary = matrix_json
    assert list(plans) == CITIES
    assert [row["plan"] for row in summary] == CITIES


def test_counted_measures_are_what_the_coverage_divides_by(matrix_json, workbook) -> None:
    """The summary's measures are those the coverage counts (the legend: coverage = (adopted + strengthened +
    partial/2) / counted measures): the measures bound to another region or to the central government are not."""
    _, summary = matrix_json
    sheet = list(workbook[1][label("excel.sheet.summary", "en")].iter_rows(values_only=True))
    heads = [str(h) for h in sheet[0]]
    for row, cells in zip(summary, sheet[1:], strict=False):
        counted = sum(row[s] for s in COVERAGE_STATUSES)
        assert row["not_applicable"] > 0 and row["measures"] == counted
        assert row["coverage"] == round((row["adopted"] + row["strengthened"] + row["partial"] / 2) / counted, 3)
        assert cells[heads.index(label("column.measures", "en"))] == counted


def test_the_legend_explains_the_clauses_sheet_the_matrix_has(workbook) -> None:
    _, wb = workbook
    legend = " ".join(str(c.value) for row in wb["Legend"].iter_rows() for c in row if c.value)
    assert "Clauses sheet colours" in legend and "white at 0%" in legend
    assert set(re.findall(r"\b([A-Z][a-z]+) sheet", legend)) <= set(wb.sheetnames)
    # its Measures sheet has a plan a column and no review columns: the legend sends a reviewer to Review
    assert "review its cells on the Review sheet" in legend


def test_workbook_sheets_and_layout(workbook) -> None:
    _, wb = workbook
    assert wb.sheetnames == [
        "Summary",
        "Clauses",
        "Measures",
        "Gaps chongqing",
        "Gaps wuhan",
        "Gaps chengdu",
        "Targets",
        "Local",
        "Review",
        "Legend",
    ]
    for name in wb.sheetnames[:-1]:
        ws = wb[name]
        assert ws.freeze_panes in ("A2", "F2"), name
        assert ws.auto_filter.ref, name
        assert ws.print_title_rows == "$1:$1", name
    assert wb["Measures"].freeze_panes == "F2"
    for ws in wb.worksheets:  # Legend too: every sheet prints on A4 landscape, one page wide, numbered
        assert (int(ws.page_setup.paperSize), ws.page_setup.orientation) == (9, "landscape"), ws.title  # 9: A4
        assert ws.page_setup.fitToWidth == 1, ws.title  # shrunk to one page wide when wider than the page
        assert ws.oddFooter.right.text == "Page &P of &N", ws.title
        assert "环综合〔2022〕42号" in ws.oddHeader.left.text and "武汉市" in ws.oddHeader.left.text, ws.title


def test_measures_sheet_equals_the_align_json(workbook, matrix_json) -> None:
    _, wb = workbook
    plans, _ = matrix_json
    ws = wb["Measures"]
    header = [c.value for c in ws[1]]
    for plan in CITIES:
        col = header.index(plan) + 1
        expected = {m["id"]: m for m in plans[plan]["measures"]}
        seen = 0
        for row in range(2, ws.max_row + 1):
            mid = ws.cell(row, 1).value
            cell = ws.cell(row, col)
            m = expected[mid]
            mark = "?" if m["flagged"] else ""  # a cell the engine is unsure of is marked for the analyst
            assert cell.value == style(m["status"]).symbol + mark, (plan, mid)  # a symbol: the matrix prints narrow
            # the evidence line, which opens with the status
            assert cell.comment.text.startswith((label(f"status.{m['status']}", "en"), m["status"]))
            assert cell.fill.fgColor.rgb.endswith(FILLS[m["status"]]), (plan, mid)
            # key units covered of key units; none for a measure that does not apply (its unit calls are no gap)
            shown = f"{m['key_units_covered']}/{m['key_units_total']}" if m["status"] != "not_applicable" else None
            assert ws.cell(row, col + 1).value == shown and (m["key_units_total"] > 0) == (shown is not None)
            if m["matches"]:
                assert m["matches"][0]["text"] in cell.comment.text
            seen += 1
        assert seen == len(expected)


def test_summary_and_gaps_equal_the_json(workbook, matrix_json) -> None:
    _, wb = workbook
    plans, summary = matrix_json
    rows = list(wb["Summary"].iter_rows(values_only=True))
    header = rows[0]
    assert rows[len(summary) + 1][0] is None  # the table ends; caveats, chart and provenance follow
    for row, expected in zip(rows[1 : len(summary) + 1], summary, strict=True):
        got = dict(zip(header, row, strict=True))
        for key in ("plan", "adopted", "strengthened", "partial", "omitted", "coverage", "local"):
            assert got[key] == expected[key], key
    for plan in CITIES:
        gaps = list(wb[f"Gaps {plan}"].iter_rows(values_only=True))
        want = [m["id"] for m in plans[plan]["measures"] if m["status"] in ("omitted", "partial") and m["counted"]]
        assert [r[gaps[0].index("measure")] for r in gaps[1:]] == want


def test_clause_sheet_coverage(workbook, matrix_json) -> None:
    _, wb = workbook
    plans, _ = matrix_json
    rows = list(wb["Clauses"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("chapter", "clause", "departments")
    for k, row in enumerate(rows[1:]):
        got = dict(zip(header, row, strict=True))
        for plan in CITIES:
            clause = plans[plan]["clauses"][k]
            assert got["clause"].endswith(clause["title"])
            assert got[plan] == clause["coverage"]
    ws = wb["Clauses"]
    assert ws.cell(2, 4).number_format == "0%"
    assert ws.cell(5, 2).value == "(三) 主要目标" and ws.cell(5, 1).value == "二、总体要求"


def test_markdown_figures_equal_the_json(matrix_json) -> None:
    _, summary = matrix_json
    md = invoke("matrix", "--format", "md").stdout
    header = [c.strip() for c in next(ln for ln in md.splitlines() if ln.startswith("| plan ")).strip("|").split("|")]
    for row in summary:
        line = next(ln for ln in md.splitlines() if ln.startswith(f"| {row['plan']} "))
        cells = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        for status in STATUSES:
            assert cells[label(f"status.{status}", "en")] == str(row[status])
        assert cells["coverage"] == f"{row['coverage']:.0%}"


def test_markdown_lists_each_plans_gaps_with_key_units_and_what_is_missing(matrix_json) -> None:
    """Per plan, its omitted and partial counted cells, each with its key units covered (2/4) and the units not
    covered: the matrix's Markdown said only which measures were omitted."""
    plans, _ = matrix_json
    md = invoke("matrix", "--format", "md").stdout
    for plan, data in plans.items():
        section = md.split(f"({plan}): omitted and partial measures")[1].split("\n## ")[0]
        lines = {ln.split(" | ")[0].lstrip("| "): ln for ln in section.splitlines() if re.match(r"\| N", ln)}
        gaps = [m for m in data["measures"] if m["counted"] and m["status"] in ("omitted", "partial")]
        assert list(lines) == [m["id"] for m in gaps]
        for m in gaps:
            cells = [c.strip() for c in lines[m["id"]].strip("|").split(" | ")]
            assert cells[2] == f"{m['key_units_covered']}/{m['key_units_total']}"
            assert cells[-1] == " | ".join(m["units_missing"]).replace("|", "\\|"), m["id"]
        assert "a counted status carries a ? to check" in section  # what the marks after a status mean


def test_report_markdown_equals_the_json(tmp_path) -> None:
    out = tmp_path / "wuhan.md"
    invoke("report", "wuhan", "--out", str(out))
    md = out.read_text(encoding="utf-8")
    data = json.loads(invoke("align", "wuhan", "--format", "json").stdout)
    s = data["summary"]
    line = next(ln for ln in md.splitlines() if ln.startswith("| 武汉市"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[2:6] == [str(s[k]) for k in ("adopted", "strengthened", "partial", "omitted")]
    gap_ids = re.findall(r"^\| (N[\d-]+\.\d+) ", md.split("## Gaps")[1].split("## Targets")[0], re.M)
    assert gap_ids == [m["id"] for m in data["measures"] if m["status"] in ("omitted", "partial") and m["counted"]]


def test_report_workbook(tmp_path) -> None:
    out = tmp_path / "chongqing-gaps.xlsx"
    invoke("report", "chongqing", "--out", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Gaps", "Targets", "Local", "Measures", "Legend"]


def test_plan_text_never_becomes_a_formula(city_alignments) -> None:
    import dataclasses
    import io

    from jtcompare.report.workbook import write_matrix

    a = city_alignments["wuhan"]
    k = next(i for i, m in enumerate(a.measures) if m.counted and m.status == "omitted")
    evil = dataclasses.replace(a.measures[k], evidence='=HYPERLINK("http://x")')
    a = dataclasses.replace(a, measures=(*a.measures[:k], evil, *a.measures[k + 1 :]))
    buf = io.BytesIO()
    write_matrix([a], buf)
    buf.seek(0)
    wb = load_workbook(buf)
    cells = [c for row in wb["Gaps wuhan"].iter_rows() for c in row if c.value == '=HYPERLINK("http://x")']
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_gaps_cite_only_sentences_that_hold_part_of_the_measure(workbook, matrix_json) -> None:
    """A gap cites the plan sentence the engine found holding part of the measure, and nothing when none does:
    the merely most alike sentence (below the match floor) is never shown as if it matched."""
    _, wb = workbook
    plans, _ = matrix_json
    measures = {m["id"]: m for m in plans["wuhan"]["measures"]}
    rows = list(wb["Gaps wuhan"].iter_rows(values_only=True))
    header = rows[0]
    gaps = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert gaps
    for gap in gaps:
        matches = measures[gap["measure"]]["matches"]
        assert (gap["plan text"] or None) == (matches[0]["text"] if matches else None), gap["measure"]
    assert any(not g["plan text"] for g in gaps if g["status"] == "omitted")


def test_targets_sheet_shows_what_the_status_was_judged_on(workbook, matrix_json) -> None:
    _, wb = workbook
    plans, _ = matrix_json
    rows = list(wb["Targets"].iter_rows(values_only=True))
    header = rows[0]
    got = {(r[0], mid, r[header.index("verdict")]) for r in rows[1:] for mid in r[1].split(", ")}
    n1002 = next(m for m in plans["chongqing"]["measures"] if m["id"] == "N10.02")
    assert n1002["status"] == "strengthened"
    assert ("chongqing", "N10.02", "added") in got  # 装配式建筑占新建建筑比例 30% where the base has none
    assert ("wuhan", "N11.02", "equal") in got  # 农药利用率 43%, the national 43%


def test_existing_report_needs_force(tmp_path) -> None:
    out = tmp_path / "m.xlsx"
    out.write_bytes(b"keep me")
    result = runner.invoke(app, ["matrix", "--out", str(out), "--plans-dir", str(PLANS)])
    assert result.exit_code == 3
    assert result.stderr.strip() == f"error: {out}: file exists; use --force to overwrite it"
    assert out.read_bytes() == b"keep me"
    missing = tmp_path / "nope" / "m.xlsx"
    result = runner.invoke(app, ["matrix", "--out", str(missing), "--plans-dir", str(PLANS)])
    assert result.exit_code == 3 and "does not exist" in result.stderr


def test_overrides_pin_a_status_and_go_stale(tmp_path) -> None:
    for f in PLANS.glob("*.t*"):  # the texts and plans.toml
        shutil.copy(f, tmp_path / f.name)
    args = ["--plans-dir", str(tmp_path)]
    before = json.loads(runner.invoke(app, ["align", "wuhan", "--format", "json", *args]).stdout)
    target = next(m for m in before["measures"] if m["status"] == "omitted" and m["counted"])
    result = runner.invoke(
        app, ["override", "wuhan", target["id"], "adopted", "--note", "see WH04", "--by", "AB", *args]
    )
    assert result.exit_code == 0, result.output
    after = json.loads(runner.invoke(app, ["align", "wuhan", "--format", "json", *args]).stdout)
    pinned = next(m for m in after["measures"] if m["id"] == target["id"])
    assert pinned["status"] == "adopted" and "see WH04 (AB" in pinned["overridden"]
    assert after["summary"]["adopted"] == before["summary"]["adopted"] + 1
    raw = json.loads(runner.invoke(app, ["align", "wuhan", "--format", "json", "--no-overrides", *args]).stdout)
    assert raw["summary"] == before["summary"]
    # the measure's text changes: the override is reported, not applied
    path = tmp_path / "wuhan.overrides.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(target["text"], "旧的文本。"), encoding="utf-8")
    stale = runner.invoke(app, ["align", "wuhan", "--format", "json", *args])
    assert json.loads(stale.stdout)["summary"] == before["summary"]
    assert f"override of {target['id']} for wuhan: the measure's text changed" in stale.stderr
    bad = runner.invoke(app, ["override", "wuhan", "N99.01", "adopted", "--note", "x", *args])
    assert bad.exit_code == 2 and "no measure 'N99.01'" in bad.stderr


def test_shipped_plans_carry_no_overrides() -> None:
    assert not list(PLANS.glob("*.overrides.*"))


@pytest.mark.slow  # a bash loop starting one jtcompare process per plan; .ci/run runs it with -m slow
def test_readme_shell_loop_writes_one_report_per_plan(tmp_path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    loop = re.search(r"<!-- shell-loop.*?```sh\n(.*?)```", readme, re.S)
    assert loop, "README has no shell-loop example"
    bindir = Path(sys.executable).parent  # the venv the tests run in has the jtcompare script
    assert (bindir / "jtcompare").exists(), "jtcompare is not installed in this environment"
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "JTCOMPARE_PLANS_DIR": str(PLANS)}
    script = loop.group(1)
    subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, check=True, timeout=300)
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [f"{c}-gaps.xlsx" for c in sorted(CITIES)]


def test_workbook_opens_in_libreoffice(workbook, tmp_path) -> None:
    need("calc")  # probed first: converting a workbook to CSV where LibreOffice has no Calc waits, not fails
    path, _ = workbook
    result = convert([path], tmp_path, "csv", timeout=180)
    assert result.returncode == 0, result.stderr
    csv_text = (tmp_path / "matrix.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("plan,name,kind")
    assert "chongqing" in csv_text


def test_reports_get_ordinary_permissions(tmp_path) -> None:
    out = tmp_path / "cq.md"
    invoke("report", "chongqing", "--out", str(out))
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_jobs_give_the_same_matrix_as_one_process() -> None:
    one = invoke("matrix", "--format", "csv").stdout
    two = invoke("matrix", "--format", "csv", "--jobs", "2").stdout
    assert one == two


def test_cache_is_keyed_by_content_and_safe_to_break(tmp_path, monkeypatch) -> None:
    from jtcompare.plans.cache import cache_dir

    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(tmp_path / "cache"))
    cold = invoke("align", "wuhan", "--format", "json").stdout
    files = list(cache_dir().glob("*.pickle"))
    assert len(files) == 2  # national and wuhan
    for f in files:
        f.write_bytes(b"garbage")
    assert invoke("align", "wuhan", "--format", "json").stdout == cold
    assert invoke("align", "wuhan", "--format", "json", "--no-cache").stdout == cold


def test_a_plan_named_twice_is_compared_once() -> None:
    data = json.loads(invoke("matrix", "wuhan", "武汉", "--format", "json").stdout)
    assert [row["plan"] for row in data["summary"]] == ["wuhan"]


def test_nothing_to_compare_is_an_error(tmp_path) -> None:
    shutil.copy(PLANS / "national.txt", tmp_path / "national.txt")
    toml = (PLANS / "plans.toml").read_text(encoding="utf-8").split("[chongqing]")[0]
    (tmp_path / "plans.toml").write_text(toml, encoding="utf-8")
    result = runner.invoke(app, ["matrix", "--plans-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no plans to compare with 'national'")


def test_unwritable_target_is_a_write_error(tmp_path) -> None:
    result = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(PLANS), "--out", "/proc/jt.md"])
    assert result.exit_code == 3
    assert result.stderr.strip() == "error: /proc/jt.md: cannot write (No such file or directory)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check-below", "-5"], "setting 'check_below' must be between 0 and 1, not -5.0"),
        (["--check-below", "1.5"], "setting 'check_below' must be between 0 and 1, not 1.5"),
    ],
)
def test_nonsense_settings_are_refused(args, message) -> None:
    result = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(PLANS), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_report_refuses_a_format_it_cannot_write(tmp_path) -> None:
    result = runner.invoke(app, ["report", "wuhan", "--plans-dir", str(PLANS), "--out", str(tmp_path / "r.txt")])
    assert result.exit_code == 2 and "this command does not write table" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "md"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_note_every_plan_shares_is_said_once(fmt, lang) -> None:
    """The same national measures do not apply to any of the three cities: the note says so once, for every
    plan, rather than three times; a note of one plan (chengdu's kind and date) still names it."""
    out = runner.invoke(
        app, ["matrix", "--format", fmt, "--lang", lang, "--plans-dir", str(PLANS)], env={"COLUMNS": "200"}
    ).stdout
    notes = re.split(r"\n(?:! |- )", "\n" + out.replace("\n  ", " "))[1:]  # each note on one line
    shared = [n for n in notes if "national measures do not apply" in n or "项国家措施不适用" in n]
    assert len(shared) == 1, notes
    every = label("caveat.every_plan", lang)
    assert every in shared[0] and not any(name in shared[0] for name in ("重庆市", "武汉市", "成都市"))
    assert sum("成都市" in n for n in notes) == 2  # another kind, no date


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_note_some_plans_share_names_them(lang) -> None:
    from jtcompare.report.caveats import Caveat, said_once

    values = {"n": "2", "regional": "N06.05", "central": "-", "kind": "k", "base_kind": "b"}
    found = [
        Caveat("not_applicable", "wuhan", {**values, "name": "武汉市"}),
        Caveat("no_date", "chengdu", {**values, "name": "成都市"}),
        Caveat("not_applicable", "chengdu", {**values, "name": "成都市"}),
    ]
    said = said_once(found, 3, lang)
    assert len(said) == 2
    listed = {"en": "For 武汉市 and 成都市, the same 2 national", "zh": "武汉市、成都市的方案都有同样的 2 项"}[lang]
    assert said[0].startswith(listed)
    assert said[1] == found[1].text(lang)  # one plan's note as ever
    assert said_once(found[:1], 3, lang) == [found[0].text(lang)]


def test_the_matrix_workbook_says_a_shared_note_once(tmp_path) -> None:
    out = tmp_path / "matrix.xlsx"
    invoke("matrix", "--out", str(out))
    cells = [str(c.value) for row in load_workbook(out).worksheets[0].iter_rows() for c in row if c.value]
    assert sum("national measures do not apply" in c for c in cells) == 1


def test_the_terminal_matrix_marks_only_what_sets_a_plan_apart() -> None:
    """Every row's 注意 read 有不适用措施 (the same 9 measures for each) and chengdu's 类型不同、无… was cut: the column
    now leaves out what the note under the table says once for every plan."""
    result = runner.invoke(app, ["matrix", "--lang", "zh", "--plans-dir", str(PLANS)], env={"COLUMNS": "200"})
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith(("重庆", "武汉", "成都"))}
    assert "有不适用措施" not in result.stdout.split("\n\n")[0]
    assert rows["成都市"].rstrip().endswith("类型不同、无日期") and not rows["武汉市"].rstrip().endswith("措施")
    assert "! 每个方案都有同样的 9 项国家措施不适用" in result.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", [50, 60, 80])
def test_notes_wrap_to_a_narrow_terminal_between_ids_never_inside_one(lang, columns) -> None:
    """The notes under the matrix and an alignment fit the terminal, and a line breaks between the ids they list
    (N09.04、N10.03), never inside one, and never puts a closing mark (。、）) at the start of a line."""
    from jtcompare.report.layout import cells

    for args in (["matrix"], ["align", "chengdu"]):
        result = runner.invoke(
            app, [*args, "--lang", lang, "--plans-dir", str(PLANS)], env={"COLUMNS": str(columns), "NO_COLOR": "1"}
        )
        assert result.exit_code == 0, result.output
        notes = [line for line in result.stdout.splitlines() if line.startswith(("! ", "  ")) and "|" not in line]
        assert notes, args
        for line in notes:
            assert cells(line) <= columns, line
            assert not re.match(r"\s*[，。、；：？！）」』”’》〉]", line), line
        ids = re.compile(r"N\d\d\.\d\d")
        whole = re.sub(r"\n  ", "", "\n".join(notes))  # the notes as one text: where a line was broken, joined
        assert [i for line in notes for i in ids.findall(line)] == ids.findall(whole)
