"""The matrix of many plans, written as each plan finishes: every plan's alignment is cut down at once to
what the output needs of it (its summary row, caveats, clause coverages and its text in the format asked for),
so memory holds counts and text, never every alignment. The workbook and the heatmap are the exceptions: they
are built from all alignments at the end (see cli/matrix.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jtcompare.cli.output import Write
    from jtcompare.match.results import Alignment
    from jtcompare.report.caveats import Caveat
    from jtcompare.report.i18n import Lang

STREAMED = ("table", "md", "json", "csv")


@dataclass(frozen=True)
class PlanPart:
    """What the matrix keeps of one plan."""

    summary: dict  # the plan's summary row (report/frames.py SUMMARY_COLUMNS)
    caveats: tuple[Caveat, ...]  # said at the end, once for the plans that share one
    coverages: tuple[float | None, ...] = ()  # md: coverage of each base clause
    body: str = ""  # csv: its measure lines; json: its alignment as JSON; md: its omitted measures
    base: tuple[str, tuple[str, ...]] = ("", ())  # md: the base's title and clause labels
    shared_name: bool = False  # another plan of the library has its name: 武汉市（wuhan） in a Chinese table


@dataclass(frozen=True)
class Reduce:
    """Cuts an alignment down to its PlanPart; picklable, so `--jobs` workers do it and send back only that."""

    fmt: str
    lang: Lang

    def __call__(self, a: Alignment) -> PlanPart:
        from jtcompare.report.caveats import caveats
        from jtcompare.report.frames import summary_row

        extra = _extra(a, self.fmt, self.lang)
        return PlanPart(summary_row(a), tuple(caveats(a)), **extra, shared_name=a.plan.meta.shared_name)


def _extra(a: Alignment, fmt: str, lang: Lang) -> dict:
    if fmt == "csv":
        from jtcompare.report.export import csv_lines
        from jtcompare.report.frames import MEASURE_COLUMNS, measure_rows

        return {"body": csv_lines((row.values() for row in measure_rows(a)), MEASURE_COLUMNS, lang)}
    if fmt == "json":
        from jtcompare.cli.render import to_json
        from jtcompare.report.records import alignment_dict

        return {"body": _indented(to_json(alignment_dict(a)), "    ", first=True)}
    if fmt == "md":
        from jtcompare.report.export import gaps_md
        from jtcompare.report.frames import clause_coverages
        from jtcompare.report.vocab import base_title

        base = (base_title(a.base.meta, lang), tuple(c.label for c in a.base.clauses))
        return {"body": gaps_md(a, lang), "coverages": clause_coverages(a), "base": base}
    return {}


def _indented(text: str, pad: str, *, first: bool) -> str:
    """`text` with every line (but the first, unless `first`) indented by `pad`: JSON nested one level deeper,
    as json.dumps(indent=2) writes it (a JSON string holds no raw line break, so lines are safe to indent)."""
    lines = text.split("\n")
    return "\n".join((pad + line if (k or first) else line) for k, line in enumerate(lines))


def write_matrix(parts: Iterable[PlanPart], fmt: str, lang: Lang, write: Write) -> None:
    """The matrix in `fmt` from the plans' parts as they come; what must come first but depends on every plan
    (the JSON and Markdown summary) is written at the end ahead of the plans' text, which waits in a
    temporary file."""
    if fmt == "csv":
        from jtcompare.report.export import csv_header
        from jtcompare.report.frames import MEASURE_COLUMNS

        write(csv_header(MEASURE_COLUMNS))
        for part in parts:
            write(part.body)
        return
    summary: list[dict] = []
    shared: set[str] = set()
    found: list[Caveat] = []
    coverages: dict[str, tuple[float | None, ...]] = {}
    base: tuple[str, tuple[str, ...]] = ("", ())
    import tempfile  # not at the top: `--help` need not load it

    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as bodies:
        for k, part in enumerate(parts):
            summary.append(part.summary)
            shared |= {part.summary["plan"]} if part.shared_name else set()
            found += part.caveats
            coverages[part.summary["plan"]] = part.coverages
            base = base if k else part.base
            bodies.write(("" if not k or fmt != "json" else ",\n") + part.body)
        write(_head(fmt, lang, summary, found, coverages, base, shared))
        bodies.seek(0)
        while chunk := bodies.read(1 << 20):
            write(chunk)
        write(_tail(fmt))


def _head(
    fmt: str,
    lang: Lang,
    summary: list[dict],
    found: list[Caveat],
    coverages: dict[str, tuple[float | None, ...]],
    base: tuple[str, tuple[str, ...]],
    shared: Collection[str] = (),
) -> str:
    if fmt == "json":
        from jtcompare.cli.render import to_json
        from jtcompare.report.records import json_summary

        rows = [json_summary(r) for r in summary]
        return '{\n  "summary": ' + _indented(to_json(rows), "  ", first=False) + ',\n  "plans": [\n'
    if fmt == "md":
        from jtcompare.report.export import matrix_md_head

        return matrix_md_head(base[0], base[1], summary, found, coverages, lang, shared)
    return summary_table(summary, found, lang, shared)


def _tail(fmt: str) -> str:
    return {"json": "\n  ]\n}", "md": "\n"}.get(fmt, "")


def summary_table(rows: list[dict], found: list[Caveat], lang: Lang, shared: Collection[str] = ()) -> str:
    """The terminal summary: one line per plan in the language asked for, then the caveats (`found`) in full,
    one the plans share said once."""
    from jtcompare.cli import render
    from jtcompare.match.results import STATUSES
    from jtcompare.report.caveats import apart, said_once
    from jtcompare.report.vocab import cell_text, column, distinct_names, summary_names

    shown = distinct_names(((r["plan"], r["name"]) for r in rows), shared)  # the notes name plans as the rows do
    # in Chinese the name column names the plan (武汉市, which `align` also takes), so the id is left out
    rows = apart(summary_names(rows, lang, shared), found)  # a caveat every plan has is in the notes below, said once
    hidden = ("kind", "plan") if lang == "zh" else ("kind",)
    hidden += ("caveats",) if not any(r["caveats"] for r in rows) else ()  # an empty column says nothing
    keys = [k for k in (rows[0] if rows else {}) if k not in hidden]
    # left out, in this order, on a narrow terminal (not_applicable last: its count explains the coverage)
    optional = ["overridden", "flagged", "measures", "date", "caveats", "name", "local", "not_applicable"]
    if "plan" not in keys:
        optional.remove("name")
    while True:
        headers = [render.paint(cell_text("status", k, lang), k) if k in STATUSES else column(k, lang) for k in keys]
        names = [keys.index("name")] if lang == "zh" and "name" in keys else []  # the rows' ids in Chinese
        table = render.fit_table([[cell_text(k, r[k], lang) for k in keys] for r in rows], headers, keep=names)
        if render.width_of(table) <= render.terminal_width() or not optional:
            break
        keys.remove(optional.pop(0))
    notes = [render.wrap(f"! {c}", indent="  ") for c in said_once(found, len(rows), lang, shown)]
    return "\n".join([table, *(["", *notes] if notes else [])])
