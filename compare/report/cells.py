"""Cell-level safety for untrusted plan text in tables: Markdown pipes, spreadsheet formulas.

Kept apart from the exporters so the CLI can use it without importing pandas.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md_cell(value: Any) -> str:
    """A value safe inside a GitHub pipe table: no pipe or line break can end the cell."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"
