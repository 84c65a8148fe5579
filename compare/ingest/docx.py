"""Word .docx plans: body paragraphs and tables in document order, after a zip-bomb check, with the numbers
of auto-numbered paragraphs put back (`numbering`).

The check unpacks every member once, in chunks, counting the bytes that really come out of the packed bytes
its header points at (those python-docx's zipfile reads), and stops at the limits whatever the headers
declare: a header may understate a member's size (zipfile then unpacks all of it at once before cutting it
to the declared size) or overstate its packed size to pass the ratio test. A header that declares more than
the limits is refused before anything is unpacked.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from jtcompare.errors import Message, TooLarge, UnreadableFile, detail, message
from jtcompare.ingest.document import MB, Document, human_size
from jtcompare.ingest.numbering import read_numbering

MAX_UNPACKED = 200 * MB  # a .docx unpacking to more is refused as a possible zip bomb
MAX_XML = 32 * MB  # ... and so is one whose XML parts (held as trees, about 7 times their size) unpack to more
MAX_RATIO = 100  # ... and one that unpacks to over 100x the size of the file
MAX_MEMBERS = 5000
_RATIO_FLOOR = 4 * MB  # tiny files compress well for innocent reasons: check the ratio above this
_CHUNK = MB  # unpacked at a time
_BOMB = "refusing a possible zip bomb"


def _bomb(path: Path, what: str) -> Message:
    """A .docx refused for what it would unpack to: the English says how much, the Chinese that it is too much."""
    return message("error.zip_bomb", path=path, what=message("error.detail", en=what, zh=message("error.why.unpacks")))


def _unreadable(path: Path, why: str, exc: BaseException, *, zip_broken: bool = False) -> UnreadableFile:
    reason = message("error.detail", en=why, zh=message("error.why.broken_zip")) if zip_broken else detail(exc, why)
    said = message("error.docx_unreadable", path=path, reason=reason)
    return UnreadableFile(f"{path}: not a readable Word .docx file ({why})", said)


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the lengths of the name and the extra field


def check_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    """Open a zip archive, refusing one that would unpack to an absurd size (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        raise _unreadable(path, f"broken zip archive: {exc}", exc, zip_broken=True) from None
    if len(members) > MAX_MEMBERS:
        raise TooLarge(
            f"{path}: a .docx of {len(members):,} parts; {_BOMB}", _bomb(path, f"a .docx of {len(members):,} parts")
        )
    declared = _Sizes(path, len(data), declared=True)
    for m in members:
        declared.add(m.filename, m.file_size)
    if "word/document.xml" not in archive.namelist():
        raise UnreadableFile(
            f"{path}: a zip archive but not a Word .docx (no word/document.xml)",
            message("error.docx_no_body", path=path),
        )
    unpacked = _Sizes(path, len(data), declared=False)
    view = memoryview(data)
    for m in members:
        try:
            _unpack(view, m, lambda n, name=m.filename: unpacked.add(name, n))
        except zlib.error as exc:
            raise _unreadable(path, f"broken zip archive: {exc}", exc, zip_broken=True) from None
        except _Broken as exc:
            raise _unreadable(path, str(exc), exc) from None
    return archive


class _Broken(Exception):
    pass


def _unpack(data: memoryview, member: zipfile.ZipInfo, count: Callable[[int], None]) -> None:
    """Unpack the packed bytes `member`'s headers point at, MB by MB, telling `count` each chunk's size."""
    if member.flag_bits & 0x1:
        raise _Broken(f"{member.filename} is encrypted")
    at = member.header_offset
    if at + _LOCAL_HEADER.size > len(data):
        raise _Broken(f"broken zip archive: {member.filename} lies past the end of the file")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, at)
    if signature != b"PK\x03\x04":
        raise _Broken(f"broken zip archive: no header where {member.filename} should start")
    start = at + _LOCAL_HEADER.size + name_length + extra_length
    packed = data[start : start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        count(len(packed))
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise _Broken(f"{member.filename} is packed with method {member.compress_type}, which Word does not use")
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    for i in range(0, len(packed), _CHUNK):
        pending: bytes | memoryview = packed[i : i + _CHUNK]
        while pending and not inflate.eof:
            count(len(inflate.decompress(pending, _CHUNK)))
            pending = inflate.unconsumed_tail
        if inflate.eof:
            return


class _Sizes:
    """Bytes unpacked so far, in all and in XML parts, refused as soon as they pass a limit."""

    def __init__(self, path: Path, packed: int, *, declared: bool) -> None:
        self.path, self.packed, self.total, self.xml = path, packed, 0, 0
        # what the headers declare is known in full; what is unpacked, only up to where unpacking stopped
        self.more = "" if declared else "more than "

    def add(self, name: str, size: int) -> None:
        self.total += size
        if name.lower().endswith((".xml", ".rels")):
            self.xml += size
        if self.total > MAX_UNPACKED:
            what = f"would unpack to {self.more}{human_size(self.total)} (limit {human_size(MAX_UNPACKED)})"
            raise TooLarge(f"{self.path}: {what}; {_BOMB}", _bomb(self.path, what))
        if self.xml > MAX_XML:
            what = f"its XML parts would unpack to {self.more}{human_size(self.xml)} (limit {human_size(MAX_XML)})"
            raise TooLarge(f"{self.path}: {what}; {_BOMB}", _bomb(self.path, what))
        if self.total > _RATIO_FLOOR and self.total > MAX_RATIO * self.packed:
            what = f"would unpack to {self.more}{self.total // self.packed:,} times its size (limit {MAX_RATIO})"
            raise TooLarge(f"{self.path}: {what}; {_BOMB}", _bomb(self.path, what))


def read_docx(path: Path, data: bytes) -> Document:
    check_zip(path, data)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        numbering = read_numbering(document)
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells = list(dict.fromkeys(c.text.strip() for c in row.cells))  # merged cells repeat
                    lines.append(" ".join(c for c in cells if c))
            else:  # Word draws a list's numbers (一、 (一) 1.): they are not in the paragraph's text
                lines.append(numbering.label(block) + block.text)
    except Exception as exc:  # python-docx raises many types on malformed parts
        raise _unreadable(path, f"{type(exc).__name__}: {exc}", exc) from None
    return Document(path, data, "docx", "\n".join(lines))
