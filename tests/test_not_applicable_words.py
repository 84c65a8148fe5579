"""Why a national measure does not apply is said in the output's language: applicability.csv gives each reason in
Chinese (reason) and English (reason_en); every output in English carries the English reason, every output in
Chinese the Chinese one, for a region-bound and a central-only measure alike. JSON, data for programs, carries
the matcher's English line in every language. (The terminal table and the brief show no evidence.)"""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from jtcompare.cli.main import app
from jtcompare.match.regions import Applicability, table
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser
from typer.testing import CliRunner

from tests.conftest import PLANS

runner = CliRunner()
CITY = "wuhan"  # 湖北: outside every region the table names


def _rows() -> list[Applicability]:
    """A region-bound row and a central-only one (the central ones are picked, not named: they are held out)."""
    region = table()["N06.05"]  # 持续推进北方地区冬季清洁取暖
    central = next(r for r in table().values() if r.kind == "central")
    return [region, central]


ROWS = _rows()


def run(*args: str) -> str:
    result = runner.invoke(app, [*args, "--plans-dir", str(PLANS), "-q"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def said(lang: str, row: Applicability) -> tuple[str, str]:
    """(the reason the output must say, the one it must not) in `lang`."""
    return (row.reason_en, row.reason) if lang == "en" else (row.reason, row.reason_en)


def test_every_row_has_its_reason_in_both_languages() -> None:
    for row in table().values():
        assert row.reason and row.reason_en.isascii() and "; " not in row.reason_en, row.measure
        assert any("\u4e00" <= ch <= "\u9fff" for ch in row.reason), row.measure


def test_json_carries_the_english_reason_in_every_language() -> None:
    for lang in ("en", "zh"):
        measures = {m["id"]: m for m in json.loads(run("align", CITY, "--format", "json", "--lang", lang))["measures"]}
        for row in ROWS:
            m = measures[row.measure]
            assert m["status"] == "not_applicable"
            assert m["evidence"].endswith("; " + row.reason_en) and row.reason not in m["evidence"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_csv_and_markdown_say_the_reason_in_their_language(lang) -> None:
    rows = {r["measure"]: r for r in csv.DictReader(io.StringIO(run("align", CITY, "--format", "csv", "--lang", lang)))}
    md = run("align", CITY, "--format", "md", "--lang", lang).splitlines()
    for row in ROWS:
        wanted, unwanted = said(lang, row)
        evidence = rows[row.measure]["evidence"]
        assert evidence.endswith(wanted) and unwanted not in evidence
        line = next(x for x in md if x.startswith(f"| {row.measure} |"))
        assert wanted in line and unwanted not in line


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_workbooks_say_the_reason_in_their_language(tmp_path, lang) -> None:
    texts = []
    for args in (["report", CITY], ["matrix"]):
        out = tmp_path / f"{args[0]}.xlsx"
        run(*args, "--out", str(out), "--lang", lang)
        for ws in load_workbook(out).worksheets:
            for line in ws.iter_rows():
                texts += [str(c.value) for c in line if c.value is not None]
                texts += [c.comment.text for c in line if c.comment is not None]
    for row in ROWS:
        wanted, unwanted = said(lang, row)
        assert any(wanted in t for t in texts) and not any(unwanted in t for t in texts)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_view_says_the_reason_in_its_language(tmp_path, lang) -> None:
    page = tmp_path / "view.html"
    run("view", CITY, "--out", str(page), "--lang", lang)
    tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
    for row in ROWS:
        wanted, unwanted = said(lang, row)
        shown = tree.css_first(f'article[data-id="{row.measure}"]').text()
        assert wanted in shown and unwanted not in shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sqlite_says_the_reason_in_its_language(tmp_path, lang) -> None:
    db = tmp_path / "plans.db"
    run("export", CITY, "--format", "sqlite", "--out", str(db), "--lang", lang)
    with sqlite3.connect(db) as conn:
        found = dict(conn.execute("SELECT measure, evidence FROM judgements WHERE plan = ?", (CITY,)).fetchall())
    for row in ROWS:
        wanted, unwanted = said(lang, row)
        assert found[row.measure].endswith(wanted) and unwanted not in found[row.measure]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_view_names_the_region_in_its_language(tmp_path, lang) -> None:
    page = tmp_path / "view.html"
    run("view", CITY, "--out", str(page), "--lang", lang)
    tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
    lead = {"en": "applies only to:", "zh": "仅适用于："}[lang]
    central = {"en": "for the central government to carry out", "zh": "属中央事权，由国家层面实施"}[lang]
    for row in ROWS:
        notes = [n.text(deep=True).strip() for n in tree.css(f'article[data-id="{row.measure}"] .muted')]
        if row.kind == "central":  # no region to apply to: whose it is, said as such
            assert central in notes and not any(n.startswith(lead) for n in notes), notes
            continue
        line = next(n for n in notes if n.startswith(lead))
        assert line == f"{lead} {row.label_en if lang == 'en' else row.label}"


def test_an_overruled_not_applicable_cell_no_longer_says_why_it_does_not_apply(tmp_path) -> None:
    """An analyst who pins another status on a region-bound measure overrules the exemption: the view stops
    saying the measure applies only to that region (it said so beside the analyst's 'adopted')."""
    from tests.conftest import copy_library

    lib = copy_library(tmp_path / "plans")
    pinned = runner.invoke(
        app, ["override", CITY, "N06.05", "partial", "--note", "heats homes", "--plans-dir", str(lib)]
    )
    assert pinned.exit_code == 0, pinned.output
    page = tmp_path / "view.html"
    made = runner.invoke(app, ["view", CITY, "--out", str(page), "--lang", "en", "--plans-dir", str(lib)])
    assert made.exit_code == 0, made.output
    tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
    notes = [n.text(deep=True).strip() for n in tree.css('article[data-id="N06.05"] .muted')]
    assert notes and not any(n.startswith("applies only to:") for n in notes), notes


def test_a_plan_with_only_central_measures_not_applying_says_none_for_the_regions() -> None:
    """A plan whose province is not known has no region-bound measure left out, only central ones: its note read
    'bound to regions outside its province, -'."""
    from jtcompare.report.caveats import Caveat

    values = {"name": "某市", "kind": "k", "base_kind": "k", "n": "2", "regional": "-", "central": "N99.01、N99.02"}
    said = Caveat("not_applicable", "x", values)
    assert "outside its province, none; only the central government can carry them out, N99.01, N99.02" in said.text(
        "en"
    )
    assert "以外地区的 无；只能由中央实施的 N99.01、N99.02" in said.text("zh")
