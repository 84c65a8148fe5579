"""Excel workbooks for people who filter, sort and print: the coverage matrix and the gap report.

Every status is written in words and coloured, so the sheet also reads in black and white.
Plan text is written as text, never as a formula. Writers take a binary stream; the CLI
decides where it goes (atomically).
"""

from __future__ import annotations

from typing import Any, BinaryIO

import pandas as pd
from jtcompare.match.classify import Alignment
from jtcompare.report.cells import sheet_title, xml_text
from jtcompare.report.frames import clause_frame, gaps_frame, local_frame, measure_frame, summary_frame, targets_frame
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment as Align
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FILLS = {
    "adopted": "C6EFCE",
    "strengthened": "8DB4E2",
    "partial": "FFEB9C",
    "omitted": "FFC7CE",
}
MEANING = {
    "adopted": "the plan takes up the measure",
    "strengthened": "adopted, and the plan goes further (stricter or earlier target, new target, firmer obligation)",
    "partial": "only part of the measure is taken up, or it is weakened",
    "omitted": "nothing in the plan takes it up",
}
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
WIDE = {"text", "match_text", "nearest_text", "evidence", "title", "clause", "match_clause", "nearest_clause"}


def fill(status: str) -> PatternFill:
    return PatternFill("solid", fgColor=FILLS[status])


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


def write_frame(ws: Worksheet, df: pd.DataFrame, *, status_cols: tuple[str, ...] = ("status",)) -> None:
    """A table with a frozen bold header, autofilter, widths, wrapping and coloured statuses."""
    for j, col in enumerate(df.columns, 1):
        cell = put(ws, 1, j, str(col))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Align(wrap_text=True, vertical="top")
    for i, row in enumerate(df.itertuples(index=False), 2):
        for j, value in enumerate(row, 1):
            cell = put(ws, i, j, value)
            cell.alignment = Align(wrap_text=df.columns[j - 1] in WIDE, vertical="top")
            if df.columns[j - 1] in status_cols and value in FILLS:
                cell.fill = fill(value)
    finish(ws, list(df.columns), len(df) + 1)


def finish(ws: Worksheet, columns: list[str], last_row: int) -> None:
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(last_row, 1)}"
    for j, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(j)].width = 50 if col in WIDE else max(10, min(24, len(str(col)) + 4))
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def legend_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("Legend")
    put(ws, 1, 1, "status").font = Font(bold=True)
    put(ws, 1, 2, "meaning").font = Font(bold=True)
    for i, (status, meaning) in enumerate(MEANING.items(), 2):
        put(ws, i, 1, status).fill = fill(status)
        put(ws, i, 2, meaning)
    notes = [
        "coverage = (adopted + strengthened + partial/2) / counted measures; 面临形势 and framing are not counted",
        "score: 0..1 similarity of the base measure and its best plan sentence(s); evidence says why",
        "a status followed by * was set by an analyst override; the cell's comment gives the note",
    ]
    for k, note in enumerate(notes, len(MEANING) + 3):
        put(ws, k, 1, note)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90


def clauses_sheet(wb: Workbook, alignments: list[Alignment]) -> None:
    ws = wb.create_sheet("Clauses")
    df = clause_frame(alignments)
    write_frame(ws, df)
    if len(df) and len(df.columns) > 3:
        first, last = get_column_letter(4), get_column_letter(len(df.columns))
        ws.conditional_formatting.add(
            f"{first}2:{last}{len(df) + 1}",
            ColorScaleRule(
                start_type="num", start_value=0, start_color="F8696B", end_type="num", end_value=1, end_color="63BE7B"
            ),
        )
        for row in ws.iter_rows(min_row=2, min_col=4):
            for cell in row:
                cell.number_format = "0%"


def measures_sheet(wb: Workbook, alignments: list[Alignment]) -> None:
    """Base measures x plans: a status cell per plan with the match in its comment, then its score."""
    ws = wb.create_sheet("Measures")
    headers = ["measure", "clause", "counted", "text"]
    for a in alignments:
        headers += [a.plan.id, f"{a.plan.id} score"]
    for j, h in enumerate(headers, 1):
        cell = put(ws, 1, j, h)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for i, base_m in enumerate(alignments[0].measures if alignments else (), 2):
        put(ws, i, 1, base_m.measure.id)
        put(ws, i, 2, base_m.clause.label).alignment = Align(wrap_text=True, vertical="top")
        put(ws, i, 3, "yes" if base_m.counted else "no")
        put(ws, i, 4, base_m.measure.text).alignment = Align(wrap_text=True, vertical="top")
        for k, a in enumerate(alignments):
            m = a.measures[i - 2]
            cell = put(ws, i, 5 + 2 * k, m.status + ("*" if m.overridden else ""))
            cell.fill = fill(m.status)
            cell.comment = Comment(xml_text(_comment(m)), "jtcompare", width=400, height=200)
            put(ws, i, 6 + 2 * k, m.score)
        ws.row_dimensions[i].outlineLevel = 1 if base_m.clause.number is not None else 0
    finish(ws, headers, len(alignments[0].measures) + 1 if alignments else 1)
    ws.column_dimensions["B"].width = 24
    ws.freeze_panes = "E2"


def _comment(m) -> str:
    lines = [m.evidence]
    for x in m.matches:
        lines.append(f"[{x.score:.2f}] {x.clause.label}: {x.measure.text}")
    if m.overridden:
        lines.append(f"override: {m.overridden}")
    return "\n".join(lines)[:2000]


def _sheet(wb: Workbook, name: str, df: pd.DataFrame) -> None:
    write_frame(wb.create_sheet(sheet_title(name)), df)


def write_matrix(alignments: list[Alignment], stream: BinaryIO) -> None:
    """Summary, Clauses, Measures, one Gaps sheet per plan, Targets, Local, Legend."""
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Summary", summary_frame(alignments))
    clauses_sheet(wb, alignments)
    measures_sheet(wb, alignments)
    for a in alignments:
        _sheet(wb, f"Gaps {a.plan.id}", gaps_frame(a))
    _sheet(wb, "Targets", targets_frame(alignments))
    _sheet(wb, "Local", local_frame(alignments))
    legend_sheet(wb)
    wb.save(stream)


def write_report(alignments: list[Alignment], stream: BinaryIO) -> None:
    """The gap report of one plan: Summary, Gaps, Targets, Local, and the full measure list."""
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Summary", summary_frame(alignments))
    for a in alignments:
        _sheet(wb, "Gaps" if len(alignments) == 1 else f"Gaps {a.plan.id}", gaps_frame(a))
    _sheet(wb, "Targets", targets_frame(alignments))
    _sheet(wb, "Local", local_frame(alignments))
    _sheet(wb, "Measures", measure_frame(alignments))
    legend_sheet(wb)
    wb.save(stream)
