"""Plain-text plans: decoded (see `encoding`), otherwise as received."""

from __future__ import annotations

from pathlib import Path

from jtcompare.ingest.document import Document
from jtcompare.ingest.encoding import decode


def read_txt(path: Path, data: bytes) -> Document:
    text, encoding = decode(path, data)
    return Document(path, data, "txt", text, encoding)
