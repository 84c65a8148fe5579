"""Excel workbooks for people who filter, sort, review and print: the coverage matrix and the gap report.

Every sheet prints readably on A4 landscape: computed row heights (openpyxl cannot auto-fit), narrow
id and status columns, wide text columns, the header row repeated on every page, and a page header
and footer naming plan, base, date and "page x of y". Every status is written in words (on the matrix, as a
symbol) and coloured, so the sheet also reads in black and white. Columns carry one vocabulary across sheets
(report.vocab).
Every sheet with a status on each row (Gaps, the report's Measures, the matrix's Review) has the review
columns: agree (yes/no), analyst status (the correction, a drop-down), analyst note, by and review date, read
back by `jtcompare override --import`. The matrix's Measures sheet prints as a matrix on a few landscape pages:
one line a row, a status symbol (report.palette) in each plan's cell, the symbols' legend in the page footer.
Plan text is written as text, never as a formula. Writers take a binary stream; the CLI decides where it goes
(atomically).
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import pandas as pd
from jtcompare.match.results import COVERAGE_STATUSES, STATUSES, Alignment, MeasureResult
from jtcompare.match.settings import DEFAULTS
from jtcompare.report.caveats import Caveat, apart, caveats, said_once
from jtcompare.report.cells import sheet_title, xml_text
from jtcompare.report.frames import (
    DATA_ONLY,
    chapter_label,
    clause_frame,
    gap_measures,
    gaps_frame,
    local_frame,
    measure_frame,
    status_marks,
    summary_frame,
    targets_frame,
    with_marks,
)
from jtcompare.report.i18n import Lang, label
from jtcompare.report.layout import char_units, row_height
from jtcompare.report.palette import COVERAGE_BINS, ordered, style
from jtcompare.report.provenance import Provenance, provenance
from jtcompare.report.vocab import (
    base_title,
    cell_text,
    column,
    distinct_names,
    marked_word,
    plan_title,
    shown_names,
    status_word,
    text,
    verdict_word,
    yes_no,
)
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment as Align
from openpyxl.styles import Border, Color, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

# the status colours of every output (report.palette), as openpyxl writes them: RRGGBB
FILLS = {s: look.colour.lstrip("#") for s, look in ordered()}
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
REVIEW_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells an analyst fills in
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class Spec:
    width: float
    wrap: bool = False
    number_format: str | None = None


# one width and format per column key, on every sheet: ids and statuses narrow, sentences wide
SPECS: dict[str, Spec] = {
    "plan": Spec(10),
    "base": Spec(9),
    "name": Spec(8),
    "kind": Spec(27, wrap=True),
    "date": Spec(11),
    "measures": Spec(9),
    "coverage": Spec(9, number_format="0%"),
    "local": Spec(8),
    "overridden": Spec(10, wrap=True),
    "flagged": Spec(9),
    "caveats": Spec(16, wrap=True),
    "measure": Spec(9),
    "chapter": Spec(11, wrap=True),
    "clause": Spec(16, wrap=True),
    "departments": Spec(18, wrap=True),
    "counted": Spec(8),
    "status": Spec(10),
    "score": Spec(7, number_format="0.00"),
    "nearest": Spec(7, number_format="0.00"),
    "units": Spec(7),
    "units_missing": Spec(24, wrap=True),
    "confidence": Spec(8, number_format="0.00"),
    "text": Spec(38, wrap=True),
    "plan_measure": Spec(10),
    "plan_clause": Spec(16, wrap=True),
    "plan_text": Spec(38, wrap=True),
    "evidence": Spec(28, wrap=True),
    "analyst_agree": Spec(6),
    "analyst_status": Spec(11),
    "analyst_note": Spec(16, wrap=True),
    "by": Spec(8),
    "analyst_date": Spec(10, number_format="yyyy-mm-dd"),
    "base_indicator": Spec(18, wrap=True),
    "plan_indicator": Spec(18, wrap=True),
    "base_year": Spec(7, number_format="0"),
    "plan_year": Spec(7, number_format="0"),
    "base_comparator": Spec(11, wrap=True),
    "plan_comparator": Spec(11, wrap=True),
    "base_value": Spec(9, number_format="General"),
    "plan_value": Spec(9, number_format="General"),
    "base_unit": Spec(9, wrap=True),
    "plan_unit": Spec(9, wrap=True),
    "verdict": Spec(10),
    **{s: Spec(9) for s in STATUSES},
}
DEFAULT_SPEC = Spec(12, wrap=True)
REVIEW = ("analyst_agree", "analyst_status", "analyst_note", "by", "analyst_date")


def fill(status: str) -> PatternFill:
    return PatternFill("solid", fgColor=FILLS.get(status, "FFFFFF"))


def paint(cell: Any, status: str, *, bold: bool = False) -> None:
    """A status cell in the status's colour, its text in the ink that reads on it (white on the dark ones)."""
    cell.fill = fill(status)
    # a copy of the cell's own font with the ink: a bare Font() has no name or size, and LibreOffice then prints
    # the word in a wider fallback that overruns a narrow status column
    font = copy(cell.font)
    font.b, font.color = bold, Color(style(status).ink.lstrip("#"))
    cell.font = font


