"""`jtcompare export --format sqlite`: the database answers the questions the issue asks in one query each, agrees
with `align`, keeps its foreign keys, and is updated in place by a second export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.match.results import STATUSES
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import PLANS, ROOT, copy_library

runner = CliRunner()
CITIES = ["chongqing", "wuhan", "chengdu"]
OMITTED = "SELECT plan FROM judgements WHERE measure = ? AND status = 'omitted' ORDER BY plan"
TABLES = [
    "plans",
    "clauses",
    "measures",
    "units",
    "judgements",
    "unit_judgements",
    "targets",
    "local_additions",
    "overrides",
]


def export(out: Path, *args: str, plans_dir: Path = PLANS):
    return runner.invoke(app, ["export", "--format", "sqlite", "--out", str(out), "--plans-dir", str(plans_dir), *args])


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "plans.db"
    result = export(out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def aligned() -> dict[str, dict]:
    """What `align --format json` says for each city: measure id -> its JSON record."""
    found = {}
    for city in CITIES:
        result = runner.invoke(app, ["align", city, "national", "--format", "json", "--plans-dir", str(PLANS)])
        assert result.exit_code == 0, result.output
        found[city] = {m["id"]: m for m in json.loads(result.stdout)["measures"]}
    return found


def test_tables_hold_every_plan_and_judgement(shipped, aligned) -> None:
    assert [r[0] for r in rows(shipped, "SELECT id FROM plans ORDER BY id")] == sorted(["national", *CITIES])
    national = len(aligned["chongqing"])  # one judgement per base measure and city
    assert rows(shipped, "SELECT count(*) FROM measures WHERE plan = 'national'") == [(national,)]
    assert rows(shipped, "SELECT count(*) FROM judgements") == [(national * len(CITIES),)]
    roles = dict(rows(shipped, "SELECT role, count(*) FROM measures WHERE plan = 'national' GROUP BY role"))
    assert roles["action"] == 142  # the README's count of the national scheme's action measures
    units = rows(shipped, "SELECT measure, count(*) FROM units GROUP BY measure")
    assert dict(units) == {mid: len(m["units"]) for mid, m in aligned["wuhan"].items() if m["units"]}
    statuses = rows(shipped, "SELECT id, zh, en FROM statuses ORDER BY seq")
    assert [s[0] for s in statuses] == list(STATUSES)
    assert ("omitted", "未采纳", "omitted") in statuses  # the ids stay English; the words are the reports' own
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in zh) for _, zh, _ in statuses)
    # the target verdicts likewise: every verdict a target row holds is an id of the verdicts table, with the
    # workbook's words, and the sentences are English in an export without --lang
    verdicts = {v: (zh, en) for v, zh, en in rows(shipped, "SELECT id, zh, en FROM verdicts")}
    assert verdicts["not_in_plan"] == ("地方未设", "not in plan")
    assert {v for (v,) in rows(shipped, "SELECT DISTINCT verdict FROM targets")} <= set(verdicts)
    assert rows(shipped, "SELECT value FROM export_info WHERE name = 'lang'") == [("en",)]
    assert ("targets", "verdicts", "verdict", "id") in {
        ("targets", r[2], r[3], r[4]) for r in rows(shipped, "PRAGMA foreign_key_list(targets)")
    }


def test_every_judgement_agrees_with_align(shipped, aligned) -> None:
    sql = "SELECT plan, measure, status, key_units_covered || '/' || key_units_total, flagged FROM judgements"
    got = {(p, m): (s, units, bool(flag)) for p, m, s, units, flag in rows(shipped, sql)}
    want = {
        (p, mid): (m["status"], f"{m['key_units_covered']}/{m['key_units_total']}", m["flagged"])
        for p in CITIES
        for mid, m in aligned[p].items()
    }
    assert got == want


def test_each_units_call_and_the_sentence_covering_it_are_rows(shipped, aligned) -> None:
    """Which action units a city covered, by which of its sentences, is one join: the unit states agree with
    align's, a judgement's key units covered are its covered key unit rows, and every covering sentence is a
    measure of the city."""
    got = {
        (p, m, u): (state, by)
        for p, m, u, state, by in rows(shipped, "SELECT plan, measure, unit, state, covered_by FROM unit_judgements")
    }
    want = {
        (p, mid, k): (unit["state"], unit["covered_by"])
        for p in CITIES
        for mid, m in aligned[p].items()
        for k, unit in enumerate(m["units"], 1)
    }
    assert got == want
    counted = rows(
        shipped,
        "SELECT j.status, j.key_units_covered, (SELECT count(*) FROM unit_judgements u WHERE u.plan = j.plan "
        "AND u.base = j.base AND u.measure = j.measure AND u.key AND u.state = 'covered') FROM judgements j",
    )
    # a measure that does not apply counts no key unit: its units' calls are rows all the same
    assert all(a == (b if status != "not_applicable" else 0) for status, a, b in counted)
    assert any(b for status, _, b in counted if status == "not_applicable")
    texts = rows(
        shipped,
        "SELECT units.text, m.text FROM unit_judgements uj JOIN units USING (base, measure, unit) "
        "JOIN measures m ON m.plan = uj.plan AND m.id = uj.covered_by WHERE uj.plan = 'wuhan' AND uj.state = 'covered'",
    )
    assert len(texts) > 100 and all(unit and sentence for unit, sentence in texts)


def test_which_cities_omitted_a_measure_is_one_query(shipped, aligned) -> None:
    omitted = {mid for city in CITIES for mid, m in aligned[city].items() if m["status"] == "omitted" and m["counted"]}
    assert omitted, "no city omits any measure: the query below would prove nothing"
    # the measure most cities omit, but not all: the answer is a proper subset of the cities
    measure = max(
        sorted(omitted),
        key=lambda mid: (
            sum(aligned[c][mid]["status"] == "omitted" for c in CITIES) < len(CITIES),
            sum(aligned[c][mid]["status"] == "omitted" for c in CITIES),
        ),
    )
    want = sorted(c for c in CITIES if aligned[c][measure]["status"] == "omitted")
    assert [r[0] for r in rows(shipped, OMITTED, measure)] == want
    plan = rows(shipped, "EXPLAIN QUERY PLAN " + OMITTED, measure)
    assert any("judgements_measure_status" in str(step) for step in plan)  # an index, not a scan


def test_full_text_finds_chinese_inside_sentences(shipped) -> None:
    """FTS5's default tokenizer keeps a run of Chinese as one token and would find nothing; trigram does."""
    like = rows(shipped, "SELECT plan, id FROM measures WHERE text LIKE '%碳捕集%' ORDER BY plan, id")
    match = rows(
        shipped,
        "SELECT plan, id FROM measures WHERE rowid IN "
        "(SELECT rowid FROM measures_fts WHERE measures_fts MATCH '碳捕集') ORDER BY plan, id",
    )
    assert match == like
    assert {p for p, _ in match} >= {"national", "wuhan"}  # the base and a city both write it
    units = rows(shipped, "SELECT text FROM units_fts WHERE units_fts MATCH '碳捕集'")
    assert units and all("碳捕集" in text for (text,) in units)
    assert rows(shipped, "SELECT value FROM export_info WHERE name = 'full_text'") == [("trigram",)]


