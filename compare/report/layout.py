"""How much room text takes in a spreadsheet cell: openpyxl cannot auto-fit rows, so row heights are computed.

LibreOffice and Excel keep a row one line high unless a height is written: wrapped sentences are
then cut after one line when printed. Widths are in Excel's column units (the width of a '0' in the
default 11-point font); a CJK character takes about two of them.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata

CJK_UNITS = 2.0  # a CJK character at 11 points, in column units (Excel: ~15 px against 7 px for a "0")
LATIN_UNITS = 1.05
LINE_POINTS = 14.5  # one line of 11-point text (Excel needs ~15 for Calibri, LibreOffice ~12.5 with CJK)
PAD_POINTS = 3.0
_TOKEN = re.compile(r"[A-Za-z0-9.,:;()%'\"/_\-+=*<>\[\]]+ ?| ")


# Where text wrapped to a width (a config file's comments, help in Chinese) may break: a piece is a Chinese
# character with the punctuation that may not start a line after it and may not end one before it, or a run of
# other characters (a word, a number, part of a formula) not ending in an opening bracket, or any one character;
# each with the spaces around it. Lines break between pieces, never inside one.
_OPENING, _CLOSING = "（「『“‘《〈([", "，。、；：？！）」』”’》〉,.;:?!)]"
_HAN = "\u3400-\u9fff\uf900-\ufaff"
PIECE = re.compile(
    rf"\s*(?:[{re.escape(_OPENING)}]*[{_HAN}][{re.escape(_CLOSING)}]*"
    rf"|[^\s{_HAN}]*[^\s{_HAN}{re.escape(_OPENING)}]|\S)\s*"
)


def is_wide(ch: str) -> bool:
    """A character a terminal or a spreadsheet draws two columns wide (CJK characters and full-width marks)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def cells(text: str) -> int:
    """Terminal columns `text` takes."""
    return sum(2 if is_wide(ch) else 1 for ch in text)


@functools.cache  # a workbook measures the same few thousand characters over and over
def char_units(ch: str) -> float:
    return CJK_UNITS if is_wide(ch) else LATIN_UNITS


def text_units(text: str) -> float:
    return sum(char_units(ch) for ch in text)


# the pieces a line may not break inside: a Latin word with its space, or any single character
_PIECES = re.compile(rf"{_TOKEN.pattern}|.", re.DOTALL)


@functools.lru_cache(maxsize=8192)
def _piece_units(piece: str) -> float:
    return text_units(piece)


def line_count(text: str, width: float) -> int:
    """Lines `text` wraps to in a column `width` units wide (greedy, like a spreadsheet)."""
    usable = max(width - 1.5, 1.0)  # cell padding on both sides
    total = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0.0
        for piece in _PIECES.findall(paragraph):
            w = _piece_units(piece)
            if used and used + w > usable:
                lines += 1
                used = 0.0
            if w > usable:  # a word longer than the column breaks anywhere
                extra = math.ceil(w / usable) - 1
                lines += extra
                used = w - extra * usable
            else:
                used += w
        total += lines
    return max(total, 1)


def row_height(cells: list[tuple[str, float]]) -> float:
    """Points for a row whose wrapped cells are (text, column width)."""
    lines = max((line_count(t, w) for t, w in cells if t), default=1)
    return round(lines * LINE_POINTS + PAD_POINTS, 1)
