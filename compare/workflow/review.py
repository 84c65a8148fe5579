"""Read an analyst's reviewed file (CSV from the HTML view, or a workbook with its review columns) and turn
its filled-in statuses into overrides, with the same checks as `jtcompare override`.

A review file is a table with a header row. Columns are recognised by key or by either language's title in
report/data/strings.toml: `plan`, `measure` and `analyst status` are required; `base`, `analyst note`,
`match`, `by`, `review date`, `agree`, `status` and `base text` are optional. A status may be written as the JSON
value (`partial`), its label in either language (部分采纳) or its symbol (◐). A row whose agree is yes and whose
analyst status is empty confirms the row's status (the workbook's `status` column) as an override; a row with an
empty analyst status and no agreement is skipped. The reviewer (`by`) and the review date (a date cell, or
YYYY-MM-DD) go into the overrides file; a row without a date is dated today. A status that is the engine's own
call (agree yes, or the same status given) is kept as reviewed, its note saying it confirms the engine's call, in
the file's language, so that an agreement is not read as a correction; it holds while the engine's call is the
same (overrides.is_confirmation). Agreeing with a cell an override already corrected keeps that override as it
is. A row whose `base text` no longer matches the base measure is stale and not applied: the analyst reviewed
another text. Every row is checked before anything is written, and a file with rows that cannot be applied is
refused in one line: the first said in full, the others by their rows (`_refused`), so one run names them all.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from jtcompare.errors import BadOption, Message, Said, UnreadableFile, detail, message, plan_ref
from jtcompare.match.results import STATUSES
from jtcompare.match.settings import Settings
from jtcompare.plans.library_edit import writing
from jtcompare.plans.model import Plan
from jtcompare.plans.registry import Library
from jtcompare.report.i18n import LANGS, Lang, label
from jtcompare.report.palette import style
from jtcompare.report.vocab import parse_status, status_choices, text, typed_lang
from jtcompare.workflow.overrides import Override, checked_override, read_overrides, same_cell, write_overrides

_COLUMNS = (
    *("plan", "base", "measure", "text", "status", "analyst_agree", "analyst_status", "analyst_note"),
    *("match", "by", "analyst_date"),
)
_REQUIRED = ("plan", "measure", "analyst_status")


@dataclass
class ReviewImport:
    changed: list[str] = field(default_factory=list)  # "wuhan N08.03: partial -> adopted"
    confirmed: list[str] = field(default_factory=list)  # "wuhan N08.03: adopted, confirms the engine's call"
    unchanged: int = 0
    stale: list[str] = field(default_factory=list)  # reviewed on another base text: not applied
    incomplete: list[str] = field(default_factory=list)  # not agreed, but no corrected status given
    files: list[Path] = field(default_factory=list)


def import_review(
    lib: Library,
    path: Path,
    *,
    default_base: str = "national",
    folder: Path | None = None,
    settings: Settings | None = None,
) -> ReviewImport:
    """Apply every filled-in analyst status of `path` as an override in `folder` (by default the library's own;
    your library not made yet, while `lib` is the shipped one it will copy); all checks pass before anything is
    written."""
    rows = _read_rows(path)
    folder = Path(folder) if folder is not None else lib.folder
    with writing(folder):  # a read-modify-write of the overrides files, serialised as `jtcompare override` is
        return _apply(lib, folder, path, rows, default_base, settings)


def _apply(
    lib: Library,
    folder: Path,
    path: Path,
    rows: list[tuple[Said, dict[str, str]]],
    default_base: str,
    settings: Settings | None,
) -> ReviewImport:
    result = ReviewImport()
    pending: dict[str, list[Override]] = {}
    engine: dict[tuple[str, str], dict[str, str]] = {}
    given: dict[tuple[str, str, str], tuple[Said, str]] = {}  # each cell's first status in the file, and where
    failed: list[tuple[Said, BadOption]] = []  # rows that cannot be applied, and why
    for where, row in rows:
        try:
            status = _status(row["analyst_status"], path, where)
            agrees = _agrees(row["analyst_agree"], path, where)
            if status is None and agrees:
                status = _status(row["status"].rstrip("*?"), path, where)  # the reviewer confirms the call as shown
                if status is None:
                    raise BadOption(
                        f"{path}: {where}: agree is yes but the row shows no status; give the analyst status",
                        message("error.review.agree_no_status", path=path, where=where.said),
                    )
            if status is None:
                if agrees is False:
                    result.incomplete.append(
                        Said(
                            f"{row['plan']} {row['measure']}: not agreed, but no corrected status; not applied",
                            message("note.review_no_status", plan=row["plan"], measure=row["measure"]),
                        )
                    )
                elif row.get("analyst_note", "").strip():  # a reviewer's words with no call: said, not dropped
                    result.incomplete.append(
                        Said(
                            f"{row['plan']} {row['measure']}: a note but no status; not applied",
                            message("note.review_note_only", plan=row["plan"], measure=row["measure"]),
                        )
                    )
                continue
            try:
                plan, base = lib.load(_plan_ref(row["plan"])), lib.load(_plan_ref(row.get("base") or default_base))
                new = checked_override(
                    plan,
                    base,
                    row["measure"],
                    status,
                    note=row.get("analyst_note", ""),
                    by=row.get("by", ""),
                    match=row.get("match", ""),
                )
            except BadOption as exc:
                said = message("error.review.in_row", path=path, where=where.said, text=exc.said or str(exc))
                raise BadOption(f"{path}: {where}: {exc}", said) from None
            new = dataclasses.replace(new, date=_date(row["analyst_date"], path, where) or new.date)  # names its row
            _one_status_a_cell(given, (plan.id, base.id, new.measure), where, new.status, path, plan)
            if row.get("text") and row["text"] != new.text:
                result.stale.append(
                    Said(
                        f"{plan.id} {new.measure}: the base text changed since the review",
                        message(
                            "note.review_text_changed", plan=plan_ref(plan.id, plan.meta.name), measure=new.measure
                        ),
                    )
                )
                continue
            if (plan.id, base.id) not in engine:
                engine[plan.id, base.id] = engine_calls(lib, plan.id, base.id, settings)
            # the engine's call given again is kept as reviewed: it is no correction
            if confirms(engine[plan.id, base.id].get(new.measure), new.status, new.match):
                new = dataclasses.replace(new, note=confirmed_note(new.note, row["lang"]))
            current = pending.setdefault(plan.id, read_overrides(folder, plan.id))
            before = next((o for o in current if same_cell(o, new)), None)
            if before and before.status == new.status and agrees and not row["analyst_status"].strip():
                result.unchanged += (
                    1  # agreeing with a colleague's correction as the row shows it keeps theirs, note too
                )
                continue
            if before and (before.status, before.note, before.by) == (new.status, new.note, new.by):
                result.unchanged += 1
                continue
            pending[plan.id] = [o for o in current if not same_cell(o, new)] + [new]
            _said(result, plan, new, before, engine=engine[plan.id, base.id].get(new.measure))
        except BadOption as exc:  # every row is checked, so that one run names every row to mend
            failed.append((where, exc))
    if failed:
        raise _refused(path, failed)
    for plan_id, overrides in pending.items():
        result.files.append(write_overrides(folder, plan_id, overrides))
    return result


def _refused(path: Path, failed: list[tuple[Said, BadOption]]) -> BadOption:
    """The first row that cannot be applied, said in full, and where the others are: one line, nothing written."""
    first = failed[0][1]
    if len(failed) == 1:
        return first
    others = [where for where, _ in failed[1:]]
    return BadOption(
        f"{first} (and {len(others)} more rows that cannot be applied: {', '.join(others)}); nothing written",
        message("error.review.more_rows", first=first.said or str(first), n=len(others), rows=[w.said for w in others]),
    )


def _one_status_a_cell(
    given: dict[tuple[str, str, str], tuple[Said, str]],
    cell: tuple[str, str, str],
    where: Said,
    status: str,
    path: Path,
    plan: Plan,
) -> None:
    """Two rows of one file (two sheets of a workbook, say) that give a cell different statuses are refused before
    anything is written: which reviewer is right is no question the order of the rows should answer."""
    first, had = given.setdefault(cell, (where, status))
    if had == status:
        return
    named = plan_ref(plan.id, plan.meta.name)
    raise BadOption(
        f"{path}: {first} and {where} give {plan.id} {cell[2]} two statuses ({had}, {status}); keep one",
        message(
            "error.review.conflict",
            path=path,
            first=first.said,
            where=where.said,
            plan=named,
            measure=cell[2],
            had=message(f"status.{had}"),
            status=message(f"status.{status}"),
        ),
    )


def _said(result: ReviewImport, plan: Plan, new: Override, before: Override | None, *, engine: str | None) -> None:
    """The line a written row gets: a confirmation of the engine's call, or a change from the status the cell had
    (an earlier correction's, or the engine's own call, named: one that undoes a correction goes back to it)."""
    now = message(f"status.{new.status}")
    plan_id, named = plan.id, plan_ref(plan.id, plan.meta.name)
    if confirms(engine, new.status, new.match) and (before is None or before.status == new.status):
        said = message("note.review_confirmed", plan=named, measure=new.measure, status=now)
        result.confirmed.append(Said(f"{plan_id} {new.measure}: {new.status}, confirms the engine's call", said))
        return
    if before or engine is None:
        was = before.status if before else "engine's call"
        said_was = message(f"status.{before.status}") if before else message("note.engine_call")
    else:
        was = f"engine's call ({engine})"
        said_was = message("note.engine_call_was", status=message(f"status.{engine}"))
    said = message("note.review_changed", plan=named, measure=new.measure, was=said_was, now=now)
    result.changed.append(Said(f"{plan_id} {new.measure}: {was} -> {new.status}", said))


def engine_calls(lib: Library, plan: str, base: str, settings: Settings | None = None) -> dict[str, str]:
    """Base measure id -> the engine's own status for `plan` (overrides left out), under `settings` (those of the
    comparisons the outputs show; the defaults if None): what a review or an override confirms or corrects."""
    from jtcompare.match.settings import load_settings
    from jtcompare.workflow.run import run_alignment

    a = run_alignment(lib, plan, base, settings or load_settings(), overrides=False).alignments[0]
    return {m.measure.id: m.status for m in a.measures}


def confirms(engine: str | None, status: str, match: str) -> bool:
    """Whether an analyst's status is the engine's own call, taken as it stands: the same status and no plan
    sentence pinned in place of the engine's (a pinned match changes the cell, so it is a correction)."""
    return engine is not None and engine == status and not match


