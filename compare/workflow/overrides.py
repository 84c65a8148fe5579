"""Analyst overrides: a CSV per plan in the plans folder pinning the status (or match) of base measures.

`<plans-dir>/<plan>.overrides.csv`, columns: base, measure, status, match, note, by, date, text.
`text` is the base measure as it read when the override was made; when the measure's text has
changed since (or the id is gone), the override no longer applies and is reported as stale.

The file is opened in spreadsheets: a field that one would take for a formula (starting with = + - @, a tab or a
carriage return) is stored behind a single quote, as every spreadsheet export does, and read back without it
(`_stored`, `_as_written`). A note or a name holding a control character or an invisible one (ESC, a
right-to-left override, a zero-width space) is refused: a terminal would act on it, a spreadsheet hide it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jtcompare.atomic import write_atomic
from jtcompare.errors import BadMetadata, BadOption, JtError, Message, Said, detail, either, message, plan_ref
from jtcompare.match.results import STATUSES, Alignment, Match, MeasureResult
from jtcompare.plans.model import Plan
from jtcompare.plans.registry import read_regular
from jtcompare.report.cells import FORMULA_START
from jtcompare.text.normalise import code_points, describe_characters, hidden_characters

COLUMNS = ["base", "measure", "status", "match", "note", "by", "date", "text"]


@dataclass(frozen=True)
class Override:
    base: str
    measure: str
    status: str
    match: str
    note: str
    by: str
    date: str
    text: str


OVERRIDES_LIMIT = 16 * 1024 * 1024  # an analyst's calls on one plan: a few hundred rows


def overrides_path(folder: Path, plan_id: str) -> Path:
    return Path(folder) / f"{plan_id}.overrides.csv"


def read_overrides(folder: Path, plan_id: str) -> list[Override]:
    path = overrides_path(folder, plan_id)
    if not path.exists():
        return []
    try:
        # newline="": a note's carriage return comes back as one, not as the line feed read_text makes of it
        data = read_regular(path, OVERRIDES_LIMIT, "an overrides file")  # a FIFO or device would hang align
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadMetadata(
            f"{path}: cannot read overrides ({exc})",
            message("error.overrides_unreadable", path=path, reason=detail(exc)),
        ) from None
    from jtcompare.report.vocab import parse_status, status_choices  # the status names: only when a file exists

    out = []
    for n, row in enumerate(rows, 2):
        status = parse_status(row.get("status") or "")  # an analyst may have edited the file by hand: 采纳
        if status is None or not row.get("measure"):
            choices = message("error.detail", en=status_choices(), zh=[message(f"status.{s}") for s in STATUSES])
            said = message("error.overrides_line", path=path, line=n, choices=choices)
            raise BadMetadata(f"{path}: line {n}: needs a measure id and a status ({status_choices()})", said)
        fields = {c: _as_written((row.get(c) or "").strip()) for c in COLUMNS}
        out.append(Override(**{**fields, "status": status}))
    return out


def apply_overrides(a: Alignment, overrides: list[Override]) -> tuple[Alignment, list[str]]:
    """The alignment with pinned statuses, and a note for each override that no longer applies."""
    by_id = {m.measure.id: k for k, m in enumerate(a.measures)}
    measures = list(a.measures)
    stale = []
    named = plan_ref(a.plan.id, a.plan.meta.name)  # 武汉市 in a Chinese note, wuhan in an English one
    for o in overrides:
        if o.base and o.base != a.base.id:
            continue
        k = by_id.get(o.measure)
        if k is None:
            said = message("note.override_gone", measure=o.measure, plan=named)
            stale.append(Said(f"override of {o.measure} for {a.plan.id}: no such base measure any more", said))
            continue
        m = measures[k]
        if o.text and o.text != m.measure.text:
            said = message("note.override_text_changed", measure=o.measure, plan=named)
            stale.append(
                Said(f"override of {o.measure} for {a.plan.id}: the measure's text changed; not applied", said)
            )
            continue
        if is_confirmation(o.note) and o.status != m.status:
            now = message(f"status.{m.status}")
            said = message("note.confirmation_outdated", measure=o.measure, plan=named, now=now)
            stale.append(
                Said(
                    f"confirmation of {o.measure} for {a.plan.id}: the engine now says {m.status}; not applied",
                    said,
                )
            )
            continue
        measures[k] = _pinned(m, o, a.plan)
    return dataclasses.replace(a, measures=tuple(measures), stale=tuple(stale)), stale


def is_confirmation(note: str) -> bool:
    """A review's agreement with the engine's call (report/evidence.confirmation, in either language): it pins that
    call, so when the engine's call changes (a new plan text, other settings) it no longer holds and is not applied."""
    from jtcompare.report.evidence import confirmation

    return confirmation(note) is not None


