"""Cell-level rendering of untrusted plan text in tables: Markdown escapes, spreadsheet formulas, numbers.

Kept apart from the exporters so the CLI can use it without importing pandas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# every character that means something inline in GitHub Markdown; a backslash makes it literal
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
# what XML 1.0 (and so a workbook) cannot hold: control characters but tab and line breaks, surrogates, U+FFFE/F
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV, each line ending in \n. A field holding a carriage return is quoted as one holding a line
    feed is: Python 3.11's writer quotes only the characters of its own line terminator, and every reader (csv,
    a spreadsheet) takes a bare \r for the end of a row, so a plan id of "\r" split each of its rows in two."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # both line-break characters force quotes
    lines = []
    for row in rows:
        writer.writerow(row)
        lines.append(buf.getvalue().removesuffix("\r\n") + "\n")  # only the row's own terminator: \n
        buf.seek(0)
        buf.truncate()
    return "".join(lines)


def plain(value: Any) -> str:
    """A value as a reader wants it in a table: empty for missing, 42 not 42.0, text as is."""
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def md_cell(value: Any) -> str:
    """A value safe inside a GitHub pipe table: specials escaped, line breaks as <br>."""
    text = _MD_SPECIAL.sub(r"\\\1", plain(value))
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def pipe_table(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, right: Sequence[int] = ()) -> str:
    """A compact GitHub pipe table: one space around each cell, no padding to align columns.

    Padded tables were mostly spaces (a 1,213-character line for a few words): painful in an editor
    or a chat message, and renderers align the columns anyway. `right` lists columns to right-align.
    """
    lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join("--:" if k in right else "---" for k in range(len(headers))) + "|")
    for row in rows:
        lines.append("| " + " | ".join(md_cell(v) for v in row) + " |")
    return "\n".join(lines)


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xml_text(text: str) -> str:
    """Text a workbook can hold: plan metadata (a name in plans.toml) may carry any character."""
    return _NOT_XML.sub("", text)


def sheet_title(name: str) -> str:
    """A valid, at most 31-character Excel sheet name: no [ ] : * ? / \\, no control characters."""
    title = _NOT_IN_SHEET_TITLE.sub("_", xml_text(name)).strip("'")[:31]
    return title or "Sheet"


def pct(value: float | None) -> str:
    return "" if value is None or value != value else f"{value:.0%}"


def score2(value: float | None) -> str:
    """Scores always with two decimals (0.39, 1.00), never a mix of 0.39, 1 and 0.339."""
    return "" if value is None or value != value else f"{value:.2f}"


def target_phrase(comparator: str, value: Any, unit: str) -> str:
    """A target as it reads in a plan: 下降…左右 10 % -> 下降10%左右; = 146 公里 -> 146公里."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    word, _, suffix = comparator.partition("…")
    if not suffix and word in ("以上", "以内", "以下", "左右", "及以上"):
        word, suffix = "", word
    if word == "=":
        word = ""
    return f"{word}{plain(value)}{unit}{suffix}"
