"""The matrix as one self-contained HTML page: a heatmap of plans x base clauses (expandable to measures)
and a stacked bar chart of statuses per plan drawn as inline SVG.

Clause cells are rendered on the server; measure cells are built by the page's script from one short
string per plan (a status code per base measure), so 300 plans stay a few megabytes. Every cell links to
that plan's view (`<plan id>.html` next to the heatmap) at the clause or measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from jtcompare.match.results import STATUSES, Alignment
from jtcompare.report.caveats import alike, caveats, said_of, said_once
from jtcompare.report.html import StatusInfo, labels, render, status_info
from jtcompare.report.i18n import Lang
from jtcompare.report.palette import COVERAGE_BINS
from jtcompare.version import __version__

# Coverage bins and their colours: report.palette (one hue, lightness falling with coverage, so the map reads
# in greyscale too); every cell also prints its percentage, and an empty cell (nothing taken up) is hatched.
BINS = COVERAGE_BINS
BAR_ROW, BAR_LABEL, BAR_WIDTH = 18, 150, 640  # the bar chart's geometry in px


def coverage_bin(value: float | None) -> int:
    """0 for nothing taken up, then quarters: 1 (0-25%), 2, 3, 4 (75-100%)."""
    if not value:
        return 0
    return next(k for k, (top, _) in enumerate(BINS) if k and (value < top or k == len(BINS) - 1))


def view_href(plan_id: str) -> str:
    """The relative link to a plan's view; quoted, and './' first so no id can read as a URL scheme."""
    return "./" + quote(f"{plan_id}.html")


@dataclass(frozen=True)
class Cell:
    clause: str
    coverage: float
    bin: int
    overridden: bool


@dataclass(frozen=True)
class PlanRow:
    id: str
    name: str
    href: str
    coverage: float
    counts: list[tuple[StatusInfo, int]]
    cells: list[Cell]
    bars: list[tuple[StatusInfo, int, float, float]]  # status, count, x, width (px)
    caveats: list[str]  # shown beside the plan's coverage and in full under the map


@dataclass(frozen=True)
class ColumnHead:
    id: str
    number: str
    title: str
    measures: int
    mean: float  # the clause's mean coverage over the plans (to order the columns)


def legend_bins(t: dict[str, str]) -> list[tuple[int, str, str]]:
    out = [(0, BINS[0][1], t["heat.none"])]
    low = 0
    for k, (top, colour) in enumerate(BINS[1:], 1):
        out.append((k, colour, f"{low:.0%}–{top:.0%}"))
        low = top
    return out


def plan_row(
    a: Alignment, columns: list[str], infos: list[StatusInfo], lang: Lang, shared: set[tuple] = frozenset()
) -> PlanRow:
    results = {c.clause.id: c for c in a.clauses}
    over = {m.clause.id for m in a.measures if m.corrected}
    cells = [
        Cell(cid, results[cid].coverage or 0.0, coverage_bin(results[cid].coverage), cid in over) for cid in columns
    ]
    counts = a.counts()
    total = sum(counts.values()) or 1
    bars, x = [], 0.0
    for s in infos:
        n = counts.get(s.key, 0)
        width = BAR_WIDTH * n / total
        bars.append((s, n, round(x, 2), round(width, 2)))
        x += width
    name = a.plan.meta.name
    own = [c for c in caveats(a) if said_of(c) not in shared]
    return PlanRow(
        a.plan.id,
        name,
        view_href(a.plan.id),
        a.coverage,
        [(s, counts.get(s.key, 0)) for s in infos],
        cells,
        bars,
        [c.text(lang) for c in own],
    )


def matrix_page(alignments: list[Alignment], lang: Lang) -> dict[str, Any]:
    """Everything the heatmap template shows: columns (the base's counted clauses), rows, bars, script data."""
    base = alignments[0].base
    infos = status_info(lang)
    t = labels(lang)
    clauses = [c for c in alignments[0].clauses if c.role == "action"]
    columns = [c.clause.id for c in clauses]
    shared = alike([c for a in alignments for c in caveats(a)], len(alignments))
    rows = [plan_row(a, columns, infos, lang, shared) for a in alignments]
    every = [c for a in alignments for c in caveats(a) if said_of(c) in shared]
    heads = [
        ColumnHead(
            c.clause.id,
            c.clause.number or "",
            c.clause.title,
            len(c.clause.measures),
            sum(r.cells[k].coverage for r in rows) / len(rows),
        )
        for k, c in enumerate(clauses)
    ]
    code = {s: str(k) for k, s in enumerate(STATUSES)}
    return {
        "lang": lang,
        "t": t,
        "statuses": infos,
        "base": base.meta,
        "version": __version__,
        "columns": heads,
        "rows": rows,
        "shared": said_once(every, len(alignments), lang),  # once, of `every plan`
        "bins": legend_bins(t),
        "bar": {"row": BAR_ROW, "label": BAR_LABEL, "width": BAR_WIDTH, "height": BAR_ROW * len(rows) + 4},
        "data": {
            "statuses": [{"key": s.key, "label": s.label, "symbol": s.symbol, "pattern": s.pattern} for s in infos],
            "clauses": {c.clause.id: [m.id for m in c.clause.measures] for c in clauses},
            "texts": {m.id: m.text for c in clauses for m in c.clause.measures},
            "plans": [
                {
                    "href": r.href,
                    "codes": "".join(code.get(m.status, "?") for m in a.measures),
                    # key units covered and total, two base-36 digits a measure ("24": 2 of 4; "00": none shown)
                    "units": "".join(_digit(m.key_units_covered) + _digit(m.key_units_total) for m in a.measures),
                    "overridden": [k for k, m in enumerate(a.measures) if m.corrected],
                }
                for r, a in zip(rows, alignments, strict=True)
            ],
            "order": [m.id for m in base.measures],
            "labels": {k: v for k, v in t.items() if k.startswith("js.")},
        },
    }


def _digit(n: int) -> str:
    return "0123456789abcdefghijklmnopqrstuvwxyz"[min(n, 35)]


def matrix_html(alignments: list[Alignment], lang: Lang) -> str:
    """The heatmap page of several alignments against one base."""
    return render("matrix.html", ["matrix.js"], **matrix_page(alignments, lang))