def _pinned(m: MeasureResult, o: Override, plan: Plan) -> MeasureResult:
    matches = m.matches
    if o.match:
        pinned = [(pm, c) for c in plan.clauses for pm in c.measures if pm.id == o.match]
        if pinned:
            matches = (Match(pinned[0][0], pinned[0][1], 1.0),)
            # the words the view marks in the pinned sentence, from its cached tokens; the matcher's modules only
            # here, not on every warm align
            from jtcompare.match.highlights import highlighted
            from jtcompare.match.scoring import remember

            remember(plan)
            m = highlighted(dataclasses.replace(m, matches=matches))
    who = ", ".join(x for x in (o.by, o.date) if x)
    who = f" ({who})" if who else ""
    note = f"{o.note}{who}".strip()
    confirmed = is_confirmation(o.note)
    evidence = f"{o.status} (analyst override; engine said {m.status}): {note}"
    return dataclasses.replace(
        m,
        status=o.status,
        matches=matches,
        # a confirmation agrees with the engine's call: its reasons and how sure it was still stand, and the
        # confirmation follows them (report/evidence.split_confirmation reads it back)
        evidence=f"{m.evidence}; {note}" if confirmed else evidence,
        overridden=note or "override",
        confirmed=confirmed,
        engine_status=m.status,
        engine_confidence=m.confidence,  # what the engine's call was worth, for measuring it against analysts
        confidence=m.confidence if confirmed else None,  # else an analyst's call, not the model's
        check=False,
    )


def add_override(
    folder: Path, plan: Plan, base: Plan, measure_id: str, status: str, *, note: str, by: str, match: str = ""
) -> tuple[Path, Override | None]:
    """Append (or replace) one override and write the file atomically, under the library's lock; the file, and
    the override it replaced when that said something else (another analyst's call, which the caller says is
    gone; None when the cell had none, or the same call, note and author)."""
    from jtcompare.plans.library_edit import writing  # tomlkit and flock: only when an override is written

    new = checked_override(plan, base, measure_id, status, note=note, by=by, match=match)
    with writing(folder):  # two analysts pinning at once: each sees the other's row
        rows = read_overrides(folder, plan.id)
        replaced = next((o for o in reversed(rows) if same_cell(o, new)), None)  # the last is the one applied
        if replaced is not None and _said(replaced) == _said(new):
            replaced = None
        kept = [o for o in rows if not same_cell(o, new)]
        return write_overrides(folder, plan.id, [*kept, new]), replaced


def remove_override(folder: Path, start: Path, plan_id: str, base_id: str, measure_id: str) -> tuple[Path, Override]:
    """Remove the override of `measure_id` against `base_id` from `plan_id`'s file in `folder` (atomically, under
    the library's lock), and return the file and the override removed. Looked for first in `start`, the library as
    it is (`library_edit.library_now`), so that a clear that finds nothing neither waits nor makes your library.
    A measure the base no longer has may be cleared too: that is how a stale override goes."""
    from jtcompare.plans.library_edit import writing

    _pinned_in(start, plan_id, base_id, measure_id)
    with writing(folder):
        rows = read_overrides(folder, plan_id)
        gone = _pinned_in(folder, plan_id, base_id, measure_id, rows)
        # every row of that cell goes (a file edited by hand may hold two; the last is the one applied)
        kept = [o for o in rows if not _of_cell(o, base_id, measure_id)]
        return write_overrides(folder, plan_id, kept), gone


def _named(folder: Path, plan_id: str) -> Message:
    """The plan as a message names it (errors.plan_ref): its name read from the library, else its id."""
    from jtcompare.plans.registry import open_library

    try:
        return plan_ref(plan_id, open_library(folder).find(plan_id).name)
    except JtError:
        return plan_ref(plan_id, plan_id)