def confirmed_note(note: str, lang: Lang) -> str:
    """The note of an agreement, in the review file's language: that it confirms the engine's call, then the
    analyst's own note if any."""
    return text("review.confirmed_note", lang, note=note) if note else label("review.confirmed", lang)


def _plan_ref(cell: str) -> str:
    """A plan as a review sheet names it: its id, its name (a Chinese sheet shows 武汉市), or, where two plans
    share a name, 武汉市（wuhan-2021）: the id in the brackets (report/vocab.py `shown_names`)."""
    cell = cell.strip()
    if cell.endswith("）") and "（" in cell:
        return cell[cell.rindex("（") + 1 : -1]
    return cell


def _choices() -> Message:
    """The statuses a review may name: in English as `status_choices` lists them, in Chinese by their names."""
    return message("error.detail", en=status_choices(), zh=[message(f"status.{s}") for s in STATUSES])


def _status(value: str, path: Path, where: Said) -> str | None:
    value = value.strip()
    if not value:
        return None
    # by id or by its name in either language, as the outputs print them, or by the matrix sheet's symbol
    status = parse_status(value) or next((s for s in STATUSES if style(s).symbol == value), None)
    if status is None:
        said = message("error.review.unknown_status", path=path, where=where.said, status=value, choices=_choices())
        raise BadOption(f"{path}: {where}: unknown status '{value}' (use one of {status_choices()})", said)
    return status


