"""Cell-level safety for untrusted plan text in tables: Markdown pipes, spreadsheet formulas.

Kept apart from the exporters so the CLI can use it without importing pandas.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# what XML 1.0 (and so a workbook) cannot hold: control characters but tab and line breaks, surrogates, U+FFFE/F
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def md_cell(value: Any) -> str:
    """A value safe inside a GitHub pipe table: no pipe or line break can end the cell."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


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
    return "" if value is None else f"{value:.0%}"
