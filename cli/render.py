"""Render engine data (lists of dicts, nested dicts) as table, Markdown, JSON or CSV text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from jtcompare.report.cells import md_cell
from jtcompare.report.cells import safe_cell as csv_cell
from tabulate import tabulate

FORMATS = ("table", "md", "json", "csv")


def table(rows: Sequence[dict[str, Any]], fmt: str, *, columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(c)) for c in columns])
        return buf.getvalue().rstrip("\n")
    data = [[row.get(c) for c in columns] for row in rows]
    if fmt == "md":
        return tabulate(
            [[md_cell(v) for v in r] for r in data], headers=[md_cell(c) for c in columns], tablefmt="github"
        )
    return tabulate(data, headers=columns, tablefmt="simple", disable_numparse=True)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
