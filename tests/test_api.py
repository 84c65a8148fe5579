"""The Python API (jtcompare.Library) answers as the command line does, since the command line stands on it; its
docstring's examples run as shown."""

from __future__ import annotations

import doctest
import json
import tomllib
from pathlib import Path

import jtcompare
import jtcompare.api
import pandas as pd
import pytest
from jtcompare.cli.main import app
from jtcompare.match.results import STATUSES
from typer.testing import CliRunner

from tests.conftest import ROOT, copy_library

runner = CliRunner()


def test_the_api_docstring_examples_run_as_shown() -> None:
    failed, tried = doctest.testmod(jtcompare.api, optionflags=doctest.ELLIPSIS)
    assert tried >= 8 and failed == 0


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> jtcompare.Library:
    return jtcompare.Library(copy_library(tmp_path_factory.mktemp("api") / "plans"))


def test_an_alignment_and_its_frame_say_what_align_says(lib) -> None:
    a = lib.align("chongqing", "national")
    df = a.to_frame()
    assert len(df) == len(a.measures) == 157 and df.index[0] == a.measures[0].measure.id
    cli = json.loads(
        runner.invoke(app, ["align", "chongqing", "--format", "json", "--plans-dir", str(lib.path)]).stdout
    )
    shown = {m["id"]: m for m in cli["measures"]}
    assert df["status"].to_dict() == {k: m["status"] for k, m in shown.items()}
    partial = df[df["status"] == "partial"].iloc[0]
    assert 0 < partial["key_units_covered"] < partial["key_units_total"] and partial["units_missing"]


def test_the_matrix_frame_is_the_coverage_matrix(lib) -> None:
    m = lib.matrix("national")
    wide = m.to_frame()
    assert list(wide.columns) == ["chongqing", "wuhan", "chengdu"] and len(wide) == 157
    for plan in wide.columns:
        assert wide[plan].to_dict() == lib.align(plan).to_frame()["status"].to_dict()
    summary = m.summary_frame()
    assert summary.loc["wuhan", "coverage"] == pytest.approx(lib.align("wuhan").coverage, abs=5e-4)
    # the row every report's summary has: chengdu's plan is of another kind, with no date, and says so
    assert summary.loc["chengdu", "kind"] != summary.loc["wuhan", "kind"] and summary.loc["chengdu", "date"] == ""
    assert {"kind", "no_date"} <= set(summary.loc["chengdu", "caveats"].split(";"))
    assert not {"kind", "no_date"} & set(summary.loc["wuhan", "caveats"].split(";"))
    assert summary.loc["wuhan", "overridden"] == 0 and summary.loc["wuhan", "flagged"] > 0
    assert len(m.to_frame(long=True)) == 3 * 157
    # counting the statuses of the action measures gives the summary's counts (framing rows have a status too)
    counted = m.to_frame(framing=False).apply(lambda column: column.value_counts())
    for plan in wide.columns:
        assert {s: int(n) for s, n in counted[plan].items() if n} == {
            s: int(summary.loc[plan, s]) for s in STATUSES if summary.loc[plan, s]
        }


