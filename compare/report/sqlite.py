"""The alignments as a SQLite database (`jtcompare export --format sqlite`), for SQL, notebooks and Datasette.

Tables: plans, clauses, measures (every plan's sentences, the base's too), units (the base's action units),
judgements (one row per plan x base measure), targets, local_additions, overrides, and statuses and verdicts (the
English ids the other tables hold, with their Chinese and English words); the view `coverage` is each plan's
summary line (counts by status, coverage, cells to check), computed from judgements. Column names and ids
(statuses, verdicts, roles, unit kinds) are English in every language, so a query reads any export; the sentences
written for a reader (a judgement's evidence, its units not covered, the word for an override without a note)
are in the export's language (`lang` in export_info), worded as the workbook words them (vocab.worded). Keys are
compound where an id is only unique within its plan ((plan, id) for clauses and measures), and every reference is
a declared foreign key.

Full-text search: FTS5 tables measures_fts, clauses_fts and units_fts with the **trigram** tokenizer (SQLite
3.34 or later). FTS5's default tokenizer keeps a run of Chinese characters as one token, so `MATCH '碳捕集'` would
find nothing inside a sentence; trigram indexes every three characters, so any query of three characters or
more matches wherever it occurs, with no word list to drift from the engine's. A query of one or two characters
(氢能) matches nothing through MATCH: use `LIKE '%氢能%'` on the table. An older SQLite gets the tables without
full-text search, and the export says so.

Re-exporting into the same file updates it: rows are upserted by their keys, and rows of plans, clauses,
measures and judgements that no longer exist are deleted, so the file always mirrors the library. The rows are
made from the results (match/results.py) alone, one plan at a time (`PlanRows`), so a 300-plan export never holds
every alignment.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtcompare.atomic import update_atomic
from jtcompare.errors import BadOption, Message, WriteFailed, detail, either, message, option, os_reason
from jtcompare.match.results import STATUSES, Alignment, MeasureResult
from jtcompare.match.settings import DEFAULTS, Settings, as_dict
from jtcompare.plans.model import Plan
from jtcompare.report.frames import chapter_label, departments
from jtcompare.report.i18n import Lang
from jtcompare.report.vocab import worded
from jtcompare.version import __version__

if TYPE_CHECKING:
    from sqlite_utils import Database

Row = dict[str, Any]
TRIGRAM = (3, 34, 0)  # the first SQLite with FTS5's trigram tokenizer
_HEADER = b"SQLite format 3\x00"

SCHEMA = """
CREATE TABLE IF NOT EXISTS export_info (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS statuses (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, zh TEXT NOT NULL, en TEXT NOT NULL, counted INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS verdicts (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, zh TEXT NOT NULL, en TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plans (
    id TEXT PRIMARY KEY, name TEXT, level TEXT, kind TEXT, title TEXT, date TEXT, doc_number TEXT,
    province TEXT, prefix TEXT, file TEXT
);
CREATE TABLE IF NOT EXISTS clauses (
    plan TEXT NOT NULL REFERENCES plans(id), id TEXT NOT NULL, seq INTEGER, number TEXT, title TEXT,
    label TEXT, chapter TEXT, departments TEXT, text TEXT,
    PRIMARY KEY (plan, id)
);
CREATE TABLE IF NOT EXISTS measures (
    plan TEXT NOT NULL REFERENCES plans(id), id TEXT NOT NULL, seq INTEGER, chapter TEXT, clause_id TEXT NOT NULL,
    role TEXT, text TEXT,
    PRIMARY KEY (plan, id),
    FOREIGN KEY (plan, clause_id) REFERENCES clauses(plan, id)
);
CREATE TABLE IF NOT EXISTS units (
    base TEXT NOT NULL REFERENCES plans(id), measure TEXT NOT NULL, unit INTEGER NOT NULL, text TEXT,
    kind TEXT, key_terms TEXT,
    PRIMARY KEY (base, measure, unit),
    FOREIGN KEY (base, measure) REFERENCES measures(plan, id)
);
CREATE TABLE IF NOT EXISTS judgements (
    plan TEXT NOT NULL REFERENCES plans(id), base TEXT NOT NULL REFERENCES plans(id), measure TEXT NOT NULL,
    status TEXT NOT NULL REFERENCES statuses(id), counted INTEGER, score REAL, confidence REAL, flagged INTEGER,
    key_units_covered INTEGER, key_units_total INTEGER, units_missing TEXT, evidence_ids TEXT, best_match TEXT,
    weakened INTEGER, region TEXT, evidence TEXT, overridden TEXT, engine_status TEXT REFERENCES statuses(id),
    confirmed INTEGER, engine_confidence REAL,
    PRIMARY KEY (plan, base, measure),
    FOREIGN KEY (base, measure) REFERENCES measures(plan, id),
    FOREIGN KEY (plan, best_match) REFERENCES measures(plan, id)
);
CREATE TABLE IF NOT EXISTS unit_judgements (
    plan TEXT NOT NULL REFERENCES plans(id), base TEXT NOT NULL REFERENCES plans(id), measure TEXT NOT NULL,
    unit INTEGER NOT NULL, state TEXT NOT NULL, key INTEGER, confidence REAL, covered_by TEXT,
    PRIMARY KEY (plan, base, measure, unit),
    FOREIGN KEY (base, measure, unit) REFERENCES units(base, measure, unit),
    FOREIGN KEY (plan, covered_by) REFERENCES measures(plan, id)
);
CREATE TABLE IF NOT EXISTS targets (
    plan TEXT NOT NULL REFERENCES plans(id), base TEXT NOT NULL REFERENCES plans(id), seq INTEGER NOT NULL,
    measure TEXT NOT NULL, base_indicator TEXT, base_year INTEGER, base_comparator TEXT, base_value REAL,
    base_unit TEXT, plan_indicator TEXT, plan_year INTEGER, plan_comparator TEXT, plan_value REAL, plan_unit TEXT,
    verdict TEXT REFERENCES verdicts(id), plan_measure TEXT,
    PRIMARY KEY (plan, base, seq),
    FOREIGN KEY (base, measure) REFERENCES measures(plan, id),
    FOREIGN KEY (plan, plan_measure) REFERENCES measures(plan, id)
);
CREATE TABLE IF NOT EXISTS local_additions (
    plan TEXT NOT NULL REFERENCES plans(id), base TEXT NOT NULL REFERENCES plans(id), measure TEXT NOT NULL,
    clause_id TEXT, text TEXT, nearest REAL,
    PRIMARY KEY (plan, base, measure),
    FOREIGN KEY (plan, measure) REFERENCES measures(plan, id)
);
CREATE TABLE IF NOT EXISTS overrides (
    plan TEXT NOT NULL REFERENCES plans(id), base TEXT NOT NULL REFERENCES plans(id), measure TEXT NOT NULL,
    status TEXT NOT NULL REFERENCES statuses(id), match TEXT, note TEXT, analyst TEXT, date TEXT, text TEXT,
    applied INTEGER,
    PRIMARY KEY (plan, base, measure)
);
CREATE INDEX IF NOT EXISTS judgements_measure_status ON judgements (measure, status);
CREATE INDEX IF NOT EXISTS judgements_status ON judgements (status);
CREATE INDEX IF NOT EXISTS judgements_base ON judgements (base, measure);
CREATE INDEX IF NOT EXISTS measures_clause ON measures (plan, clause_id);
CREATE INDEX IF NOT EXISTS unit_judgements_state ON unit_judgements (base, measure, unit, state);
CREATE INDEX IF NOT EXISTS targets_indicator ON targets (plan_indicator, plan_year);
CREATE INDEX IF NOT EXISTS targets_measure ON targets (base, measure);
CREATE INDEX IF NOT EXISTS judgements_best_match ON judgements (plan, best_match);
CREATE INDEX IF NOT EXISTS unit_judgements_covered_by ON unit_judgements (plan, covered_by);
"""

# The summary every report heads with, made from the judgements so it cannot disagree with them: counts of the
# counted cells by status (framing and situation measures have a status but count in no coverage; a measure that
# does not apply is left out too), coverage = (adopted + strengthened + partial / 2) / counted, as the tool says it.
# Made again on every export, after an older file's columns are renamed and added (a view names them).
VIEWS = """
DROP VIEW IF EXISTS coverage;
CREATE VIEW coverage AS
SELECT j.plan, j.base,
    sum(j.counted AND j.status = 'adopted') AS adopted,
    sum(j.counted AND j.status = 'strengthened') AS strengthened,
    sum(j.counted AND j.status = 'partial') AS partial,
    sum(j.counted AND j.status = 'omitted') AS omitted,
    sum(m.role = 'action' AND j.status = 'not_applicable') AS not_applicable,
    sum(j.counted) AS measures,
    (sum(j.counted AND j.status IN ('adopted', 'strengthened')) + 0.5 * sum(j.counted AND j.status = 'partial'))
        / nullif(sum(j.counted), 0) AS coverage,
    sum(j.counted AND j.flagged) AS flagged,
    sum(j.overridden IS NOT NULL AND NOT coalesce(j.confirmed, 0)) AS overridden,
    (SELECT count(*) FROM local_additions l WHERE l.plan = j.plan AND l.base = j.base) AS local
FROM judgements j JOIN measures m ON m.plan = j.base AND m.id = j.measure
GROUP BY j.plan, j.base;
"""

# table -> its key; the rows of a plan a re-export no longer makes are deleted by it (see `_put`)
KEYS: dict[str, tuple[str, ...]] = {
    "plans": ("id",),
    "clauses": ("plan", "id"),
    "measures": ("plan", "id"),
    "units": ("base", "measure", "unit"),
    "judgements": ("plan", "base", "measure"),
    "unit_judgements": ("plan", "base", "measure", "unit"),
    "targets": ("plan", "base", "seq"),
    "local_additions": ("plan", "base", "measure"),
    "overrides": ("plan", "base", "measure"),
}
FULL_TEXT = {"measures": ["text"], "clauses": ["title", "text"], "units": ["text"]}
# rows that lose what they refer to (a plan gone from the library, a measure gone from a plan) are deleted
_ORPHANS = (
    ("clauses", "plan NOT IN (SELECT id FROM plans)"),
    ("measures", "NOT EXISTS (SELECT 1 FROM clauses c WHERE c.plan = measures.plan AND c.id = measures.clause_id)"),
    ("units", "NOT EXISTS (SELECT 1 FROM measures m WHERE m.plan = units.base AND m.id = units.measure)"),
    (
        "judgements",
        "plan NOT IN (SELECT id FROM plans) OR NOT EXISTS "
        "(SELECT 1 FROM measures m WHERE m.plan = judgements.base AND m.id = judgements.measure)",
    ),
    (
        "unit_judgements",
        "plan NOT IN (SELECT id FROM plans) OR NOT EXISTS (SELECT 1 FROM units u WHERE u.base = "
        "unit_judgements.base AND u.measure = unit_judgements.measure AND u.unit = unit_judgements.unit)",
    ),
    (
        "targets",
        "plan NOT IN (SELECT id FROM plans) OR NOT EXISTS "
        "(SELECT 1 FROM measures m WHERE m.plan = targets.base AND m.id = targets.measure)",
    ),
    (
        "local_additions",
        "base NOT IN (SELECT id FROM plans) OR NOT EXISTS "
        "(SELECT 1 FROM measures m WHERE m.plan = local_additions.plan AND m.id = local_additions.measure)",
    ),
    ("overrides", "plan NOT IN (SELECT id FROM plans) OR base NOT IN (SELECT id FROM plans)"),
)


# (plan, base) pairs whose rows cite a plan measure the plan no longer has
_CITING = tuple(
    f"SELECT plan, base FROM {table} t WHERE {column} IS NOT NULL AND NOT EXISTS "
    f"(SELECT 1 FROM measures m WHERE m.plan = t.plan AND m.id = t.{column})"
    for table, column in (("judgements", "best_match"), ("unit_judgements", "covered_by"), ("targets", "plan_measure"))
)


@dataclass(frozen=True)
class PlanRows:
    """What the database gets of one plan's alignment: its rows by table. `base` holds the base's own rows
    (plans, clauses, measures with their roles, units) in the first part each process makes, else is empty."""

    plan: str
    tables: dict[str, list[Row]]
    base: dict[str, list[Row]] = field(default_factory=dict)


_base_sent: set[str] = set()  # the Rows reductions (by token) whose base rows this process has already sent


@dataclass(frozen=True)
class Rows:
    """Cuts an alignment down to its PlanRows; picklable, so `--jobs` workers do it and send back only rows.
    The base's rows are the same in every alignment: each process sends them once (`token` tells this export's
    reduction from an earlier one in the same process)."""

    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    lang: Lang = "en"  # of the sentences (evidence, units not covered)

    def __call__(self, a: Alignment) -> PlanRows:
        base: dict[str, list[Row]] = {}
        if self.token not in _base_sent:
            _base_sent.add(self.token)
            base = base_rows(a)
        return PlanRows(a.plan.id, plan_rows(a, self.lang), base)


def plan_table_rows(plan: Plan, roles: Mapping[str, str] | None = None) -> dict[str, list[Row]]:
    """A plan's rows of plans, clauses and measures; `roles` (the base's) gives each base measure its role."""
    m = plan.meta
    meta = {"id": m.id, "name": m.name, "level": m.level, "kind": m.kind, "title": m.title, "date": m.date}
    meta |= {"doc_number": m.doc_number, "province": m.province, "prefix": m.prefix, "file": m.file}
    clauses, measures = [], []
    for k, c in enumerate(plan.clauses, 1):
        chapter = chapter_label(plan, c)
        clauses.append(
            {"plan": m.id, "id": c.id, "seq": k, "number": c.number, "title": c.title, "label": c.label}
            | {"chapter": chapter, "departments": departments(c), "text": c.text}
        )
        for x in c.measures:
            row = {"plan": m.id, "id": x.id, "seq": len(measures) + 1, "chapter": chapter, "clause_id": c.id}
            # a plan compared with a base has no roles: its rows leave those a base export wrote (an upsert
            # updates the columns it is given), else the coverage view lost every measure's role
            measures.append(row | ({"role": roles.get(x.id)} if roles else {}) | {"text": x.text})
    return {"plans": [meta], "clauses": clauses, "measures": measures}


def base_rows(a: Alignment) -> dict[str, list[Row]]:
    """The base's rows: its plan, clauses and measures (with each measure's role) and its action units."""
    rows = plan_table_rows(a.base, {r.measure.id: r.role for r in a.measures})
    rows["units"] = [
        {"base": a.base.id, "measure": r.measure.id, "unit": k, "text": u.text}
        | {"kind": "key" if u.key else "framing", "key_terms": " ".join(u.key_terms)}
        for r in a.measures
        for k, u in enumerate(r.units, 1)
    ]
    return rows


def plan_rows(a: Alignment, lang: Lang = "en") -> dict[str, list[Row]]:
    """One plan's rows of every table but units: its own text, its judgements (their sentences in `lang`), each
    action unit's call (covered, weaker, missing, and the plan sentence that covers it), targets and local
    additions."""
    rows = plan_table_rows(a.plan)
    rows["judgements"] = [judgement_row(a.plan.id, a.base.id, m, lang) for m in a.measures]
    rows["unit_judgements"] = [
        {"plan": a.plan.id, "base": a.base.id, "measure": m.measure.id, "unit": k, "state": u.state}
        | {"key": int(u.key), "confidence": u.confidence, "covered_by": u.by}
        for m in a.measures
        for k, u in enumerate(m.units, 1)
    ]
    rows["targets"] = target_rows(a)
    rows["local_additions"] = [
        {"plan": a.plan.id, "base": a.base.id, "measure": x.measure.id, "clause_id": x.clause.id}
        | {"text": x.measure.text, "nearest": x.nearest}
        for x in a.local
    ]
    return rows


def judgement_row(plan: str, base: str, m: MeasureResult, lang: Lang = "en") -> Row:
    cited = [x.measure.id for x in m.matches] + [u.by for u in m.units if u.by]  # matches first, then units'
    return {
        "plan": plan,
        "base": base,
        "measure": m.measure.id,
        "status": m.status,
        "counted": m.counted,
        "score": m.score,
        "confidence": m.confidence,
        "flagged": m.check,
        "key_units_covered": m.key_units_covered,
        "key_units_total": m.key_units_total,
        "units_missing": _json([worded("units_missing", u, lang) for u in m.units_missing]),
        "evidence_ids": _json(list(dict.fromkeys(cited))),
        "best_match": m.matches[0].measure.id if m.matches else None,
        "weakened": m.weakened,
        "region": m.region,
        "evidence": worded("evidence", m.evidence, lang),
        "overridden": worded("overridden", m.overridden, lang),
        "engine_status": m.engine_status,
        "engine_confidence": m.engine_confidence,
        "confirmed": m.confirmed,
    }


def target_rows(a: Alignment) -> list[Row]:
    """Each base target beside the plan target it was compared with, and each plan target added where the base
    has none, one row per base measure (the workbook's Targets sheet joins a target shared by measures)."""
    rows: list[Row] = []
    for m in a.measures:
        pairs = [(p.base, p.plan, p.verdict, p.plan_measure) for p in m.compared]
        pairs += [(t, None, "not_in_plan", None) for t in m.targets_not_set]
        for bt, pt, verdict, plan_measure in pairs:
            row = {"plan": a.plan.id, "base": a.base.id, "seq": len(rows) + 1, "measure": m.measure.id}
            for side, t in (("base", bt), ("plan", pt)):
                row |= {
                    f"{side}_indicator": t.indicator if t else None,
                    f"{side}_year": int(t.year) if t and t.year and t.year.isdigit() else None,
                    f"{side}_comparator": t.comparator if t else None,
                    f"{side}_value": t.value if t else None,
                    f"{side}_unit": t.unit if t else None,
                }
            rows.append(row | {"verdict": verdict, "plan_measure": plan_measure or None})
    return rows


def _json(value: list) -> str:
    return json.dumps(value, ensure_ascii=False)


def status_rows() -> list[Row]:
    from jtcompare.report.vocab import status_word

    return [
        {"id": s, "seq": k, "zh": status_word(s, "zh"), "en": status_word(s, "en"), "counted": s != "not_applicable"}
        for k, s in enumerate(STATUSES, 1)
    ]


def verdict_rows() -> list[Row]:
    """The verdicts a target row holds (targets.verdict), with their words: the workbook's and the view's."""
    from jtcompare.report.vocab import verdict_word

    verdicts = ("stricter", "equal", "laxer", "added", "not_in_plan")
    return [
        {"id": v, "seq": k, "zh": verdict_word(v, "zh"), "en": verdict_word(v, "en")} for k, v in enumerate(verdicts, 1)
    ]


# --- the file ---------------------------------------------------------------------------------------------


def check_export_target(path: Path) -> None:
    """Refuse, before any work, a file at `path` that is not a SQLite database, or is one of something else's:
    an export updates only files it wrote (an empty file counts as new)."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return  # new (what else it may be, atomic.check_target says)
        with open(path, "rb") as stream:
            head = stream.read(len(_HEADER))
    except OSError as exc:
        raise WriteFailed(
            f"{path}: cannot read ({exc.strerror or exc})",
            message("error.cannot_read", path=path, reason=os_reason(exc)),
        ) from None
    if head != _HEADER:
        raise WriteFailed(
            f"{path}: is not a SQLite database; refusing to overwrite it (give a new file name)",
            message("error.sqlite.not_sqlite", path=path),
        )
    try:
        with _connect(path) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        said = message("error.sqlite.damaged", path=path, reason=detail(exc))
        raise WriteFailed(f"{path}: is a damaged SQLite database ({exc}); give a new file name", said) from None
    if tables and "export_info" not in tables:
        raise WriteFailed(
            f"{path}: is a SQLite database not written by `jtcompare export`; refusing to change it "
            "(give a new file name)",
            message("error.sqlite.not_ours", path=path),
        )


def settings_said(settings: Settings) -> str:
    """The settings an export was made with, for export_info: JSON of those that differ from the defaults, {} for
    none (a file exported before this row existed was made with the defaults of its day, read as {})."""
    now, default = as_dict(settings), as_dict(DEFAULTS)
    return json.dumps({k: v for k, v in now.items() if v != default[k]}, sort_keys=True)


def check_export_mix(path: Path, lang: Lang, settings: Settings, plans: Iterable[str] | None) -> None:
    """Refuse an update that would leave the file's other plans in another language, or judged under other
    settings, than the plans it rewrites (`plans`; None: every plan, which may change both): a query over the
    file would compare cells made two ways without a word."""
    if plans is None or not path.is_file() or path.stat().st_size == 0:
        return
    with _connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"judgements", "export_info"} <= tables:
            return  # no judgements yet (an empty database of ours): nothing to mix
        held = {r[0] for r in conn.execute("SELECT DISTINCT plan FROM judgements")}
        info = dict(conn.execute("SELECT name, value FROM export_info").fetchall())
    if not held - set(plans):
        return
    old = info.get("lang", "en")
    if old != lang:
        raise BadOption(
            f"{path}: its sentences are in {old} (exported with {option('lang', old, quoted=False)}); export every "
            f"plan again with {option('lang', lang, quoted=False)}, or give {option('lang', old, quoted=False)}",
            message("error.sqlite.other_lang", path=path, old=old, new=lang),
        )
    was, now = info.get("settings", "{}"), settings_said(settings)
    if was != now:
        raise BadOption(
            f"{path}: its other plans were judged under other settings ({_settings_shown(was)}; now "
            f"{_settings_shown(now)}); export every plan again with these, or with the same "
            f"{either('--config and --check-below', 'Library(config=..., check_below=...)')}",
            message("error.sqlite.other_settings", path=path, old=_settings_said(was), new=_settings_said(now)),
        )


def _settings_shown(said: str) -> str:
    values = _settings_values(said)
    return ", ".join(f"{k} = {v}" for k, v in values.items()) or "the defaults"


def _settings_said(said: str) -> str | Message:
    return _settings_shown(said) if _settings_values(said) else message("word.default_settings")


def _settings_values(said: str) -> dict[str, object]:
    """export_info.settings read back; a value edited by hand into something else is shown as it is."""
    try:
        values = json.loads(said)
    except ValueError:
        return {"settings": said}
    return values if isinstance(values, dict) else {"settings": said}


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA query_only = 1")
    return conn


@dataclass
class Written:
    """What an export wrote: the plans aligned and the rows of each table now in the file."""

    plans: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    full_text: bool = True


def write_sqlite(
    path: Path,
    parts: Iterable[PlanRows],
    *,
    base: str,
    overrides: Callable[[str], list[Row]],
    library: set[str],
    protected: Mapping[Path, str] | None = None,
    lang: Lang = "en",
    settings: Settings = DEFAULTS,
    applied: bool = True,
) -> Written:
    """Write (or update) the database at `path` from the plans' rows as they come. `overrides(plan)`: an exported
    plan's analyst overrides (rows of the overrides table); `applied`: whether the judgements carry them (False
    for an export without overrides: their `applied` is then NULL, not 0); `library`: every plan id the library
    still has (the rows of any other plan are deleted). The file is replaced only once complete
    (atomic.update_atomic)."""
    written = Written()
    info = {"lang": lang, "settings": settings_said(settings)}

    def update(tmp: Path) -> None:
        _update(tmp, parts, base, overrides, library, written, info, applied=applied)

    update_atomic(path, update, protected=protected)
    return written


def _update(
    tmp: Path,
    parts: Iterable[PlanRows],
    base: str,
    overrides: Callable[[str], list[Row]],
    library: set[str],
    written: Written,
    info: dict[str, str],
    *,
    applied: bool,
) -> None:
    from sqlite_utils import Database

    db = Database(tmp)
    # the working copy is private until it is renamed into place (and synced then): a journal and a sync per
    # commit would protect nothing that the rename does not (and made a 300-plan update minutes long)
    db.conn.execute("PRAGMA journal_mode = OFF")
    db.conn.execute("PRAGMA synchronous = OFF")
    try:
        db.conn.executescript(SCHEMA)  # foreign keys stay unenforced while rows are replaced; checked at the end
        _rename_columns(db)
        _add_columns(db)
        db.conn.executescript(VIEWS)
        _put(db, "statuses", status_rows(), {})
        _put(db, "verdicts", verdict_rows(), {})
        _rename_ids(db)
        for part in parts:
            if part.base:
                _put_plan(db, part.base, base=base)
            _put_plan(db, part.tables, base=base)
            _put(db, "overrides", overrides(part.plan), {"plan": part.plan, "base": base})
            written.plans.append(part.plan)
        _delete_gone(db, library)
        if applied:
            _mark_applied(db, base, written.plans)
        written.full_text = _full_text(db)
        _info(db, base, written.full_text, info)
        _check_references(db)
        written.counts = {t: db[t].count for t in KEYS}
        db.conn.commit()
    finally:
        db.close()


# columns added since the first version of the file: an export made before gets them when it is updated
ADDED = {
    "judgements": {
        "engine_status": "TEXT REFERENCES statuses(id)",
        "confirmed": "INTEGER",
        "engine_confidence": "REAL",
    },
    "overrides": {"applied": "INTEGER"},
}


# columns renamed since (old -> new), so that a field has one name in every output: an export made before has
# them renamed when it is updated, its rows kept
RENAMED = {
    "judgements": {"missing_units": "units_missing", "override": "overridden"},
    # a clause's id is clause_id in every data output (JSON, CSV, frames); `clause` is its title or label there
    "measures": {"clause": "clause_id"},
    "local_additions": {"clause": "clause_id"},
}
RENAMED_IDS = {"not in plan": "not_in_plan"}  # target verdicts


def _rename_columns(db: Database) -> None:
    for table, names in RENAMED.items():
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        for old, new in names.items():
            if old in have and new not in have:
                db.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")


def _rename_ids(db: Database) -> None:
    """A verdict id renamed since ('not in plan' had spaces where every other id has _): an old export's rows
    follow, and the old id goes (run after the new ids are in `verdicts`)."""
    for old, new in RENAMED_IDS.items():
        db.execute("UPDATE targets SET verdict = ? WHERE verdict = ?", [new, old])
        db.execute("DELETE FROM verdicts WHERE id = ?", [old])


def _mark_applied(db: Database, base: str, plans: list[str]) -> None:
    """An override applies while its judgement carries it; one gone stale (the measure's text changed or is gone,
    a confirmation the engine no longer agrees with) is kept in the file, applied 0, as align reports it. Only the
    plans this export judged against `base`: another's judgements may have been made without overrides."""
    db.conn.executemany(
        "UPDATE overrides SET applied = EXISTS (SELECT 1 FROM judgements j WHERE j.plan = overrides.plan "
        "AND j.base = overrides.base AND j.measure = overrides.measure AND j.overridden IS NOT NULL) "
        "WHERE plan = ? AND base = ?",
        [(plan, base) for plan in plans],
    )