def _of_cell(o: Override, base_id: str, measure_id: str) -> bool:
    return o.measure == measure_id and o.base in ("", base_id)


def _pinned_in(
    folder: Path, plan_id: str, base_id: str, measure_id: str, rows: list[Override] | None = None
) -> Override:
    """The override of that cell in `folder`; BadOption naming the file when there is none."""
    rows = read_overrides(folder, plan_id) if rows is None else rows
    found = next((o for o in reversed(rows) if _of_cell(o, base_id, measure_id)), None)  # the one applied
    if found is None:
        path = overrides_path(folder, plan_id)
        raise BadOption(
            f"{path}: no override of {measure_id} for {plan_id} against {base_id} to remove",
            message("error.no_override", path=path, measure=measure_id, plan=_named(folder, plan_id), base=base_id),
        )
    return found


def checked_override(
    plan: Plan, base: Plan, measure_id: str, status: str, *, note: str, by: str, match: str
) -> Override:
    """An override of base measure `measure_id`, checked against both plans (BadOption names the problem)."""
    if plan.id == base.id:
        raise BadOption(
            f"'{plan.id}' is the base plan: an override corrects how another plan takes up {base.id}'s measures; "
            f"name a plan other than the base",
            message("error.override_base", plan=plan.id, base=base.id),
        )
    for what, value, allow in (("note", note, "\n\r\t"), ("by", by, "")):  # a note may run over lines
        if hidden := hidden_characters(value, allow):
            raise BadOption(
                f"the {what} {value!r} holds {describe_characters(hidden)}: control and invisible characters "
                f"are refused, not stored; remove them",
                message(
                    "error.hidden_in_note",
                    what=message(f"error.note_field.{what}"),
                    codes=code_points(hidden),
                    en=f"the {what} {value!r} holds {describe_characters(hidden)}",
                ),
            )
    from jtcompare.report.vocab import parse_status, status_choices

    typed, status = status, parse_status(status)  # by id or by the name an output prints: partial, 部分采纳
    if status is None:
        raise BadOption(f"unknown status '{typed}'; choose one of {status_choices()}", _unknown_status(typed))
    texts = {m.id: m.text for m in base.measures}
    if measure_id not in texts:
        raise no_such_measure(base.id, measure_id)
    if match and match not in {m.id for m in plan.measures}:
        raise BadOption(
            f"{plan.id} has no measure '{match}'", message("error.no_plan_measure", plan=plan.id, measure=match)
        )
    return Override(base.id, measure_id, status, match, note, by, date.today().isoformat(), texts[measure_id])


def no_such_measure(base_id: str, measure_id: str) -> BadOption:
    return BadOption(
        f"{base_id} has no measure '{measure_id}' (ids look like N08.03; see "
        f"{either(f'`jtcompare show {base_id}`', f'Library().plan({base_id!r}).measures')})",
        message("error.no_measure", base=base_id, measure=measure_id),
    )


def _said(o: Override) -> tuple[str, str, str, str]:
    return o.status, o.note, o.by, o.match


def same_cell(o: Override, new: Override) -> bool:
    return _of_cell(o, new.base, new.measure)


def write_overrides(folder: Path, plan_id: str, rows: list[Override]) -> Path:
    """Write a plan's overrides file atomically; a caller that read it first holds `writing(folder)`."""
    from jtcompare.report.cells import csv_text  # quotes a bare \r in a note, which csv.writer leaves bare

    text = csv_text([COLUMNS, *([_stored(getattr(o, c)) for c in COLUMNS] for o in rows)])
    path = overrides_path(folder, plan_id)
    write_atomic(path, text.encode("utf-8"))
    return path


def _stored(value: str) -> str:
    """A field as the CSV holds it: behind a quote when a spreadsheet would run it as a formula, or when it starts
    with a quote itself (so that reading it back removes only the quote added here)."""
    return "'" + value if value.startswith((*FORMULA_START, "'")) else value


def _as_written(value: str) -> str:
    """A field as the analyst wrote it: the quote `_stored` added, removed."""
    return value[1:] if value.startswith("'") and value[1:].startswith((*FORMULA_START, "'")) else value


def _unknown_status(typed: str) -> Message:
    return message("error.unknown_status", status=typed, choices=[message(f"status.{s}") for s in STATUSES])