def test_a_notebook_sees_short_results_sortable_statuses_and_every_column_it_joins_on(lib, tmp_path) -> None:
    """What a notebook shows of a result is a line, not the plans' texts; statuses sort in their order, not
    alphabetically; a frame has the chapter as the SQLite export writes it and the evidence line; one plan may be
    given as a string; the package offers Library to tab completion."""
    a = lib.align("wuhan")
    counts = ", ".join(f"{s}={n}" for s, n in a.counts().items())
    assert repr(a) == f"Alignment(plan='wuhan', base='national', {counts}, coverage={a.coverage:.3f})"
    assert repr(a.plan) == "Plan(id='wuhan', name='武汉市', clauses=27, measures=160)"
    df = a.to_frame()
    assert list(df.sort_values("status")["status"].drop_duplicates()) == [
        s for s in ("adopted", "strengthened", "partial", "omitted", "not_applicable") if s in set(df["status"])
    ]
    assert df.loc["N09.04", "chapter"] == "四、突出重点领域" and df.loc["N09.04", "status"] == "not_applicable"
    assert (df["evidence"] == [m.evidence for m in a.measures]).all()
    assert df["engine_confidence"].dtype == df["confidence"].dtype == "float64"  # no override: all empty, still float
    # a measure that does not apply counts no unit anywhere: no 1/2 in its evidence, a share of 0, 0 of 0
    off = df[df["status"] == "not_applicable"]
    assert len(off) and not off["evidence"].str.contains("key units covered").any()
    assert (off["score"] == 0).all() and (off["key_units_total"] == 0).all() and (off["units_missing"] == "").all()
    assert not df["units_missing"].str.contains(r"[,，;；。] \||[,，;；。]$").any()  # no trailing commas
    m = lib.matrix(plans="wuhan")
    assert m.plans == ("wuhan",) and len(repr(m)) < 100
    lib.export_sqlite(tmp_path / "one.db", plans="wuhan")
    import sqlite3

    with sqlite3.connect(tmp_path / "one.db") as db:
        assert db.execute("SELECT DISTINCT plan FROM judgements").fetchall() == [("wuhan",)]
        chapter = db.execute("SELECT chapter FROM measures WHERE plan = 'national' AND id = 'N09.04'").fetchone()
    assert chapter == (df.loc["N09.04", "chapter"],)
    assert "Library" in dir(jtcompare)
    # results are values: they key a dict or sit in a set, and equal ones hash alike
    again = lib.align("wuhan")
    assert again == a and len({a, again, lib.align("chongqing")}) == 2
    assert hash(m) == hash(lib.matrix(plans="wuhan")) and len({m, lib.matrix(plans="chengdu")}) == 2


def test_import_plan_with_a_province_writes_it_and_region_bound_measures_follow_it(lib) -> None:
    source = ROOT / "tests" / "fixtures" / "wuhan-plan.docx"
    done = lib.import_plan(source, id="xiangyang", name="襄阳市", province="湖北")
    assert done.meta.id == "xiangyang"
    entry = tomllib.loads((lib.path / "plans.toml").read_text(encoding="utf-8"))["xiangyang"]
    assert entry["province"] == "湖北" and entry["name"] == "襄阳市"
    # the same text as wuhan's, in the same province: the same measures are bound to regions it lies outside
    mine, wuhan = lib.align("xiangyang").to_frame(), lib.align("wuhan").to_frame()
    assert (mine["status"] == "not_applicable").sum() == (wuhan["status"] == "not_applicable").sum() > 0


def test_a_province_that_is_not_a_chinese_name_is_refused_in_one_line(lib) -> None:
    from jtcompare.errors import BadOption

    with pytest.raises(BadOption, match=r"^province='Hubei' must be a province's Chinese name"):
        lib.import_plan(ROOT / "tests" / "fixtures" / "wuhan-plan.docx", id="x", name="襄阳市", province="Hubei")


def test_errors_in_python_name_the_arguments_and_on_the_command_line_the_options(lib, tmp_path) -> None:
    """A notebook is told what to pass (id=, force=True), the shell what to type (--id, --force): one engine."""
    from jtcompare.errors import BadOption, JtError

    plan = ROOT / "tests" / "fixtures" / "wuhan-plan.docx"
    lib.import_plan(plan, id="shiyan", name="十堰市", province="湖北")
    tried = {
        "^id='Bad id!' must be a-z": lambda: lib.import_plan(plan, id="Bad id!"),
        "give another id=, or force=True to replace it": lambda: lib.import_plan(plan, id="shiyan"),
        "^max_size='lots' is not a size": lambda: lib.import_plan(plan, id="y", max_size="lots"),
        "^setting 'check_below' must be between 0 and 1, not 2": lambda: jtcompare.Library(check_below=2),
        "name another plan or base=$": lambda: lib.align("national"),
        r"see Library\(\)\.plan\('national'\)\.measures\)$": lambda: lib.framing("N99.01"),
    }
    for said, call in tried.items():
        with pytest.raises(JtError, match=said) as caught:
            call()
        assert "--" not in str(caught.value)
    shell = runner.invoke(app, ["import", str(plan), "--id", "Bad id!", "--plans-dir", str(lib.path)])
    assert "--id 'Bad id!' must be a-z" in shell.output and shell.exit_code == 2
    with pytest.raises(BadOption, match=r"^id='Bad id!'"):  # and the command line's wording stays with it
        lib.import_plan(plan, id="Bad id!")


