"""A file read into text: what every reader returns, and the size words its messages use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("txt", "docx", "pdf", "html")
FORMAT_NAMES = {"txt": "text", "docx": "Word .docx", "pdf": "PDF", "html": "web page"}
MB = 1024 * 1024
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Document:
    """The text of a file, how it was read, and what the reader removed or noticed."""

    path: Path
    data: bytes = field(repr=False)
    format: str
    text: str
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    title_hint: str | None = None  # a web page's <h1> or <title>

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.format]


def human_size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"