def put(ws: Worksheet, row: int, col: int, value: Any) -> Any:
    """Write a cell; strings always stay strings (no formula from plan text) and hold only what XML can."""
    if isinstance(value, float) and pd.isna(value):
        value = None
    if isinstance(value, str):
        value = xml_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class Context:
    """What every sheet's page header and footer names."""

    lang: Lang
    plans: str  # 武汉市减污降碳协同增效实施方案, or 重庆市、武汉市、成都市
    base: str
    prov: Provenance
    names: dict[str, str] = field(default_factory=dict)  # plan id -> 武汉市 in a Chinese workbook (ids in English)

    def name(self, plan_id: str) -> str:
        return self.names.get(plan_id, plan_id)


def _context(alignments: list[Alignment], lang: Lang) -> Context:
    if len(alignments) == 1:
        plans = plan_title(alignments[0].plan.meta)
    else:
        plans = "、".join(a.plan.meta.name for a in alignments)
    metas = [a.plan.meta for a in alignments] + [a.base.meta for a in alignments[:1]]
    base = base_title(alignments[0].base.meta, lang)
    return Context(lang, plans, base, provenance(alignments), shown_names(metas, lang))


# --- tables -----------------------------------------------------------------------------------------------------


def _display(key: str, value: Any, lang: Lang) -> Any:
    """The cell value: words for statuses and verdicts, numbers stay numbers."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if key == "status":
        return marked_word(str(value), lang)
    if key == "verdict":
        return verdict_word(str(value), lang)
    if key == "counted":
        return yes_no(str(value), lang)
    if key in ("caveats", "evidence", "units_missing", "overridden") and isinstance(value, str):
        return cell_text(key, value, lang) or None
    return value


def _title(key: str, lang: Lang) -> str:
    if key in STATUSES:
        return status_word(key, lang)
    try:
        return column(key, lang)
    except KeyError:  # a plan id heads its own column (Clauses)
        return key


def write_table(ws: Worksheet, keys: list[str], rows: list[dict], ctx: Context, *, specs: dict | None = None) -> int:
    """A titled table from row 1: header, typed cells, widths, wrapping, row heights, coloured statuses.

    Returns the last row written.
    """
    specs = {**SPECS, **(specs or {})}
    spec = [specs.get(k, DEFAULT_SPEC) for k in keys]
    titles = [ctx.names.get(k) or _title(k, ctx.lang) for k in keys]  # a plan id heading its column: its name
    for j, title in enumerate(titles, 1):
        cell = put(ws, 1, j, title)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, GRID
        cell.alignment = Align(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = spec[j - 1].width
    ws.row_dimensions[1].height = row_height([(t, s.width) for t, s in zip(titles, spec, strict=True)])
    # A cell's style depends only on its column and status: each is made once and copied to the cells that share
    # it. Setting border, alignment and fill one by one looks each up in the workbook's style lists, which was
    # half the time of writing a workbook. Copying a cell's style array is how openpyxl copies styles itself.
    made: dict[tuple[int, str | None], StyleArray] = {}
    for i, row in enumerate(rows, 2):
        texts = []
        for j, key in enumerate(keys, 1):
            value = _display(key, row.get(key), ctx.lang)
            if key in ("plan", "base") and isinstance(value, str):
                value = ctx.name(value)
            cell = put(ws, i, j, value)
            status = str(row[key]).rstrip("*?") if key == "status" and row.get(key) else None
            if (j, status) in made:
                cell._style = copy(made[j, status])
            else:
                _style_cell(cell, key, spec[j - 1], status)
                made[j, status] = copy(cell._style)
            if spec[j - 1].wrap and isinstance(value, str):
                texts.append((value, spec[j - 1].width))
        ws.row_dimensions[i].height = row_height(texts)
    last = len(rows) + 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{last}"
    return last


def _style_cell(cell: Any, key: str, spec: Spec, status: str | None) -> None:
    """A table cell's border, wrapping, number format, status colours and review fill."""
    cell.border = GRID
    cell.alignment = Align(wrap_text=spec.wrap, vertical="top")
    if spec.number_format:
        cell.number_format = spec.number_format
    if status:
        paint(cell, status)
    if key in REVIEW:
        cell.fill = REVIEW_FILL


