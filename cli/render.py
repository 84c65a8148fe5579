"""Render engine data (lists of dicts, nested dicts) as terminal table, Markdown, JSON or CSV text."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from typing import Any

from jtcompare.report.cells import csv_text, pipe_table, plain
from jtcompare.report.cells import safe_cell as csv_cell
from tabulate import tabulate
from wcwidth import wcswidth

FORMATS = ("table", "md", "json", "csv")
GAP = 2  # tabulate's "simple" format puts two spaces between columns
MIN_TEXT = 8  # a text column is never cut narrower than this
SHORT = 16  # columns this narrow (ids, statuses, numbers, dates) are never cut
_SGR = re.compile(r"\x1b\[[0-9;]*m")  # a terminal colour code: no width on screen


def table(rows: Sequence[dict[str, Any]], fmt: str, *, columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return csv_text([columns, *([csv_cell(row.get(c)) for c in columns] for row in rows)]).rstrip("\n")
    data = [[row.get(c) for c in columns] for row in rows]
    if fmt == "md":
        return pipe_table(data, columns)
    return fit_table(data, columns)


def terminal_width() -> int:
    """$COLUMNS, else the terminal's width, else 100 (output to a pipe or file)."""
    return shutil.get_terminal_size((100, 24)).columns


def fit_table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    *,
    width: int | None = None,
    keep: Sequence[int] = (),
    spare: int | None = None,
) -> str:
    """A plain-text table no wider than the terminal: the widest text columns are cut (with …) until it fits.

    Short columns (ids, statuses, numbers) are never cut, so a line still starts with its id and status; nor are
    the columns in `keep` (a Chinese table's plan names, which are its ids). The column `spare` is left out when
    it is empty, or the table cannot fit with it and some width left to every text column. A table that cannot
    be cut to fit stays wider: the caller may leave columns out (cli/matrix_output.py).
    """
    width = width or terminal_width()
    cells = [[plain(v) for v in r] for r in rows]
    widths, floor = _widths(cells, headers, keep)
    # the spare column stays only where every text column can keep twice its least width: three text columns
    # cut to a few characters each say less than two a little wider
    roomy = [f if f == w else min(w, 2 * MIN_TEXT) for f, w in zip(floor, widths, strict=True)]
    if spare is not None and (sum(roomy) + GAP * (len(roomy) - 1) > width or not any(r[spare] for r in cells)):
        cells = [[v for j, v in enumerate(r) if j != spare] for r in cells]
        headers = [h for j, h in enumerate(headers) if j != spare]
        widths, floor = _widths(cells, headers, [j - (j > spare) for j in keep if j != spare])
    limit = list(widths)
    excess = sum(widths) + GAP * (len(widths) - 1) - width
    while excess > 0:
        cuttable = [k for k in range(len(limit)) if limit[k] > floor[k]]
        if not cuttable:
            break  # nothing left to cut: the table stays wider than the terminal
        j = max(cuttable, key=lambda k: limit[k])
        limit[j] -= 1
        excess -= 1
    cut = [[_cut(v, limit[j]) for j, v in enumerate(r)] for r in cells]
    heads = [h if limit[j] == widths[j] else _cut(h, limit[j] - GAP) for j, h in enumerate(headers)]
    return tabulate(cut, headers=heads, tablefmt="simple", disable_numparse=True)


def _widths(cells: list[list[str]], headers: Sequence[str], keep: Sequence[int]) -> tuple[list[int], list[int]]:
    """Each column's width, and the narrowest fit_table may cut it to."""
    # tabulate makes a column at least its header plus two wide
    widths = [max([_w(h) + GAP, *(_w(r[j]) for r in cells)]) for j, h in enumerate(headers)]
    return widths, [w if w <= SHORT or j in keep else MIN_TEXT for j, w in enumerate(widths)]


def width_of(text: str) -> int:
    """Display width of the widest line."""
    return max((_w(line) for line in text.splitlines()), default=0)


# Where a terminal line may break: at spaces; after a Chinese character, with the punctuation that may not start a
# line (。）、) kept on it; and inside a run of other characters only after a full-width mark, so that a list of ids
# (N09.04、N10.03) breaks between them, never inside N09.04.
_HAN = "\u3400-\u9fff\uf900-\ufaff"
_OPENING, _CLOSING = "（「『“‘《〈", "，。、；：？！）」』”’》〉"
_PIECE = re.compile(
    rf"\s+|[{_OPENING}]*[{_HAN}][{_CLOSING}]*|[{_OPENING}]*[^\s{_HAN}{_OPENING}{_CLOSING}]*[{_CLOSING}]+"
    rf"|[{_OPENING}]*[^\s{_HAN}{_OPENING}{_CLOSING}]+|."
)


def wrap(text: str, width: int | None = None, indent: str = "") -> str:
    """`text` broken into lines of at most `width` display columns (CJK-aware), between the pieces of _PIECE; a
    piece wider than a line (a long path) is folded where it must."""
    width = width or terminal_width()
    lines, line = [], ""
    for piece in _PIECE.findall(text) or [text]:
        if line.strip() and _w(line + piece.rstrip()) > width:
            lines.append(line.rstrip())
            line, piece = indent, piece.lstrip()
        while _w(line + piece) > width and len(piece) > 1:  # one piece longer than the line: fold it
            room = next(k for k in range(len(piece), 0, -1) if _w(line + piece[:k]) <= width or k == 1)
            lines.append(line + piece[:room])
            line, piece = indent, piece[room:]
        line += piece
    return "\n".join([*lines, line])


def colour_wanted() -> bool:
    """Statuses are painted unless NO_COLOR is set (no-color.org) or TERM is dumb. typer.echo drops the codes when
    stdout is not a terminal, and output.emit when the text goes to a file."""
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def paint(text: str, status: str) -> str:
    """`text` on the status's colour (report.palette: the same colour as the workbook, pages and charts)."""
    if not text or not colour_wanted():
        return text
    from jtcompare.report.palette import ANSI_RESET, ansi

    return f"{ansi(status)}{text}{ANSI_RESET}"


def colour_legend(lang: str) -> str:
    """The line that says which colour is which status, printed under a painted table ("" when not painting)."""
    if not colour_wanted():
        return ""
    from jtcompare.report.palette import ordered
    from jtcompare.report.vocab import status_word

    return " ".join(paint(f" {look.symbol} {status_word(s, lang)} ", s) for s, look in ordered())  # type: ignore[arg-type]


def _w(text: str) -> int:
    text = _SGR.sub("", text)
    n = wcswidth(text)
    return n if n >= 0 else len(text)


def _cut(text: str, width: int) -> str:
    """`text` cut to `width` display columns (CJK characters take two), ending in … when cut."""
    if _w(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = max(_w(ch), 0)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
