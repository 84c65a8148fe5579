"""The frozen calibration / held-out split, and labelling a new city blind into the held-out part."""

from __future__ import annotations

import csv
import re

import pytest
from jtcompare.plans.registry import open_library

from benchmarks import label_sheet
from benchmarks.evaluate import (
    CALIBRATION,
    HELDOUT,
    UNITS_CALIBRATION,
    UNITS_HELDOUT,
    held_out_measures,
    is_held_out,
    read_labels,
)
from tests.conftest import ROOT, copy_library


def test_every_labelled_row_sits_on_its_side_of_the_split() -> None:
    calibration, heldout = read_labels(CALIBRATION), read_labels(HELDOUT)
    assert not [(r.plan, r.measure) for r in calibration if is_held_out(r.plan, r.measure)]
    assert not [(r.plan, r.measure) for r in heldout if not is_held_out(r.plan, r.measure)]
    held = held_out_measures()
    labelled = {r.measure for r in calibration + heldout}
    assert held <= labelled and len(held) == round(len(labelled) / 3)  # a third of the measures, drawn once
    for path, side in ((UNITS_CALIBRATION, False), (UNITS_HELDOUT, True)):
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert rows and all((r["measure"] in held) == side for r in rows), path


def test_every_held_out_measure_is_held_out_in_every_city() -> None:
    held = held_out_measures()
    rows = read_labels(HELDOUT)
    assert {r.measure for r in rows} == held
    assert all(is_held_out(city, m) for city in ("chongqing", "wuhan", "chengdu") for m in held)
    assert all(is_held_out("shanghai", m) for m in ("N04.01", "N08.03", "N29.02"))  # a new city: all of it


# Where a held-out measure may be named: the labels themselves, the table of measures that apply only in some
# regions or only to the central government (read from the national sentence alone, never from a city's plan or
# a label: compare/match/data/applicability.csv), and the README/RESULTS that report the figures.
NAMING_ALLOWED = {"applicability.csv"}
SCANNED = ("compare", "cli", "benchmarks", "tests")


def test_no_rule_lexicon_entry_parameter_or_test_names_a_held_out_measure() -> None:
    """Tuning on a held-out measure leaks it: a rule, a lexicon entry (with its comment), a fitted parameter or a
    test that names one is a defect, whatever it does."""
    held = held_out_measures()
    pattern = re.compile(r"N\d\d\.\d\d")
    named = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or path.suffix not in (".py", ".txt", ".toml", ".csv", ".json", ".html", ".js"):
                continue
            if "labels" in path.parts or path.name in NAMING_ALLOWED or "__pycache__" in path.parts:
                continue
            if ".work" in path.parts:  # the benchmark's scratch (git-ignored): its outputs name every measure
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            named += [f"{path.relative_to(ROOT)}: {m}" for m in sorted(set(pattern.findall(text)) & held)]
    assert not named, named


@pytest.fixture
def library(tmp_path, monkeypatch):
    """The shipped library plus `newcity`, a fourth plan (wuhan's text under another id and prefix)."""
    folder = copy_library(tmp_path / "plans")
    (folder / "newcity.txt").write_bytes((folder / "wuhan.txt").read_bytes())
    with (folder / "plans.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[newcity]\nname = "新城市"\nlevel = "city"\nkind = "减污降碳协同增效实施方案"\n'
            'title = "新城市减污降碳协同增效实施方案"\nfile = "newcity.txt"\nprefix = "NC"\nprovince = "湖北"\n'
        )
    monkeypatch.setenv("JTCOMPARE_PLANS_DIR", str(folder))
    return folder


def _fill(path, rows_done):
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        r.update(rows_done.get(r["base_measure"], {"status": "omitted", "reason": "not in the plan"}))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=label_sheet.SHEET_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_a_blank_sheet_holds_the_labelled_measures_and_nothing_of_the_engine(library, tmp_path, capsys) -> None:
    out = tmp_path / "newcity.csv"
    assert label_sheet.main(["new", "newcity", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    measures = {r.measure for r in read_labels(CALIBRATION) + read_labels(HELDOUT)}
    assert {r["base_measure"] for r in rows} == measures
    assert all(r["plan"] == "newcity" and not r["status"] and not r["plan_clauses"] for r in rows)
    national = {m.id: m.text for m in open_library().load("national").measures}
    assert all(r["national_text"] == national[r["base_measure"]] for r in rows)  # the sentence to judge
    assert f"{len(rows)} measures to judge" in capsys.readouterr().err
    assert label_sheet.main(["new", "newcity", "--out", str(out)]) == 2  # a filled sheet is never overwritten


def test_a_filled_sheet_is_checked_then_appended_to_the_held_out_part(library, tmp_path, capsys) -> None:
    sheet, target = tmp_path / "newcity.csv", tmp_path / "heldout.csv"
    target.write_bytes(HELDOUT.read_bytes())
    label_sheet.main(["new", "newcity", "--out", str(sheet)])
    rows = _fill(sheet, {"N04.02": {"status": "adopted", "plan_clauses": "NC03", "reason": "NC03 纳入三线一单"}})
    assert label_sheet.add(sheet, target) == len(rows)
    added = [r for r in read_labels(target) if r.plan == "newcity"]
    assert len(added) == len(rows) and read_labels(target)[: -len(rows)] == read_labels(HELDOUT)
    assert next(r for r in added if r.measure == "N04.02").plan_clauses == ("NC03",)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"status": "taken"}, "status 'taken' is not one of"),
        ({"status": "adopted", "plan_clauses": "", "reason": "x"}, "adopted needs a plan clause"),
        ({"status": "omitted", "plan_clauses": "NC03", "reason": "x"}, "omitted needs no plan clause"),
        ({"status": "adopted", "plan_clauses": "NC99", "reason": "x"}, "NC99 is not a clause of newcity"),
        ({"status": "omitted", "reason": " "}, "the reason is empty"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_added(library, tmp_path, capsys, edit, message) -> None:
    sheet, target = tmp_path / "newcity.csv", tmp_path / "heldout.csv"
    target.write_bytes(HELDOUT.read_bytes())
    label_sheet.main(["new", "newcity", "--out", str(sheet)])
    _fill(sheet, {"N04.02": {"plan_clauses": "", **edit}})
    with pytest.raises(label_sheet.SheetError, match=message) as err:
        label_sheet.add(sheet, target)
    assert str(err.value).startswith(f"{sheet}:")
    assert target.read_bytes() == HELDOUT.read_bytes()


def test_a_city_already_labelled_gets_no_sheet(library, capsys) -> None:
    assert label_sheet.main(["new", "wuhan"]) == 2
    assert capsys.readouterr().err.strip() == "error: wuhan: already labelled (tests/labels/)"


def test_a_short_row_is_an_error_line_not_a_traceback(library, tmp_path, capsys) -> None:
    sheet = tmp_path / "newcity.csv"
    label_sheet.main(["new", "newcity", "--out", str(sheet)])
    _fill(sheet, {})
    lines = sheet.read_text(encoding="utf-8").splitlines()
    lines[3] = ",".join(lines[3].split(",")[:4])  # reason and national text cut off
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = HELDOUT.read_bytes()
    assert label_sheet.main(["add", str(sheet)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]  # after new's "wrote ..." line
    assert err == f"error: {sheet}:4: the reason is empty"
    assert HELDOUT.read_bytes() == before