def _frame_rows(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")


# --- page setup -------------------------------------------------------------------------------------------------


def _escape(header_text: str) -> str:
    return xml_text(header_text).replace("&", "&&")


# A4 landscape less the 0.4 inch side margins, in screen pixels (96 per inch)
_A4_LANDSCAPE_PX = (11.69 - 0.8) * 96


def _width_px(ws: Worksheet, columns: int | None = None) -> float:
    """The printed width of the used columns (or the first `columns`): a column of width w (characters of the
    default font) is taken as 9w + 5 pixels (LibreOffice's default font is wider than Calibri's 7 pixels a digit),
    which is about what LibreOffice prints (SCALE_MARGIN)."""
    last = columns or ws.max_column
    widths = [ws.column_dimensions[get_column_letter(j)].width or 8.43 for j in range(1, last + 1)]
    return sum(9 * w + 5 for w in widths)


# The review sheets on paper: what a reader of a printed page needs, first and alone in the print area, with the
# review columns to write in (a status, a note: on paper a status written is the agreement or the correction);
# the rest (agree, chapter, departments, confidence, reviewer...) follows on screen only. All 17 columns fitted
# to an A4 width printed at about 5 points; these print at 7.
# The plan column prints where a sheet holds several plans (the matrix's Review), not on one plan's sheets.
PRINTED = {
    "one plan": ("measure", "status", "units", "text", "plan_measure", "plan_text", "evidence"),
    "plans": ("plan", "measure", "status", "units", "text", "plan_measure", "plan_text", "evidence"),
}
PRINTED_REVIEW = ("analyst_status", "analyst_note")
# _width_px is within about 1% of what LibreOffice prints: a scale from it alone filled the Gaps page to its
# edge, and one column more went over onto pages of its own; the margin keeps rounding on the page
SCALE_MARGIN = 0.96


def printed_first(keys: list[str], sheet: str) -> tuple[list[str], int]:
    """`keys` with the sheet's printed columns first (PRINTED, then the review columns to write in), and how
    many there are: the print area's width."""
    first = [k for k in (*PRINTED[sheet], *PRINTED_REVIEW) if k in keys]
    return first + [k for k in keys if k not in first], len(first)


def page_setup(ws: Worksheet, ctx: Context, *, title_rows: bool = True, printed: int | None = None) -> None:
    """A4 landscape, one page wide, header row on every page, header and footer with plan, base, date, page x of y;
    `printed`: only the first columns are printed (the print area), the rest are for the screen."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # shrink to one page wide only when the columns are wider than the page: a sheet that fits at 100% then
    # prints at 100% (LibreOffice, asked to fit a sheet that already fits, laid out a blank last page)
    ws.sheet_properties.pageSetUpPr.fitToPage = _width_px(ws, printed) > _A4_LANDSCAPE_PX
    if printed:
        ws.print_area = f"A1:{get_column_letter(printed)}{ws.max_row}"
        # a print area fitted to the width left a blank page after the sheet in LibreOffice: the scale is given
        # instead, from the same safe measure of the columns, so the area is one page wide all the same
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = min(100, int(100 * SCALE_MARGIN * _A4_LANDSCAPE_PX / _width_px(ws, printed)))
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = "1:1"
    vs = label("word.vs", ctx.lang)
    ws.oddHeader.left.text = _escape(f"{ctx.plans} {vs} {ctx.base}")
    ws.oddHeader.left.size = 8
    ws.oddHeader.right.text = _escape(f"&A · {ctx.prov.made}").replace("&&A", "&A")
    ws.oddHeader.right.size = 8
    ws.oddFooter.left.text = _escape(f"jtcompare {ctx.prov.version} · {ctx.prov.fingerprint}")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = label("excel.page", ctx.lang)
    ws.oddFooter.right.size = 8


def _note(ws: Worksheet, row: int, text_: str, ncols: int, *, bold: bool = False) -> None:
    """A sentence across the table's width (merged cells), with the height it needs."""
    width = sum(ws.column_dimensions[get_column_letter(j)].width or 10 for j in range(1, ncols + 1))
    cell = put(ws, row, 1, text_)
    cell.alignment = Align(wrap_text=True, vertical="top")
    cell.font = Font(bold=bold)
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = row_height([(text_, width)])


# --- sheets -----------------------------------------------------------------------------------------------------


def _sheet(wb: Workbook, key: str, ctx: Context, suffix: str = "") -> Worksheet:
    name = text(f"excel.sheet.{key}", ctx.lang) + (f" {suffix}" if suffix else "")
    return wb.create_sheet(sheet_title(name))


def _has_sheet(wb: Workbook, key: str, ctx: Context) -> bool:
    return sheet_title(text(f"excel.sheet.{key}", ctx.lang)) in wb.sheetnames


def summary_sheet(wb: Workbook, alignments: list[Alignment], ctx: Context) -> None:
    """The summary table, the caveats, the chart of statuses per plan, and where the figures come from."""
    ws = _sheet(wb, "summary", ctx)
    df = summary_frame(alignments)
    keys = list(df.columns)
    found: list[Caveat] = [c for a in alignments for c in caveats(a)]
    rows = apart(_frame_rows(df), found)  # what every plan has alike is said once, under the table
    specs: dict[str, Spec] = {}
    if ctx.names:  # the name column names the place: a Chinese sheet's plan column gives the plan's title
        titles = {a.plan.id: plan_title(a.plan.meta) for a in alignments}
        rows = [{**r, "plan": titles[r["plan"]]} for r in rows]
        specs["plan"] = Spec(SPECS["kind"].width, wrap=True)
    last = write_table(ws, keys, rows, ctx, specs=specs)
    ncols = len(keys)
    row = last + 2
    if found:
        _note(ws, row, text("md.caveats", ctx.lang), ncols, bold=True)
        shown = distinct_names((a.plan.id, a.plan.meta.name) for a in alignments)
        for said in said_once(found, len(alignments), ctx.lang, shown):
            row += 1
            _note(ws, row, "! " + said, ncols)
        row += 2
    row = _chart(ws, alignments, ctx, row, last) + 1
    _provenance(ws, row, ctx, ncols)
    page_setup(ws, ctx)


def _chart(ws: Worksheet, alignments: list[Alignment], ctx: Context, row: int, last: int) -> int:
    """A stacked bar per plan of its counted measures by status, under the table; returns the row after it."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = text("excel.chart_title", ctx.lang)
    chart.y_axis.title = column("measures", ctx.lang)
    chart.y_axis.majorGridlines = None
    first_status = 5  # plan, name, kind, date, then the statuses
    for k, status in enumerate(STATUSES):
        if status not in COVERAGE_STATUSES:  # the axis counts the measures counted, as the brief's chart does
            continue
        col = first_status + k
        data = Reference(ws, min_col=col, min_row=1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        series = chart.series[-1]
        series.graphicalProperties.solidFill = FILLS[status]
        series.graphicalProperties.line.solidFill = "808080"
    chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"  # plans top to bottom in the table's order
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.height = 4 + 1.2 * len(alignments)  # cm
    chart.width = 22
    ws.add_chart(chart, f"A{row}")
    rows_taken = int(chart.height / 0.53) + 2  # a 16-point row is about 0.56 cm
    return row + rows_taken


def _provenance(ws: Worksheet, row: int, ctx: Context, ncols: int) -> None:
    p = ctx.prov
    put(ws, row, 1, text("excel.provenance", ctx.lang)).font = Font(bold=True)
    items = [
        ("tool", f"jtcompare {p.version}"),
        ("base", ctx.base if ctx.names else f"{p.base}: {ctx.base}"),
        ("plans", "、".join(ctx.name(x) for x in p.plans) if ctx.names else ", ".join(p.plans)),
        ("date", p.made),
        ("settings", p.settings_line(text("excel.prov.defaults", ctx.lang))),
        ("fingerprint", f"{p.fingerprint} ({text('excel.prov.fingerprint_note', ctx.lang)})"),
    ]
    width = sum(ws.column_dimensions[get_column_letter(j)].width or 10 for j in range(3, max(ncols, 3) + 1))
    for k, (key, value) in enumerate(items, row + 1):
        put(ws, k, 1, text(f"excel.prov.{key}", ctx.lang)).font = Font(bold=True)
        ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=2)
        cell = put(ws, k, 3, value)
        cell.alignment = Align(wrap_text=True, vertical="top")
        if ncols > 3:
            ws.merge_cells(start_row=k, start_column=3, end_row=k, end_column=ncols)
        ws.row_dimensions[k].height = row_height([(value, width)])


def clauses_sheet(wb: Workbook, alignments: list[Alignment], ctx: Context) -> None:
    """Base clauses x plans: the clause's coverage, coloured white (0%) to purple (100%) as on the heatmap."""
    ws = _sheet(wb, "clauses", ctx)
    df = clause_frame(alignments)
    plans = [a.plan.id for a in alignments]
    # 30 rows took five pages when the department lists wrapped in a column of 18: the sheet has the width
    specs = {p: Spec(10, number_format="0%") for p in plans} | CLAUSE_SPECS
    last = write_table(ws, list(df.columns), _frame_rows(df), ctx, specs=specs)
    if len(df) and plans:
        _coverage_bins(ws, f"{get_column_letter(4)}2:{get_column_letter(3 + len(plans))}{last}")
    page_setup(ws, ctx)


CLAUSE_SPECS = {"chapter": Spec(14, wrap=True), "clause": Spec(26, wrap=True), "departments": Spec(40, wrap=True)}


def _coverage_bins(ws: Worksheet, cells: str) -> None:
    """The heatmap's colours for a coverage, bin by bin (report.palette.COVERAGE_BINS: the same quarters, the
    same purples, white type on the two darkest as the page has it; heatmap.coverage_bin's bounds, a bin holding
    its lower bound); 0% stays white."""
    from openpyxl.formatting.rule import FormulaRule

    corner = cells.split(":")[0]
    low = 0.0
    for k, (top, colour) in enumerate(COVERAGE_BINS[1:], 1):
        last = k == len(COVERAGE_BINS) - 1
        below = f"{corner}<={top}" if last else f"{corner}<{top}"
        rule = FormulaRule(
            formula=[f"AND(ISNUMBER({corner}),{corner}{'>' if k == 1 else '>='}{low},{below})"],
            fill=PatternFill("solid", fgColor=colour.lstrip("#"), bgColor=colour.lstrip("#")),
            font=Font(color="FFFFFF" if k >= 3 else "000000"),
            stopIfTrue=True,
        )
        ws.conditional_formatting.add(cells, rule)
        low = top


# the matrix sheet as printed: one line a row (ids, the measure's opening words clipped at the column's edge, a
# status symbol per plan), so 157 national measures x 3 plans take four A4 landscape pages, not sixteen
MATRIX_SPECS = {
    "measure": Spec(9),  # N1-00.01 whole
    "chapter": Spec(12),
    "clause": Spec(16),
    "counted": Spec(8),  # its title on one line
    "text": Spec(34),
}
MATRIX_FONT = 9  # points; one line of it in a row of MATRIX_ROW points
MATRIX_ROW = 12.5
STATUS_COL, UNITS_COL = 5, 5  # widths of a plan's two columns: a symbol and "2/3"


def measures_sheet(wb: Workbook, alignments: list[Alignment], ctx: Context) -> None:
    """Base measures x plans: a status symbol per plan (its word, evidence and match in the cell's comment), then
    its key units covered ("2/3"). Printed one line a row, plan columns titled upright, the symbols' legend in
    the page footer."""
    ws = _sheet(wb, "measures", ctx)
    keys = ["measure", "chapter", "clause", "counted", "text"]
    specs: dict[str, Spec] = dict(MATRIX_SPECS)
    specs["text"] = Spec(_text_width(len(alignments)))
    for a in alignments:
        keys += [a.plan.id, f"{a.plan.id} units"]
        specs[a.plan.id] = Spec(STATUS_COL)
        specs[f"{a.plan.id} units"] = Spec(UNITS_COL)
    rows = []
    base = alignments[0].base if alignments else None
    for i, base_m in enumerate(alignments[0].measures if alignments else ()):
        row = {
            "measure": base_m.measure.id,
            "chapter": chapter_label(base, base_m.clause) if base else "",
            "clause": base_m.clause.label,
            "counted": "yes" if base_m.counted else "no",
            "text": base_m.measure.text,
        }
        for a in alignments:
            row[f"{a.plan.id} units"] = a.measures[i].key_units_shown
        rows.append(row)
    headers = {f"{a.plan.id} units": f"{ctx.name(a.plan.id)} {column('units', ctx.lang)}" for a in alignments}
    last = write_table(ws, keys, rows, ctx, specs=specs)
    for j, key in enumerate(keys, 1):
        if key in headers:
            ws.cell(1, j).value = xml_text(headers[key])
    for k, a in enumerate(alignments):
        col = 6 + 2 * k
        for i, m in enumerate(a.measures, 2):
            cell = ws.cell(i, col)
            cell.value = style(m.status).symbol + status_marks(m)
            cell.alignment = Align(horizontal="center", vertical="top")
            paint(cell, m.status)
            cell.comment = Comment(xml_text(_comment(m, ctx.lang)), "jtcompare", width=400, height=200)
    _print_as_matrix(ws, keys, last)
    for i, base_m in enumerate(alignments[0].measures if alignments else (), 2):
        ws.row_dimensions[i].outlineLevel = 1 if base_m.clause.number is not None else 0
    ws.freeze_panes = "F2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{last}"
    page_setup(ws, ctx)
    ws.page_margins.top = ws.page_margins.bottom = 0.6  # room for five more rows a page; the header still clears
    symbols = "  ".join(f"{style(s).symbol} {status_word(s, ctx.lang)}" for s in STATUSES)
    ws.oddFooter.center.text = _escape(f"{symbols}  {text('excel.symbols', ctx.lang)}")
    ws.oddFooter.center.size = 8


def _print_as_matrix(ws: Worksheet, keys: list[str], last: int) -> None:
    """One line of small type a row: a sentence longer than its column is cut to what fits, with an ellipsis, and
    whole in the cell's comment (text left to run under the next column would still be printed there, under the
    status cells); the plan columns' titles turned upright so a plan's two columns stay narrow."""
    widths = [s.width for s in MATRIX_SPECS.values()]
    restyled: dict[tuple[tuple[int, ...], bool], StyleArray] = {}  # (style before, a text column) -> style after
    for row in ws.iter_rows(min_row=2, max_row=last):
        for cell in row:
            texts = cell.column <= len(MATRIX_SPECS)
            before = (tuple(cell._style), texts)
            if before in restyled:  # the same style restyled the same way: copied, not looked up again (write_table)
                cell._style = copy(restyled[before])
            else:
                font = copy(cell.font)
                font.size = MATRIX_FONT
                cell.font = font
                if texts:
                    cell.alignment = Align(wrap_text=False, vertical="top", shrink_to_fit=False)
                restyled[before] = copy(cell._style)
            if not texts:
                continue
            if isinstance(cell.value, str) and (cut := _clipped(cell.value, widths[cell.column - 1])) != cell.value:
                cell.comment = Comment(cell.value[:2000], "jtcompare", width=400, height=120)
                cell.value = cut
    for r in range(2, last + 1):
        ws.row_dimensions[r].height = MATRIX_ROW
    upright = [ws.cell(1, j) for j in range(len(MATRIX_SPECS) + 1, len(keys) + 1)]
    for cell in upright:
        cell.alignment = Align(text_rotation=90, vertical="bottom", horizontal="center", wrap_text=False)
        cell.font = Font(bold=True, sz=MATRIX_FONT)
    titles = [str(c.value or "") for c in upright]
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in t) for t in titles), default=0)
    # an upright title needs its length in height: about 5.5 points a Latin character (half a CJK one) at 9 points
    ws.row_dimensions[1].height = max(ws.row_dimensions[1].height or 0, 5.5 * longest + 8)


