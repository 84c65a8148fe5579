"""Word .docx plans: body paragraphs and tables in document order, after a zip-bomb check."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from jtcompare.errors import TooLarge, UnreadableFile
from jtcompare.ingest.document import MB, Document, human_size

MAX_UNPACKED = 200 * MB  # a .docx unpacking to more is refused as a possible zip bomb
MAX_RATIO = 100  # ... and so is one whose members unpack to over 100x their packed size
MAX_MEMBERS = 5000
_RATIO_FLOOR = 4 * MB  # tiny files compress well for innocent reasons: check the ratio above this


def check_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    """Open a zip archive, refusing one that would unpack to an absurd size (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        raise UnreadableFile(f"{path}: not a readable Word .docx file (broken zip archive: {exc})") from None
    if len(members) > MAX_MEMBERS:
        raise TooLarge(f"{path}: a .docx of {len(members):,} parts; refusing a possible zip bomb")
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if unpacked > MAX_UNPACKED:
        raise TooLarge(
            f"{path}: would unpack to {human_size(unpacked)} (limit {human_size(MAX_UNPACKED)}); "
            "refusing a possible zip bomb"
        )
    if unpacked > _RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
        raise TooLarge(
            f"{path}: would unpack to {unpacked // max(packed, 1):,} times its packed size (limit {MAX_RATIO}); "
            "refusing a possible zip bomb"
        )
    if "word/document.xml" not in archive.namelist():
        raise UnreadableFile(f"{path}: a zip archive but not a Word .docx (no word/document.xml)")
    return archive


def read_docx(path: Path, data: bytes) -> Document:
    check_zip(path, data)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells = list(dict.fromkeys(c.text.strip() for c in row.cells))  # merged cells repeat
                    lines.append(" ".join(c for c in cells if c))
            else:
                lines.append(block.text)
    except Exception as exc:  # python-docx raises many types on malformed parts
        raise UnreadableFile(f"{path}: not a readable Word .docx file ({type(exc).__name__}: {exc})") from None
    return Document(path, data, "docx", "\n".join(lines))