def _agrees(value: str, path: Path, where: Said) -> bool | None:
    """The agree column: yes (in either language, or x, ✓, 1), no, or None when empty."""
    value = value.strip().lower()
    if not value:
        return None
    if value in {*(label("word.no", lang).lower() for lang in LANGS), "0", "false"}:
        return False
    if value in {*(label("word.yes", lang).lower() for lang in LANGS), "x", "✓", "✔", "1", "true", "y"}:
        return True
    yes, no = label("word.yes", "en"), label("word.no", "en")
    raise BadOption(
        f"{path}: {where}: agree is '{value}'; use {yes} or {no} (or their Chinese words), or leave it empty",
        message("error.review.agree", path=path, where=where.said, value=value),
    )


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?")


def _date(value: str, path: Path, where: Said) -> str:
    """The review date as YYYY-MM-DD ('' when empty): a spreadsheet's date cell reads back as '2026-12-01 00:00:00',
    a typed one as 2026-12-01, 2026/12/1 or 2026年12月1日."""
    value = value.strip()
    if not value:
        return ""
    found = _DATE.fullmatch(value)
    try:
        return dt.date(*map(int, found.groups())).isoformat() if found else dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadOption(
            f"{path}: {where}: review date '{value}' is not a date (write it as YYYY-MM-DD)",
            message("error.review.date", path=path, where=where.said, value=value),
        ) from None


