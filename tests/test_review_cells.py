"""Review on every cell: the workbooks' review columns (agree, analyst status, note, by, review date) on every
sheet with a status a row, filled in with openpyxl as an analyst would, read back by `override --import` into the
overrides file with the reviewer and the date, and the re-aligned statuses."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from jtcompare.cli.main import app
from jtcompare.report.i18n import label
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import copy_library

runner = CliRunner()
REVIEW_KEYS = ("analyst_agree", "analyst_status", "analyst_note", "by", "analyst_date")


@pytest.fixture
def lib(tmp_path):
    return copy_library(tmp_path / "plans")


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _statuses(lib, plan: str) -> dict[str, dict]:
    return {
        m["id"]: m for m in json.loads(_run("align", plan, "--format", "json", "--plans-dir", str(lib)))["measures"]
    }


def _overrides(lib, plan: str) -> dict[str, dict]:
    with (lib / f"{plan}.overrides.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {row["measure"]: row for row in csv.DictReader(fh)}


def _titles(lang: str) -> list[str]:
    return [label(f"col.{k}", lang) for k in REVIEW_KEYS]


def test_every_sheet_with_a_status_a_row_has_the_review_columns(lib, tmp_path) -> None:
    out = tmp_path / "m.xlsx"
    _run("matrix", "--out", str(out), "--plans-dir", str(lib))
    wb = load_workbook(out, read_only=True)
    status = label("column.status", "en")
    legend = label("excel.sheet.legend", "en")  # its status column explains the words, it holds no cell
    with_status = [
        ws for ws in wb.worksheets if status in next(ws.iter_rows(max_row=1, values_only=True)) and ws.title != legend
    ]
    assert len(with_status) == 4  # three Gaps sheets and the Review sheet
    for ws in with_status:
        header = next(ws.iter_rows(max_row=1, values_only=True))
        assert set(_titles("en")) <= set(header), ws.title
    review = wb[label("excel.sheet.review", "en")]
    cells = sum(1 for row in review.iter_rows(min_row=2, values_only=True) if row[1])
    assert cells == 3 * len(_statuses(lib, "wuhan"))  # one row per plan x base measure


def test_a_reviewed_matrix_workbook_round_trips_with_reviewer_and_date(lib, tmp_path) -> None:
    before = _statuses(lib, "chengdu")
    out = tmp_path / "m.xlsx"
    _run("matrix", "--out", str(out), "--plans-dir", str(lib))
    wb = load_workbook(out)
    ws = wb[label("excel.sheet.review", "en")]
    header = [c.value for c in ws[1]]
    col = {k: header.index(label(f"col.{k}", "en")) + 1 for k in ("plan", "measure", *REVIEW_KEYS)}
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["plan"]).value == "chengdu"]
    counted = [r for r in rows if before[ws.cell(r, col["measure"]).value]["counted"]]
    agreed, corrected, disputed = counted[0], counted[1], counted[2]
    ids = {r: ws.cell(r, col["measure"]).value for r in (agreed, corrected, disputed)}
    other = next(s for s in ("omitted", "adopted") if s != before[ids[corrected]]["status"])
    ws.cell(agreed, col["analyst_agree"]).value = "yes"
    ws.cell(agreed, col["by"]).value = "LM"
    ws.cell(agreed, col["analyst_date"]).value = dt.date(2026, 11, 30)  # a date cell, as Excel stores a typed date
    ws.cell(corrected, col["analyst_agree"]).value = "no"
    ws.cell(corrected, col["analyst_status"]).value = label(f"status.{other}", "zh")
    ws.cell(corrected, col["analyst_note"]).value = "the plan says otherwise"
    ws.cell(corrected, col["by"]).value = "王芳"
    ws.cell(corrected, col["analyst_date"]).value = "2026/12/1"
    ws.cell(disputed, col["analyst_agree"]).value = "no"  # no corrected status: reported, not applied
    wb.save(out)

    result = runner.invoke(app, ["override", "--import", str(out), "--plans-dir", str(lib)])
    assert result.exit_code == 0, result.output
    assert "1 changed, 1 confirmed, 0 unchanged, 0 stale, 1 incomplete" in result.stdout
    assert f"incomplete: chengdu {ids[disputed]}: not agreed, but no corrected status" in result.stderr
    saved = _overrides(lib, "chengdu")
    assert set(saved) == {ids[agreed], ids[corrected]}
    assert (saved[ids[agreed]]["status"], saved[ids[agreed]]["by"], saved[ids[agreed]]["date"]) == (
        before[ids[agreed]]["status"],
        "LM",
        "2026-11-30",
    )
    assert (saved[ids[corrected]]["status"], saved[ids[corrected]]["by"], saved[ids[corrected]]["date"]) == (
        other,
        "王芳",
        "2026-12-01",
    )
    after = _statuses(lib, "chengdu")
    assert after[ids[corrected]]["status"] == other and after[ids[agreed]]["status"] == before[ids[agreed]]["status"]
    assert "王芳, 2026-12-01" in after[ids[corrected]]["overridden"]
    assert after[ids[disputed]] == before[ids[disputed]]

    again = _run("override", "--import", str(out), "--plans-dir", str(lib))  # the same file twice changes nothing
    assert "0 changed, 0 confirmed, 2 unchanged" in again


def test_two_sheets_that_correct_one_cell_differently_are_refused_and_nothing_is_written(lib, tmp_path) -> None:
    """A matrix workbook shows a gap on its plan's Gaps sheet and again on Review: two reviewers may fill both.
    Which status stands is no question the order of the sheets should answer."""
    out = tmp_path / "m.xlsx"
    _run("matrix", "--out", str(out), "--plans-dir", str(lib))
    wb = load_workbook(out)
    gaps, review = wb[f"{label('excel.sheet.gaps', 'en')} wuhan"], wb[label("excel.sheet.review", "en")]
    spots = {}
    for ws in (gaps, review):
        header = [c.value for c in ws[1]]
        col = {k: header.index(label(f"col.{k}", "en")) + 1 for k in ("measure", *REVIEW_KEYS)}
        plan_col = header.index(label("col.plan", "en")) + 1 if label("col.plan", "en") in header else None
        spots[ws.title] = (ws, col, plan_col)
    ws, col, _ = spots[gaps.title]
    measure = ws.cell(2, col["measure"]).value
    ws.cell(2, col["analyst_status"]).value = "omitted"
    ws, col, plan_col = spots[review.title]
    row = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, col["measure"]).value == measure and ws.cell(r, plan_col).value == "wuhan"
    )
    ws.cell(row, col["analyst_status"]).value = "adopted"
    wb.save(out)
    result = runner.invoke(app, ["override", "--import", str(out), "--plans-dir", str(lib)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"give wuhan {measure} two statuses (omitted, adopted); keep one" in line
    assert f"sheet {gaps.title}, row 2" in line and f"sheet {review.title}, row {row}" in line
    assert not (lib / "wuhan.overrides.csv").exists()  # nothing written
    zh = runner.invoke(app, ["override", "--import", str(out), "--plans-dir", str(lib), "--lang", "zh"])
    assert "两个判定（未采纳、采纳）" in zh.stderr and "武汉市" in zh.stderr


def test_a_chinese_report_workbook_round_trips_its_review_columns(lib, tmp_path) -> None:
    out = tmp_path / "wuhan.xlsx"
    _run("report", "wuhan", "--lang", "zh", "--out", str(out), "--plans-dir", str(lib))
    wb = load_workbook(out)
    ws = wb[label("excel.sheet.measures", "zh")]  # the report's full list: every cell of the plan
    header = [c.value for c in ws[1]]
    assert set(_titles("zh")) <= set(header)
    col = {k: header.index(label(f"col.{k}", "zh")) + 1 for k in ("measure", *REVIEW_KEYS)}
    row = 2
    ws.cell(row, col["analyst_agree"]).value = label("word.yes", "zh")
    ws.cell(row, col["by"]).value = "张三"
    ws.cell(row, col["analyst_date"]).value = "2026年12月2日"
    wb.save(out)
    _run("override", "--import", str(out), "--plans-dir", str(lib))
    saved = _overrides(lib, "wuhan")[ws.cell(row, col["measure"]).value]
    assert (saved["by"], saved["date"]) == ("张三", "2026-12-02")


def test_a_review_date_that_is_no_date_is_refused_naming_the_row(lib, tmp_path) -> None:
    review = tmp_path / "review.csv"
    review.write_text("plan,measure,analyst status,by,review date\nwuhan,N08.01,adopted,LM,next week\n")
    result = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert result.exit_code != 0
    line = next(ln for ln in result.output.splitlines() if "next week" in ln)
    assert line == f"error: {review}: row 2: review date 'next week' is not a date (write it as YYYY-MM-DD)"
    assert not (lib / "wuhan.overrides.csv").exists() or "N08.01" not in (lib / "wuhan.overrides.csv").read_text()
