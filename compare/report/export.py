"""Text renderings shared by the CLI and the report writers: Markdown (compact pipe tables) and CSV.

Plan text is untrusted: Markdown cells escape every inline special and line break; CSV and Excel
cells that start with = + - @ are written so no spreadsheet reads them as formulas. Markdown is
in the language asked for; CSV keeps English keys and ids (statuses, yes/no), its sentences (evidence,
units not covered) in the language asked for.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from jtcompare.match.results import STATUSES, UNITS_JOINED, Alignment, MeasureResult
from jtcompare.report.caveats import Caveat, apart, caveats, said_once
from jtcompare.report.cells import csv_text, pct, pipe_table, safe_cell, target_phrase
from jtcompare.report.frames import (
    clause_coverages,
    gap_measures,
    gaps_frame,
    local_frame,
    measure_frame,
    status_marks,
    summary_frame,
    summary_row,
    targets_frame,
    with_marks,
)
from jtcompare.report.i18n import Lang
from jtcompare.report.palette import ordered, style
from jtcompare.report.vocab import (
    base_title,
    cell_text,
    column,
    distinct_names,
    plan_title,
    shared_names,
    summary_names,
    text,
    worded,
)

if TYPE_CHECKING:  # the frames are built in frames.py; the matrix's CSV and Markdown are written from rows
    import pandas as pd

NUMERIC = {
    "score",
    "nearest",
    "confidence",
    "coverage",
    "measures",
    "local",
    "overridden",
    "flagged",
    "engine_confidence",
    *STATUSES,
    "base_year",
    "plan_year",
}


def frame_md(df: pd.DataFrame, lang: Lang, columns: Sequence[str] | None = None) -> str:
    """A frame as a pipe table with titled columns and readable values (no nan, 42 not 42.0)."""
    keys = list(columns or df.columns)
    return rows_md(df[keys].to_dict(orient="records"), lang, keys)


def rows_md(rows: Sequence[dict], lang: Lang, keys: Sequence[str]) -> str:
    """Rows (dicts) as a pipe table of the columns `keys`, titled and worded like frame_md."""
    cells = [[_md_cell(k, row[k], lang) for k in keys] for row in rows]
    right = [j for j, k in enumerate(keys) if k in NUMERIC]
    return pipe_table(cells, [_title(k, lang) for k in keys], right=right)


def _md_cell(key: str, value: object, lang: Lang) -> str:
    """A cell's words; a status also carries its symbol (report.palette), which prints in black and white."""
    words = cell_text(key, value, lang)
    if key == "status" and words:
        return f"{style(str(value).rstrip('*?')).symbol} {words}"
    return words


def legend_md(lang: Lang) -> list[str]:
    """The legend line of a Markdown report whose cells carry status symbols: symbol and word of each status."""
    pairs = " · ".join(f"{look.symbol} {cell_text('status', s, lang)}" for s, look in ordered())
    return ["", text("md.legend", lang) + pairs]


def _title(key: str, lang: Lang) -> str:
    if key in STATUSES:
        return cell_text("status", key, lang)
    try:
        return column(key, lang)
    except KeyError:  # a plan id (Clauses table) is its own title
        return key


def frame_csv(df: pd.DataFrame, lang: Lang = "en") -> str:
    """A frame as CSV: English keys and ids, its sentences (evidence, units not covered) in `lang`."""
    return csv_header(list(df.columns)) + csv_lines(df.itertuples(index=False), list(df.columns), lang)


# a spreadsheet opening a CSV reads "2/3" as the 3rd of February: the key units and those covered go as two
# numbers, under the names every data output gives them (JSON, frames, SQLite), the total first as the columns
# stood before they were renamed (a script reading by position reads the same numbers)
UNIT_PAIR = ("key_units_total", "key_units_covered")


def csv_header(columns: Sequence[str]) -> str:
    return csv_text([[c for k in columns for c in (UNIT_PAIR if k == "units" else (k,))]])


def csv_lines(rows: Iterable[Sequence[object]], columns: Sequence[str] = (), lang: Lang = "en") -> str:
    """CSV lines of `rows` (each a sequence of values, under `columns`), every cell safe for a spreadsheet:
    frame_csv, or the rows of one plan at a time when a matrix of many plans is streamed (cells.csv_text quotes a
    bare \r). The sentences among the columns (vocab.PROSE) are worded in `lang`; "units" (2/3) goes as two
    numbers (UNIT_PAIR)."""
    if lang != "en":
        rows = ([worded(k, v, lang) for k, v in zip(columns, row, strict=True)] for row in rows)
    if "units" in columns:
        k = list(columns).index("units")
        rows = ([*row[:k], *_unit_pair(row[k]), *row[k + 1 :]] for row in map(list, rows))
    return csv_text([safe_cell(_csv_value(v)) for v in row] for row in rows)