def _clipped(value: str, width: float) -> str:
    """`value` cut to one line of MATRIX_FONT type in a column `width` units wide (report.layout's measure, which
    is of 11-point type), an ellipsis marking the cut."""
    usable, used = width - 0.5 - char_units("…"), 0.0
    for k, ch in enumerate(value):
        used += char_units(ch) * MATRIX_FONT / 11
        if used > usable:
            return value[:k] + "…"
    return value


def _text_width(plans: int) -> float:
    """The measure text's column: what the page leaves beside the other columns (as _width_px counts them), at
    least 20 characters; with many plans the sheet is shrunk to the page's width instead."""
    others = [s.width for k, s in MATRIX_SPECS.items() if k != "text"] + [STATUS_COL, UNITS_COL] * plans
    left = _A4_LANDSCAPE_PX - sum(9 * w + 5 for w in others) - 5
    return max(20.0, min(60.0, left // 9))


def _comment(m: MeasureResult, lang: Lang = "en") -> str:
    lines = [cell_text("evidence", m.evidence, lang)]
    for x in m.matches:
        lines.append(f"[{x.score:.2f}] {x.clause.label}: {x.measure.text}")
    if m.corrected:  # a confirmation is said at the end of the evidence line already
        said = label("column.overridden", lang) if lang != "en" else "override"
        lines.append(f"{said}: {cell_text('overridden', m.overridden, lang)}")
    return "\n".join(lines)[:2000]


def gaps_sheet(wb: Workbook, a: Alignment, ctx: Context, *, suffix: str) -> None:
    """Omitted and partial measures with the nearest plan text, and the analyst's review columns."""
    ws = _sheet(wb, "gaps", ctx, suffix)
    df = gaps_frame(a)
    keys, printed = printed_first([k for k in df.columns if k != "base"] + list(REVIEW), "one plan")
    rows = _frame_rows(df)
    _mark(rows, gap_measures(a))
    last = write_table(ws, keys, rows, ctx)
    _review_dropdowns(ws, keys, last, ctx.lang)
    page_setup(ws, ctx, printed=printed)


def _review_dropdowns(ws: Worksheet, keys: list[str], last: int, lang: Lang) -> None:
    """The analyst status column accepts only status words, the agree column yes or no (either language reads
    back)."""
    statuses = ",".join(status_word(s, lang) for s in STATUSES)
    for key, words, prompt in (
        ("analyst_status", statuses, "excel.validation_prompt"),
        ("analyst_agree", f"{yes_no(True, lang)},{yes_no(False, lang)}", "excel.validation_agree"),
    ):
        dv = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True, showDropDown=False)
        dv.promptTitle = column(key, lang)
        dv.prompt = text(prompt, lang)
        dv.showInputMessage = True
        dv.showErrorMessage = True
        letter = get_column_letter(keys.index(key) + 1)
        dv.add(f"{letter}2:{letter}{max(last, 2)}")
        ws.add_data_validation(dv)


def targets_sheet(wb: Workbook, alignments: list[Alignment], ctx: Context) -> None:
    ws = _sheet(wb, "targets", ctx)
    df = targets_frame(alignments)
    write_table(ws, list(df.columns), _frame_rows(df), ctx)
    page_setup(ws, ctx)


def local_sheet(wb: Workbook, alignments: list[Alignment], ctx: Context) -> None:
    ws = _sheet(wb, "local", ctx)
    df = local_frame(alignments)
    write_table(ws, list(df.columns), _frame_rows(df), ctx)
    page_setup(ws, ctx)


def long_measures_sheet(wb: Workbook, alignments: list[Alignment], ctx: Context, *, key: str = "measures") -> None:
    """Every base measure of every plan, one row a cell (the gap report's full list, the matrix's Review sheet),
    with the review columns."""
    ws = _sheet(wb, key, ctx)
    df = measure_frame(alignments)
    rows = _frame_rows(df)
    _mark(rows, [m for a in alignments for m in a.measures])  # the frame's rows, in its order
    keys = [k for k in df.columns if k != "departments" and k not in DATA_ONLY] + list(REVIEW)
    keys, printed = printed_first(keys, "plans" if len(alignments) > 1 else "one plan")
    last = write_table(ws, keys, rows, ctx)
    _review_dropdowns(ws, keys, last, ctx.lang)
    page_setup(ws, ctx, printed=printed)


def _mark(rows: list[dict], measures: list[MeasureResult]) -> None:
    """The status of each row as the Measures sheet and the terminal show it, where the analyst reviews."""
    for r, marked in zip(rows, with_marks([r["status"] for r in rows], measures), strict=True):
        r["status"] = marked


def legend_sheet(wb: Workbook, alignments: list[Alignment], ctx: Context) -> None:
    """What the words, colours and numbers mean, printable on one A4 landscape page."""
    ws = _sheet(wb, "legend", ctx)
    lang = ctx.lang
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 100
    for j, key in enumerate(("excel.legend.status", "excel.legend.meaning"), 1):
        cell = put(ws, 1, j, text(key, lang))
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, GRID
    row = 1
    for status in STATUSES:
        row += 1
        cell = put(ws, row, 1, f"{style(status).symbol} {status_word(status, lang)}")
        paint(cell, status)
        cell.border = GRID
        meaning = text(f"excel.meaning.{status}", lang)
        put(ws, row, 2, meaning).alignment = Align(wrap_text=True, vertical="top")
        ws.cell(row, 2).border = GRID
        ws.row_dimensions[row].height = row_height([(meaning, 100)])
    threshold = alignments[0].settings.local_threshold if alignments else 0.3
    notes = [
        text("excel.legend.colours", lang, symbols=" ".join(style(s).symbol for s in STATUSES)),
        text("excel.legend.coverage", lang),
        text("excel.legend.score", lang),
        text(
            "excel.legend.confidence", lang, threshold=(alignments[0].settings if alignments else DEFAULTS).check_below
        ),
        *([text("excel.legend.clauses", lang)] if _has_sheet(wb, "clauses", ctx) else []),  # not in a report
        text("excel.legend.local", lang, threshold=threshold),
        text("excel.legend.targets", lang),
        text("excel.legend.override", lang),
        text("excel.legend.review", lang),
        # the matrix's Measures sheet holds every plan's status, a plan a column, with no review columns
        *([text("excel.legend.review_grid", lang)] if _has_sheet(wb, "review", ctx) else []),
    ]
    row += 1
    for note in notes:
        row += 1
        _note(ws, row, note, 2)
    page_setup(ws, ctx, title_rows=False)


# --- workbooks --------------------------------------------------------------------------------------------------


def write_matrix(alignments: list[Alignment], stream: BinaryIO, *, lang: Lang = "en", paper: bool = False) -> None:
    """Summary, Clauses, Measures, one Gaps sheet per plan, Targets, Local, Review (every cell), Legend; `paper`:
    the Measures sheet alone, which is laid out to print as a matrix (its footer carries the symbols' legend)."""
    ctx = _context(alignments, lang)
    wb = Workbook()
    wb.remove(wb.active)
    if paper:
        measures_sheet(wb, alignments, ctx)
        wb.save(stream)
        return
    summary_sheet(wb, alignments, ctx)
    clauses_sheet(wb, alignments, ctx)
    measures_sheet(wb, alignments, ctx)
    for a in alignments:
        gaps_sheet(wb, a, ctx, suffix=ctx.name(a.plan.id))
    targets_sheet(wb, alignments, ctx)
    local_sheet(wb, alignments, ctx)
    long_measures_sheet(wb, alignments, ctx, key="review")
    legend_sheet(wb, alignments, ctx)
    wb.save(stream)


def write_report(alignments: list[Alignment], stream: BinaryIO, *, lang: Lang = "en") -> None:
    """The gap report of one plan: Summary, Gaps, Targets, Local, the full measure list, Legend."""
    ctx = _context(alignments, lang)
    wb = Workbook()
    wb.remove(wb.active)
    summary_sheet(wb, alignments, ctx)
    for a in alignments:
        gaps_sheet(wb, a, ctx, suffix="" if len(alignments) == 1 else ctx.name(a.plan.id))
    targets_sheet(wb, alignments, ctx)
    local_sheet(wb, alignments, ctx)
    long_measures_sheet(wb, alignments, ctx)
    legend_sheet(wb, alignments, ctx)
    wb.save(stream)