def test_foreign_keys_hold_and_are_declared(shipped) -> None:
    assert rows(shipped, "PRAGMA foreign_key_check") == []
    declared = {(t, r[2], r[3], r[4]) for t in TABLES for r in rows(shipped, f"PRAGMA foreign_key_list({t})")}
    assert ("judgements", "measures", "measure", "id") in declared
    assert ("judgements", "statuses", "status", "id") in declared
    assert ("measures", "clauses", "clause_id", "id") in declared
    # the reference is real: a judgement's evidence is a sentence of its own plan
    cited = rows(
        shipped,
        "SELECT count(*) FROM judgements j JOIN measures m ON m.plan = j.plan AND m.id = j.best_match "
        "WHERE j.best_match IS NOT NULL",
    )
    assert cited == rows(shipped, "SELECT count(*) FROM judgements WHERE best_match IS NOT NULL")


def test_reexport_updates_in_place(tmp_path) -> None:
    plans = copy_library(tmp_path / "plans")
    out = tmp_path / "plans.db"
    assert export(out, plans_dir=plans).exit_code == 0
    with sqlite3.connect(out) as conn:  # an analyst's own table and a row id to follow
        conn.execute("CREATE TABLE my_notes (plan TEXT, note TEXT)")
        conn.execute("INSERT INTO my_notes VALUES ('wuhan', '先看这里')")
    before = dict(rows(out, "SELECT measure, rowid FROM judgements WHERE plan = 'wuhan'"))
    wuhan = rows(out, "SELECT id, text FROM measures WHERE plan = 'wuhan' ORDER BY seq")
    # the library changes: chengdu leaves it, a wuhan sentence is deleted, an analyst pins a cell
    toml = (plans / "plans.toml").read_text(encoding="utf-8")
    start = toml.index("[chengdu]")
    end = toml.find("\n[", start + 1)
    (plans / "plans.toml").write_text(toml[:start] + (toml[end + 1 :] if end > 0 else ""), encoding="utf-8")
    gone_id = wuhan[-1][0]
    text = (plans / "wuhan.txt").read_text(encoding="utf-8").rstrip("\n")
    (plans / "wuhan.txt").write_text(text[: text.rindex("\n")] + "\n", encoding="utf-8")  # its last clause
    kept = [m.id for m in open_library(plans).load("wuhan", use_cache=False).measures]
    assert gone_id not in kept and len(kept) < len(wuhan)
    measure = next(iter(before))
    pin = ["override", "wuhan", measure, "omitted", "--note", "再核对", "--plans-dir", str(plans)]
    assert runner.invoke(app, pin).exit_code == 0
    other = list(before)[1]  # pinned on a text the base no longer has: stale, kept in the file, not applied
    assert runner.invoke(app, [*pin[:2], other, *pin[3:]]).exit_code == 0
    with (plans / "wuhan.overrides.csv").open(encoding="utf-8-sig", newline="") as fh:
        pinned_rows = list(csv.DictReader(fh))
    for row in pinned_rows:
        if row["measure"] == other:
            row["text"] = "另一句原文"
    with (plans / "wuhan.overrides.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(pinned_rows[0]))
        w.writeheader(), w.writerows(pinned_rows)

    result = export(out, plans_dir=plans)
    assert result.exit_code == 0, result.output
    assert rows(out, "SELECT id FROM plans ORDER BY id") == [("chongqing",), ("national",), ("wuhan",)]
    for table in ("clauses", "measures", "judgements", "targets", "local_additions"):
        assert rows(out, f"SELECT count(*) FROM {table} WHERE plan = 'chengdu'") == [(0,)], table
    assert [r[0] for r in rows(out, "SELECT id FROM measures WHERE plan = 'wuhan' ORDER BY seq")] == kept
    pinned = rows(out, "SELECT status, overridden FROM judgements WHERE plan = 'wuhan' AND measure = ?", measure)
    assert pinned[0][0] == "omitted" and pinned[0][1].startswith("再核对")
    pins = "SELECT measure, status, note, applied FROM overrides WHERE plan = 'wuhan' ORDER BY measure = ? DESC"
    (first, stale) = rows(out, pins, measure)
    assert first == (measure, "omitted", "再核对", 1) and (stale[0], stale[-1]) == (other, 0)
    after = dict(rows(out, "SELECT measure, rowid FROM judgements WHERE plan = 'wuhan'"))
    assert after == before  # upserted where they were, not deleted and inserted again
    assert rows(out, "SELECT note FROM my_notes") == [("先看这里",)]  # the file was updated, not replaced
    assert rows(out, "PRAGMA foreign_key_check") == []
    # the full-text index follows the rows: it finds what LIKE finds, the deleted sentence no more
    gone_text = dict(wuhan)[gone_id][:12]
    fts = rows(out, "SELECT count(*) FROM measures_fts WHERE measures_fts MATCH ?", f'"{gone_text}"')
    assert fts == rows(out, "SELECT count(*) FROM measures WHERE instr(text, ?)", gone_text)
    for table in ("measures", "clauses", "units"):  # rank 1: checks the index against the rows; raises if stale
        rows(out, f"INSERT INTO {table}_fts({table}_fts, rank) VALUES ('integrity-check', 1)")


def test_a_file_that_is_not_an_export_is_refused_in_one_line(tmp_path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("项目笔记\n", encoding="utf-8")
    result = export(notes)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "not a SQLite database" in lines[0] and str(notes) in lines[0]
    assert notes.read_text(encoding="utf-8") == "项目笔记\n"
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = export(other)
    assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1
    assert "not written by `jtcompare export`" in result.output
    assert rows(other, "SELECT name FROM sqlite_master") == [("t",)]
    folder = tmp_path / "folder.db"
    folder.mkdir()
    result = export(folder)
    assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1


def test_datasette_metadata_names_every_table_and_column(shipped) -> None:
    meta = json.loads((ROOT / "docs" / "datasette-metadata.json").read_text(encoding="utf-8"))
    tables = meta["databases"]["plans"]["tables"]
    assert set(tables) == {*TABLES, "statuses", "verdicts", "export_info", "coverage"}
    assert len({spec["title"] for spec in tables.values()}) == len(tables)  # no two pages of one title
    for table, spec in tables.items():
        columns = [r[1] for r in rows(shipped, f"PRAGMA table_info({table})")]
        assert set(spec["columns"]) == set(columns), table
        assert any("\u4e00" <= ch <= "\u9fff" for ch in spec["title"]), table


def test_a_measure_that_does_not_apply_leaves_no_target_unset_in_sql(shipped) -> None:
    """The targets table follows the reports' rule (MeasureResult.targets_not_set): a national target of a measure
    bound to another region is none the city left out."""
    sql = (
        "SELECT count(*) FROM targets t JOIN judgements j ON (j.plan, j.base, j.measure) = (t.plan, t.base, t.measure) "
        "WHERE j.status = ? AND t.verdict = 'not_in_plan'"
    )
    assert rows(shipped, sql, "not_applicable") == [(0,)] and rows(shipped, sql, "omitted")[0][0] > 0


def test_the_coverage_view_is_every_reports_summary_line(shipped) -> None:
    """Averaging the statuses of judgements counts framing measures (they have a status) and gets another figure
    than the tool's; the view counts as the reports do."""
    import jtcompare

    summary = jtcompare.Library(PLANS).matrix("national").summary_frame()
    keys = ["adopted", "strengthened", "partial", "omitted", "not_applicable", "measures", "flagged", "overridden"]
    found = rows(shipped, f"SELECT plan, coverage, local, {', '.join(keys)} FROM coverage WHERE base = 'national'")
    assert {r[0] for r in found} == set(summary.index) == set(CITIES)
    for plan, coverage, local, *counts in found:
        assert counts == [int(summary.loc[plan, k]) for k in keys], plan
        assert coverage == pytest.approx(summary.loc[plan, "coverage"], abs=5e-4)
        assert local == summary.loc[plan, "local"]
    naive = rows(
        shipped,
        "SELECT sum((status IN ('adopted', 'strengthened')) + 0.5 * (status = 'partial')) * 1.0 / sum(counted) "
        "FROM judgements WHERE plan = 'wuhan'",
    )[0][0]
    assert naive > summary.loc["wuhan", "coverage"] + 0.02  # what the view is for


def test_the_coverage_view_holds_when_a_base_is_also_exported_as_a_plan(shipped, tmp_path) -> None:
    """national compared with wuhan wrote national's measures again as a plan's, without roles: the view lost
    every not_applicable count. A plan's rows leave a base's roles as they are."""
    import shutil

    out = tmp_path / "both.db"
    shutil.copy(shipped, out)
    done = export(out, "national", "--base", "wuhan")
    assert done.exit_code == 0, done.output
    counts = rows(out, "SELECT plan, not_applicable, measures FROM coverage WHERE base = 'national' ORDER BY plan")
    assert counts == [(c, 9, 133) for c in sorted(CITIES)]
    assert rows(out, "SELECT count(*) FROM measures WHERE plan = 'national' AND role IS NULL") == [(0,)]


def test_an_export_without_overrides_says_nothing_of_whether_they_apply(tmp_path) -> None:
    """`applied` 0 means gone stale; an export made with --no-overrides judged without them, so it leaves it
    empty, and the next export with them fills it in again."""
    from tests.conftest import copy_library

    lib = copy_library(tmp_path / "plans")
    pin = ["override", "wuhan", "N04.01", "adopted", "--note", "WH02 有", "--plans-dir", str(lib)]
    assert runner.invoke(app, pin).exit_code == 0
    out = tmp_path / "o.db"
    assert export(out, "wuhan", "--no-overrides", plans_dir=lib).exit_code == 0
    assert rows(out, "SELECT measure, applied FROM overrides") == [("N04.01", None)]
    assert export(out, "wuhan", plans_dir=lib).exit_code == 0
    assert rows(out, "SELECT measure, applied FROM overrides") == [("N04.01", 1)]


def test_no_copy_left_behind(tmp_path) -> None:
    out = tmp_path / "plans.db"
    assert export(out, "wuhan").exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["plans.db"]  # the working copy was renamed into place
    assert rows(out, "SELECT DISTINCT plan FROM judgements") == [("wuhan",)]


def test_readme_queries_run_and_answer(shipped, aligned) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- sql: tests/test_export_sqlite.py")[1].split("```sql\n")[1].split("```")[0]
    omitted, search = (q.strip() for q in block.split(";") if q.strip())
    measure = omitted.split("measure = '")[1].split("'")[0]
    want = sorted(c for c in CITIES if aligned[c][measure]["status"] == "omitted")
    assert want, f"the README's example {measure} is omitted by no city any more: pick another"
    assert sorted(r[0] for r in rows(shipped, omitted)) == want
    found = rows(shipped, search)
    assert found and all("碳捕集" in text for *_, text in found)


def test_an_update_in_another_language_is_refused_unless_every_plan_is_written_again(tmp_path) -> None:
    """A database exported in Chinese, updated for one plan in English, held wuhan's evidence in English beside
    the others' Chinese under export_info.lang = en. That is refused in one line, the file as it was; every plan
    written again in the new language is a whole new language, and allowed."""
    db = tmp_path / "plans.db"
    assert export(db, "--lang", "zh").exit_code == 0
    before = db.read_bytes()
    mixed = export(db, "wuhan", "--lang", "en")
    assert mixed.exit_code == 2 and mixed.stdout == "", mixed.output
    assert mixed.stderr.strip() == (
        f"error: {db}: its sentences are in zh (exported with --lang zh); export every plan again with --lang en, "
        "or give --lang zh"
    )
    assert db.read_bytes() == before
    assert export(db, "wuhan", "--lang", "zh").exit_code == 0  # the same language: an update as ever
    assert export(db, "--lang", "en").exit_code == 0
    assert rows(db, "SELECT value FROM export_info WHERE name = 'lang'") == [("en",)]


def test_an_update_under_other_settings_is_refused_unless_every_plan_is_written_again(tmp_path) -> None:
    """Plans exported under --config check_below = 0.3, then wuhan alone under the defaults, left wuhan with 46
    cells to check and the others with none, and nothing in the file said so. The settings are recorded
    (export_info.settings: those that differ from the defaults) and such an update is refused in one line."""
    db, config = tmp_path / "plans.db", tmp_path / "strict.toml"
    config.write_text("check_below = 0.3\n", encoding="utf-8")
    assert export(db, "--config", str(config)).exit_code == 0
    assert rows(db, "SELECT value FROM export_info WHERE name = 'settings'") == [('{"check_below": 0.3}',)]
    before = db.read_bytes()
    mixed = export(db, "wuhan")
    assert mixed.exit_code == 2 and mixed.stdout == "", mixed.output
    assert mixed.stderr.strip() == (
        f"error: {db}: its other plans were judged under other settings (check_below = 0.3; now the defaults); "
        "export every plan again with these, or with the same --config and --check-below"
    )
    assert db.read_bytes() == before
    assert export(db, "wuhan", "--config", str(config)).exit_code == 0  # the same settings: an update as ever
    assert export(db).exit_code == 0  # every plan again: the file's settings are the defaults now
    assert rows(db, "SELECT value FROM export_info WHERE name = 'settings'") == [("{}",)]
    assert rows(db, "SELECT count(*) FROM judgements WHERE flagged") != [(0,)]
    with sqlite3.connect(db) as conn:  # a value edited by hand is shown as it is, not a traceback
        conn.execute("UPDATE export_info SET value = 'oops' WHERE name = 'settings'")
    edited = export(db, "wuhan")
    assert edited.exit_code == 2 and "Traceback" not in edited.output
    assert edited.stderr.strip().startswith(
        f"error: {db}: its other plans were judged under other settings (settings = oops"
    )


def test_the_python_api_refuses_what_the_command_refuses(tmp_path) -> None:
    """Library.export_sqlite checks the file itself (the command only calls it): a file that is not one of our
    databases is the engine's one-line error, never sqlite3's exception from deep inside."""
    from jtcompare.api import Library
    from jtcompare.errors import JtError

    notes = tmp_path / "notes.db"
    notes.write_text("项目笔记\n", encoding="utf-8")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    for path, said in ((notes, "not a SQLite database"), (other, "not written by `jtcompare export`")):
        with pytest.raises(JtError, match=said):
            Library(PLANS).export_sqlite(path, plans=["wuhan"], lang="zh")
    assert notes.read_text(encoding="utf-8") == "项目笔记\n"
    with pytest.raises(JtError, match="unknown language 'fr'"):  # was a bare KeyError: 'fr'
        Library(PLANS).export_sqlite(tmp_path / "new.db", plans="wuhan", lang="fr")
    assert not (tmp_path / "new.db").exists()


def test_an_export_made_before_a_column_existed_gets_it_when_updated(tmp_path) -> None:
    """A file written by an earlier jtcompare (no judgements.engine_status, no unit_judgements, the columns
    missing_units and override of before the renaming) is updated in place: the new column and table are added, the
    old columns renamed with their rows, nothing else of the file is lost."""
    out = tmp_path / "plans.db"
    assert export(out, "wuhan", "chongqing").exit_code == 0
    unset = "SELECT count(*) FROM targets WHERE plan = 'chongqing' AND verdict = ?"
    chongqing_unset = rows(out, unset, "not_in_plan")
    with sqlite3.connect(out) as conn:
        if sqlite3.sqlite_version_info < (3, 35, 0):
            pytest.skip("DROP COLUMN needs SQLite 3.35 to make the older file")
        conn.execute("DROP VIEW coverage")  # it came later still
        conn.execute("ALTER TABLE judgements DROP COLUMN engine_status")
        conn.execute("ALTER TABLE judgements DROP COLUMN confirmed")
        conn.execute("DROP TABLE unit_judgements")
        conn.execute("ALTER TABLE judgements RENAME COLUMN units_missing TO missing_units")
        conn.execute("ALTER TABLE judgements RENAME COLUMN overridden TO override")
        conn.execute("ALTER TABLE measures RENAME COLUMN clause_id TO clause")
        conn.execute("ALTER TABLE local_additions RENAME COLUMN clause_id TO clause")
        conn.execute("INSERT INTO verdicts VALUES ('not in plan', 9, '地方未设', 'not in plan')")
        conn.execute("UPDATE targets SET verdict = 'not in plan' WHERE verdict = 'not_in_plan'")
        conn.execute("CREATE TABLE mine (x)")
    before = rows(out, "SELECT measure, missing_units FROM judgements WHERE plan = 'wuhan' ORDER BY measure")
    result = export(out, "wuhan")
    assert result.exit_code == 0, result.output
    columns = [r[1] for r in rows(out, "PRAGMA table_info(judgements)")]
    assert {"engine_status", "confirmed", "units_missing", "overridden"} <= set(columns)
    assert not {"missing_units", "override"} & set(columns)
    for table in ("measures", "local_additions"):  # a clause's id is clause_id, as in every data output
        assert {r[1] for r in rows(out, f"PRAGMA table_info({table})")} >= {"clause_id"}, table
    assert rows(out, "SELECT count(*) FROM measures WHERE clause_id IS NULL") == [(0,)]
    assert rows(out, "SELECT measure, units_missing FROM judgements WHERE plan = 'wuhan' ORDER BY measure") == before
    # chongqing was not exported again: its targets follow the verdict's new id, which is the only one left
    assert rows(out, unset, "not_in_plan") == chongqing_unset and chongqing_unset[0][0] > 0
    assert rows(out, "SELECT count(*) FROM verdicts WHERE id = 'not in plan'") == [(0,)]
    assert rows(out, "SELECT count(*) FROM unit_judgements WHERE plan = 'wuhan'")[0][0] > 300
    assert rows(out, "SELECT name FROM sqlite_master WHERE name = 'mine'") == [("mine",)]
    assert {r[0] for r in rows(out, "SELECT plan FROM coverage")} == {"wuhan", "chongqing"}  # the view is made too


def test_a_plan_changed_since_its_export_against_another_base_leaves_no_dangling_rows(tmp_path) -> None:
    """wuhan exported against national, then its text loses a clause and it is exported against chongqing into
    the same file: the export succeeds, and wuhan's rows against national, which cite sentences it no longer has,
    are gone whole rather than left half-true (export it against national again to have them)."""
    from tests.conftest import copy_library

    lib = copy_library(tmp_path / "plans")
    out = tmp_path / "plans.db"
    assert export(out, "wuhan", plans_dir=lib).exit_code == 0
    cited = rows(out, "SELECT covered_by FROM unit_judgements WHERE plan = 'wuhan' AND covered_by LIKE 'WH16%'")
    assert cited, "the clause cut below must be cited, or this test proves nothing"
    lines = (lib / "wuhan.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    k = next(k for k, line in enumerate(lines) if line.startswith("(十六)"))  # the clause, on one line
    lines[k] = lines[k].split("。")[0] + "。\n"  # its title alone: its measures are gone
    (lib / "wuhan.txt").write_text("".join(lines), encoding="utf-8")
    result = export(out, "wuhan", "--base", "chongqing", plans_dir=lib)
    assert result.exit_code == 0, result.output
    assert rows(out, "PRAGMA foreign_key_check") == []
    assert rows(out, "SELECT count(*) FROM judgements WHERE plan = 'wuhan' AND base = 'national'") == [(0,)]
    assert rows(out, "SELECT count(*) FROM judgements WHERE plan = 'wuhan' AND base = 'chongqing'")[0][0] > 100


def test_an_empty_sqlite_file_takes_an_update_of_some_plans(tmp_path) -> None:
    """A SQLite file with no tables yet (made by `sqlite3 plans.db 'PRAGMA user_version=3'`) is written into: the
    language check has nothing to compare, and said 'no such table' before."""
    out = tmp_path / "plans.db"
    with sqlite3.connect(out) as conn:
        conn.execute("PRAGMA user_version = 3")
    result = export(out, "wuhan")
    assert result.exit_code == 0, result.output
    assert rows(out, "SELECT DISTINCT plan FROM judgements") == [("wuhan",)]


def test_a_database_under_another_formats_name_is_written_with_a_warning(tmp_path) -> None:
    """--format sqlite --out plans.csv wrote a database a spreadsheet would open as garbage, without a word."""
    out = tmp_path / "plans.csv"
    result = export(out, "wuhan", "--format", "sqlite")
    assert result.exit_code == 0, result.output
    assert f"warning: {out}: writing sqlite as --format asks, though the name says csv" in result.stderr
    assert rows(out, "SELECT count(*) FROM judgements") == [(157,)]
    plain = export(tmp_path / "plans.db", "wuhan")
    assert plain.exit_code == 0 and "warning" not in plain.stderr


def test_a_field_has_one_name_in_every_data_output(shipped) -> None:
    """JSON, CSV, the Python frame and SQLite name the fields a script joins on alike, with the same values."""
    import jtcompare

    names = ("flagged", "key_units_covered", "key_units_total", "units_missing", "overridden")
    cells = json.loads(runner.invoke(app, ["align", "wuhan", "--format", "json"]).stdout)["measures"]
    csv_rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["align", "wuhan", "--format", "csv"]).stdout)))
    frame = jtcompare.Library(PLANS).align("wuhan").to_frame()
    sql = "SELECT * FROM judgements WHERE plan = 'wuhan' ORDER BY rowid"
    with sqlite3.connect(shipped) as conn:
        found = conn.execute(sql)
        keys = [d[0] for d in found.description]
        db = {r["measure"]: r for r in (dict(zip(keys, row, strict=True)) for row in found)}
    assert all(set(names) <= set(x) for x in (cells[0], csv_rows[0], frame.columns, db["N10.02"]))
    for cell, row in zip(cells, csv_rows, strict=True):
        mid, both = cell["id"], (cell["key_units_covered"], cell["key_units_total"])
        assert row["measure"] == mid and (int(row["key_units_covered"]), int(row["key_units_total"])) == both
        assert tuple(frame.loc[mid, ["key_units_covered", "key_units_total"]]) == both
        assert (db[mid]["key_units_covered"], db[mid]["key_units_total"]) == both
        assert bool(cell["flagged"]) == (row["flagged"] == "yes") == bool(frame.loc[mid, "flagged"])
        assert bool(db[mid]["flagged"]) == cell["flagged"]
        assert " | ".join(cell["units_missing"]) == row["units_missing"] == frame.loc[mid, "units_missing"]
        assert json.loads(db[mid]["units_missing"]) == cell["units_missing"]
        assert frame.loc[mid, "region"] == (db[mid]["region"] or "") == (cell["region"] or "")
    # the frame's order, lead departments and clause are the base's rows in SQLite
    base = "SELECT m.id, m.seq, c.departments, c.id FROM measures m JOIN clauses c"
    base += " ON (c.plan, c.id) = (m.plan, m.clause_id)"
    in_db = {r[0]: tuple(r[1:]) for r in rows(shipped, base + " WHERE m.plan = 'national'")}
    assert {mid: (r.seq, r.departments, r.clause_id) for mid, r in frame.iterrows()} == in_db


def test_force_is_taken_and_said_to_be_needless(tmp_path) -> None:
    """Every other writing command takes --force; an export, which updates in place, takes it and says so."""
    out = tmp_path / "plans.db"
    for _ in range(2):
        result = export(out, "wuhan", "--force")
        assert result.exit_code == 0, result.output
        assert result.stderr.count("--force is not needed: export updates the file in place") == 1
    assert rows(out, "SELECT count(*) FROM judgements") == [(157,)]