def _add_columns(db: Database) -> None:
    for table, columns in ADDED.items():
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns.items():
            if name not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def _put_plan(db: Database, tables: dict[str, list[Row]], *, base: str) -> None:
    plan = tables["plans"][0]["id"]
    _put(db, "plans", tables["plans"], {"id": plan})
    for table in ("clauses", "measures"):
        _put(db, table, tables[table], {"plan": plan})
    if "units" in tables:
        _put(db, "units", tables["units"], {"base": plan})
    for table in ("judgements", "unit_judgements", "targets", "local_additions"):
        if table in tables:
            _put(db, table, tables[table], {"plan": plan, "base": base})


def _put(db: Database, table: str, rows: list[Row], scope: dict[str, str]) -> None:
    """Upsert `rows` and delete the rows of `scope` (a plan's, a plan and base's) that are not among them."""
    key = KEYS.get(table, ("id",))
    if rows:
        _upsert(db.conn, table, rows, key)
    if not scope:
        return
    where = " AND ".join(f"{c} = ?" for c in scope)
    have = {tuple(r) for r in db.execute(f"SELECT {', '.join(key)} FROM {table} WHERE {where}", list(scope.values()))}
    gone = have - {tuple(r[c] for c in key) for r in rows}
    if gone:
        match = " AND ".join(f"{c} = ?" for c in key)
        db.conn.executemany(f"DELETE FROM {table} WHERE {match}", list(gone))