def test_the_default_library_is_the_shipped_one_until_you_write(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JTCOMPARE_HOME", str(tmp_path))
    lib = jtcompare.Library()
    assert "shipped with jtcompare" in lib.describe()
    pinned = lib.override("wuhan", "N10.02", "omitted", note="checked")
    assert lib.path == Path(tmp_path) / "plans" and lib.describe().endswith("(yours)")
    assert lib.align("wuhan").to_frame().loc["N10.02", "overridden"].startswith("checked")
    assert pinned.path == lib.path / "wuhan.overrides.csv" and not pinned.confirmed and not pinned.framing


def test_a_new_version_of_a_plan_keeps_what_the_curator_wrote_and_its_region_bound_cells(tmp_path) -> None:
    lib = jtcompare.Library(copy_library(tmp_path / "plans"))
    before = lib.find("wuhan")
    assert before.province and before.issuers  # written into plans.toml by hand: no file carries them
    was = lib.align("wuhan").to_frame()
    done = lib.import_plan(lib.path / "wuhan.txt", id="wuhan", force=True)
    after = lib.find("wuhan")
    assert (after.province, after.issuers) == (before.province, before.issuers)
    now = lib.align("wuhan").to_frame()
    assert (now["status"] == "not_applicable").equals(was["status"] == "not_applicable")
    assert lib.moved_cells(done) == ("national", [])  # the same text: no cell moves


def test_a_notebook_aligning_again_over_a_fresh_cache_does_not_tokenise_again(tmp_path, monkeypatch) -> None:
    """Tokens of the plans this process has matched stay in memory: a second alignment over an empty cache
    folder (a notebook pointed elsewhere, every test of its own) gives the same judgement without jieba."""
    from jtcompare.match import scoring

    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(tmp_path / "first"))
    first = jtcompare.Library().align("wuhan", "national", use_cache=False)

    def no_jieba(text: str) -> tuple[str, ...]:
        raise AssertionError(f"tokenised again: {text[:20]}")

    monkeypatch.setattr(scoring, "tokens_of", no_jieba)
    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(tmp_path / "second"))
    again = jtcompare.Library().align("wuhan", "national", use_cache=False)
    assert [(m.measure.id, m.status) for m in again.measures] == [(m.measure.id, m.status) for m in first.measures]


def test_a_corrected_cell_keeps_the_engines_call_and_confidence_for_agreement_studies(tmp_path) -> None:
    """A researcher measuring the engine against analysts needs how sure the engine was of the calls they changed."""
    lib = jtcompare.Library(copy_library(tmp_path / "plans"))
    engine = lib.align("chengdu", overrides=False).to_frame()
    mid = next(m for m in engine.index if engine.loc[m, "status"] == "partial" and engine.loc[m, "counted"])
    lib.override("chengdu", mid, "omitted", note="再核对")
    cell = lib.align("chengdu").to_frame().loc[mid]
    assert (cell["status"], cell["engine_status"]) == ("omitted", "partial")
    assert pd.isna(cell["confidence"]) and cell["engine_confidence"] == engine.loc[mid, "confidence"]
    aligned = runner.invoke(app, ["align", "chengdu", "--format", "json", "--plans-dir", str(lib.path)])
    shown = json.loads(aligned.stdout)
    assert next(m for m in shown["measures"] if m["id"] == mid)["engine_confidence"] == engine.loc[mid, "confidence"]


def test_a_script_gets_the_ids_of_the_overrides_gone_stale(tmp_path) -> None:
    """`stale` says why in a sentence; `stale_measures` gives the measures, as SQLite's overrides.applied does."""
    import csv

    lib = jtcompare.Library(copy_library(tmp_path / "plans"))
    lib.override("wuhan", "N08.01", "omitted", note="再核对")
    lib.override("wuhan", "N08.02", "omitted", note="再核对")
    assert lib.align("wuhan").stale_measures == ()
    path = lib.path / "wuhan.overrides.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        pinned = list(csv.DictReader(fh))
    pinned[1]["text"] = "另一句原文"  # N08.02 was reviewed on another text: it no longer applies
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(pinned[0]))
        w.writeheader(), w.writerows(pinned)
    a = lib.align("wuhan")
    assert a.stale_measures == ("N08.02",) and len(a.stale) == 1 and "N08.02" in a.stale[0]