def _read_rows(path: Path) -> list[tuple[Said, dict[str, str]]]:
    """(where, {column key: text}) for every data row under a header row; `where` names the row for messages."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file", message("error.no_such_file", path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        tables = {"": _csv_table(path)}
    elif suffix == ".xlsx":
        tables = _xlsx_tables(path)
    else:
        raise BadOption(f"{path}: a review file is .csv or .xlsx", message("error.review.suffix", path=path))
    rows = [row for name, table in tables.items() for row in _keyed(name, table)]
    if not any(_header_at(t) is not None for t in tables.values()):
        need = ", ".join(label(f"col.{k}", "en") for k in _REQUIRED)
        columns = [message(f"col.{k}") for k in _REQUIRED]
        raise BadOption(
            f"{path}: no header row with the columns {need}",
            message("error.review.no_header", path=path, columns=columns),
        )
    return rows


def _csv_table(path: Path) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        said = message("error.review.unreadable", path=path, reason=detail(exc))
        raise UnreadableFile(f"{path}: cannot read the review file ({exc})", said) from None


def _xlsx_tables(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet's cells as text (a workbook has one Gaps sheet per plan; sheets without the columns are skipped)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        said = message("error.review.not_xlsx", path=path, kind=type(exc).__name__)
        raise UnreadableFile(f"{path}: not a readable .xlsx workbook ({type(exc).__name__})", said) from None
    try:
        return {
            sheet.title: [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _aliases() -> dict[str, str]:
    names = {}
    for key in _COLUMNS:
        names[key] = key
        names[key.replace("_", " ")] = key
        for lang in LANGS:
            # the status shown is a report column (column.status); the rest are the review columns (col.*)
            names[label(f"column.{key}" if key == "status" else f"col.{key}", lang).lower()] = key
    names["审核人"] = "by"  # the reviewer's column before the outputs said 复核 throughout: old files still import
    return names


def _header_at(rows: list[list[str]]) -> int | None:
    aliases = _aliases()
    for k, row in enumerate(rows[:30]):  # a provenance block may stand above the header
        found = {aliases.get(str(c).strip().lower()) for c in row}
        if all(r in found for r in _REQUIRED):
            return k
    return None


def _keyed(name: str, table: list[list[str]]) -> list[tuple[Said, dict[str, str]]]:
    header = _header_at(table)
    if header is None:
        return []
    aliases = _aliases()
    keys = [aliases.get(c.strip().lower()) for c in table[header]]
    lang = typed_lang("".join(table[header]))  # the file's language: its column titles are 分析员判定 or analyst status
    out = []
    for n, row in enumerate(table[header + 1 :], header + 2):
        record = {k: v.strip() for k, v in zip(keys, row, strict=False) if k}
        if record.get("measure"):
            where = message("error.review.sheet_row", sheet=name, row=n) if name else message("error.review.row", row=n)
            out.append(
                (
                    Said(f"sheet {name}, row {n}" if name else f"row {n}", where),
                    {k: record.get(k, "") for k in _COLUMNS} | {"lang": lang},
                )
            )
    return out