def _upsert(conn: sqlite3.Connection, table: str, rows: list[Row], key: tuple[str, ...]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE in one executemany: sqlite-utils' upsert_all builds each batch's SQL in
    Python, which was a third of a 300-plan export."""
    columns = list(rows[0])
    names = ", ".join(columns)
    values = ", ".join("?" * len(columns))
    update = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    sql = f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT ({', '.join(key)}) DO UPDATE SET {update}"
    conn.executemany(sql, [tuple(r[c] for c in columns) for r in rows])


def _delete_gone(db: Database, library: set[str]) -> None:
    """Plans no longer in the library, then every row that lost what it refers to."""
    known = {r[0] for r in db.execute("SELECT id FROM plans")}
    db.conn.executemany("DELETE FROM plans WHERE id = ?", [(p,) for p in sorted(known - library)])
    for table, condition in _ORPHANS:
        db.execute(f"DELETE FROM {table} WHERE {condition}")
    # a plan re-exported against one base with a new text leaves its judgements against another base citing
    # sentences it no longer has: that pair's rows are stale, and go whole (export it against that base again)
    stale = db.execute(" UNION ".join(_CITING)).fetchall()
    for table in ("judgements", "unit_judgements", "targets", "local_additions"):
        db.conn.executemany(f"DELETE FROM {table} WHERE plan = ? AND base = ?", stale)
    db.conn.commit()


def _full_text(db: Database) -> bool:
    """Build (or bring up to date) the trigram full-text tables; False when this SQLite has no trigram."""
    if sqlite3.sqlite_version_info < TRIGRAM:
        return False
    for table, columns in FULL_TEXT.items():
        if db[table].detect_fts() is None:
            db[table].enable_fts(columns, fts_version="FTS5", tokenize="trigram", create_triggers=False)
        db[table].rebuild_fts()  # external-content tables: re-read after the rows changed
    return True


def _info(db: Database, base: str, full_text: bool, said: dict[str, str]) -> None:
    """export_info: the tool, the base, `said` (lang: of the sentences the last export wrote; settings: those that
    differ from the defaults, check_export_mix keeps them one for the file), when, and the full-text search."""
    info = {
        "tool": f"jtcompare {__version__}",
        "last_base": base,
        **said,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "full_text": "trigram" if full_text else f"none (SQLite {sqlite3.sqlite_version}; trigram needs 3.34)",
    }
    db["export_info"].upsert_all([{"name": k, "value": v} for k, v in info.items()], pk="name")


def _check_references(db: Database) -> None:
    """Every foreign key holds (a broken one is the exporter's bug: fail rather than put the file in place)."""
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, _, parent, _ = broken[0]
        raise WriteFailed(f"export: {len(broken)} rows refer to missing rows (the first: {table} -> {parent})")