def _unit_pair(value: object) -> tuple[object, object]:
    """ "2/3" -> (3, 2), UNIT_PAIR's order; a measure without units ("") has 0 of 0, as in JSON and SQLite."""
    covered, _, total = str(value).partition("/")
    return (int(total), int(covered)) if covered.isdigit() and total.isdigit() else (0, 0)


def _csv_value(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value


def _caveat_lines(alignments: list[Alignment], lang: Lang) -> list[str]:
    return caveat_md([c.text(lang) for a in alignments for c in caveats(a)], lang)


def caveat_md(found: Sequence[str], lang: Lang) -> list[str]:
    if not found:
        return []
    return ["", f"## {text('md.caveats', lang)}", "", *(f"- {c}" for c in found)]


def _vs(a: Alignment, lang: Lang) -> dict[str, str]:
    return {"plan": plan_title(a.plan.meta), "base": base_title(a.base.meta, lang)}


def alignment_markdown(a: Alignment, lang: Lang = "en", *, shown: Collection[str] | None = None) -> str:
    """The align report as Markdown: summary, caveats, clause roll-up, measures (of the statuses `shown`, or
    all), local additions."""
    summary = summary_frame([a])
    frame = measure_frame([a])
    measures = _starred(frame, a.measures)
    if shown is not None:
        measures = measures[frame["status"].isin(shown)]
    lines = [
        f"# {text('md.align_title', lang, **_vs(a, lang))}",
        *legend_md(lang),
        "",
        frame_md(summary, lang, [*STATUSES, "coverage", "local"]),
        *_caveat_lines([a], lang),
        "",
        f"## {text('md.clauses', lang)}",
        "",
        pipe_table(
            [
                [
                    r.clause.label,
                    _md_cell("status", r.status, lang),
                    pct(r.coverage),
                    "; ".join(f"{p.label} ({s:.2f})" for p, s in r.matches),
                ]
                for r in a.clauses
            ],
            [column("clause", lang), column("status", lang), column("coverage", lang), column("plan_clause", lang)],
            right=[2],
        ),
        "",
        f"## {text('md.measures', lang)}",
        "",
        frame_md(
            measures,
            lang,
            ["measure", "status", "units", "confidence", "text", "plan_measure", "plan_text", "evidence"],
        ),
        "",
        confidence_note(a, lang),
    ]
    lines += _local_md(a, lang)
    return "\n".join(lines) + "\n"


def confidence_note(a: Alignment, lang: Lang) -> str:
    """What the confidence column is and where the flag starts, under every Markdown table that shows it."""
    return text("md.confidence_note", lang, threshold=f"{a.settings.check_below:g}")


def _starred(df: pd.DataFrame, measures: Sequence[MeasureResult]) -> pd.DataFrame:
    """The frame's statuses (its rows are `measures`, in order) with their marks, as the terminal table and the
    workbook show them (frames.status_marks)."""
    df = df.copy()
    df["status"] = with_marks(list(df["status"]), measures)
    return df


def _local_md(a: Alignment, lang: Lang) -> list[str]:
    if not a.local:
        return []
    return [
        "",
        f"## {text('md.local', lang, n=len(a.local))}",
        "",
        frame_md(local_frame([a]), lang, ["plan_measure", "plan_clause", "plan_text", "nearest"]),
    ]


def matrix_markdown(alignments: list[Alignment], lang: Lang = "en") -> str:
    """Summary, caveats, clause matrix, then per plan its omitted and partial measures."""
    head = matrix_md_head(
        base_title(alignments[0].base.meta, lang),
        [c.label for c in alignments[0].base.clauses],
        [summary_row(a) for a in alignments],
        [c for a in alignments for c in caveats(a)],
        {a.plan.id: clause_coverages(a) for a in alignments},
        lang,
        shared_names(a.plan.meta for a in alignments),
    )
    return head + "".join(gaps_md(a, lang) for a in alignments) + "\n"


def matrix_md_head(
    base: str,
    clauses: Sequence[str],
    summary: Sequence[dict],
    found: Sequence[Caveat],
    coverages: dict[str, Sequence[float | None]],
    lang: Lang,
    shared: Collection[str] = (),
) -> str:
    """The matrix's Markdown up to the per-plan sections: title, summary, caveats, clause matrix. From compact
    parts (summary rows, caveat texts, each plan's clause coverages), so that a streamed matrix needs no
    alignment at the end."""
    plans = list(coverages)
    hidden = ("kind", "plan") if lang == "zh" else ("kind",)  # in Chinese the name column names the plan
    keys = [c for c in summary[0] if c not in hidden] if summary else []
    shown = distinct_names(((r["plan"], r["name"]) for r in summary), shared)  # the notes name plans as the rows do
    summary = apart(summary_names(summary, lang, shared), found)  # what every plan has alike is said once, below
    names = {r["plan"]: r["name"] for r in summary} if lang == "zh" else {}
    lines = [
        f"# {text('md.matrix_title', lang, base=base)}",
        "",
        f"## {text('md.summary', lang)}",
        "",
        rows_md(summary, lang, keys),
        *caveat_md(said_once(found, len(summary), lang, shown), lang),
        "",
        f"## {text('md.clauses', lang)}",
        "",
        pipe_table(
            [[label, *(pct(coverages[p][k]) for p in plans)] for k, label in enumerate(clauses)],
            [column("clause", lang), *(names.get(p, p) for p in plans)],
            right=list(range(1, len(plans) + 1)),
        ),
    ]
    return "\n".join(lines)


def gaps_md(a: Alignment, lang: Lang) -> str:
    """One plan's section of the matrix Markdown: its omitted and partial counted measures, each with its key
    units covered and the units not covered (starts with the blank lines that part it from what comes before).
    Made from one alignment, so that a streamed matrix writes it as the plan is done."""
    gaps = gap_measures(a)
    head = text("md.gaps_of", lang, name=a.plan.meta.name, id=a.plan.id, n=len(gaps))
    table = pipe_table(
        [
            [
                m.measure.id,
                cell_text("status", m.status, lang) + status_marks(m),
                m.key_units_shown,
                m.clause.label,
                m.measure.text,
                cell_text("units_missing", UNITS_JOINED.join(m.units_missing), lang) if m.units_missing else "",
            ]
            for m in gaps
        ],
        [column(k, lang) for k in ("measure", "status", "units", "clause", "text", "units_missing")],
    )
    return "\n".join(["", "", f"## {head}", "", table, "", confidence_note(a, lang)])  # what ? and * mean


def targets_md(df: pd.DataFrame, lang: Lang, *, with_plan: bool) -> str:
    """Targets as phrases (下降10%左右), so no direction is lost and no nan or 42.0 is shown."""
    keys = ["measure", "base_indicator", "base_year", "base_target", "plan_indicator", "plan_year", "plan_target"]
    keys = (["plan"] if with_plan else []) + keys + ["verdict", "plan_measure"]
    rows = []
    for r in df.to_dict(orient="records"):
        r["base_target"] = target_phrase(r["base_comparator"], r["base_value"], r["base_unit"])
        r["plan_target"] = target_phrase(r["plan_comparator"], r["plan_value"], r["plan_unit"])
        rows.append([cell_text(k, r[k], lang) for k in keys])
    right = [j for j, k in enumerate(keys) if k.endswith("year")]
    return pipe_table(rows, [column(k, lang) for k in keys], right=right)


def report_markdown(a: Alignment, lang: Lang = "en") -> str:
    """The gap report of one plan: summary, caveats, gaps with the nearest plan text and evidence, targets, local."""
    summary = summary_frame([a])
    gaps = _starred(gaps_frame(a), gap_measures(a))
    lines = [
        f"# {text('md.report_title', lang, **_vs(a, lang))}",
        *legend_md(lang),
        "",
        frame_md(summary, lang, [c for c in summary.columns if c not in ("plan", "kind", "caveats")]),
        *_caveat_lines([a], lang),
        "",
        f"## {text('md.gaps', lang)}",
        "",
        frame_md(gaps, lang, [c for c in gaps.columns if c not in ("plan", "base", "departments")]),
        "",
        confidence_note(a, lang),
        "",
        f"## {text('md.targets', lang)}",
        "",
        targets_md(targets_frame([a]), lang, with_plan=False),
        *(_local_md(a, lang) or ["", f"## {text('md.local', lang, n=0)}"]),
    ]
    return "\n".join(lines) + "\n"
