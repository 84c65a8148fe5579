"""Read a plan file of any format an analyst receives into plain text.

Formats: `.txt` (`txt`, decoded by `encoding`), `.docx` (`docx`), `.pdf` (`pdf`) and `.html`/`.htm`
(`html`). The content decides the format when it and the file name disagree (a PDF saved as `.txt`
is read as a PDF).

Untrusted input stays text: files over `max_size` are refused before they are read, and every
failure is a `JtError` naming the file and the problem. Each reader returns the text as close to
the document as possible; the only cleaning done there is what only the format knows about (a PDF's
page furniture, a web page's navigation). Everything else is `jtcompare.text.normalise`'s job.
"""

from __future__ import annotations

import re
from pathlib import Path

from jtcompare.atomic import file_kind, kind_message
from jtcompare.errors import BadOption, EmptyFile, TooLarge, UnreadableFile, either, message, option, os_reason
from jtcompare.ingest.document import FORMATS, MB, Document, human_size
from jtcompare.ingest.docx import read_docx
from jtcompare.ingest.html import read_html
from jtcompare.ingest.pdf import read_pdf
from jtcompare.ingest.txt import read_txt

__all__ = ["DEFAULT_MAX_SIZE", "FORMATS", "Document", "check_input_format", "parse_size", "read_document"]

DEFAULT_MAX_SIZE = 20 * MB
MAX_TEXT = 10_000_000  # characters of extracted text
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
_READERS = {"txt": read_txt, "docx": read_docx, "pdf": read_pdf, "html": read_html}


def check_input_format(fmt: str | None) -> str | None:
    """`--from`: one of FORMATS (`htm` and a leading dot allowed), or None to detect it."""
    if fmt is None:
        return None
    name = {"htm": "html", "text": "txt"}.get(fmt.lower().lstrip("."), fmt.lower().lstrip("."))
    if name not in FORMATS:
        raise BadOption(
            f"{either('--from', 'format=')}: unknown input format '{fmt}'; choose one of {', '.join(FORMATS)}",
            message(
                "error.unknown_input_format", option=either("--from", "format="), format=fmt, choices=list(FORMATS)
            ),
        )
    return name


MAX_SIZE_LIMIT = 1024 * MB  # a file is read whole into memory: --max-size stops at 1GB


def parse_size(value: str | int) -> int:
    """`20MB`, `500k`, `1.5 G` or a bare number of megabytes, as bytes, from 1 byte to MAX_SIZE_LIMIT: past that a
    number only asks for memory the reader cannot have (99999999999999999999 overflowed; 100GB ran out)."""
    if isinstance(value, int):
        return value
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*", str(value), re.I)
    if not m or float(m.group(1)) <= 0:
        raise BadOption(
            f"{option('max_size', value)} is not a size like 20MB, 500KB or 1GB",
            message("error.bad_max_size", value=value),
        )
    unit = {"k": 1024, "m": MB, "g": 1024 * MB, "": MB}[m.group(2).lower()]
    size = float(m.group(1)) * unit
    if not 1 <= size <= MAX_SIZE_LIMIT:  # inf for digits past any float, too
        shown = value if len(value) <= 24 else f"{value[:20]}…"
        raise BadOption(
            f"{option('max_size', shown)} must be between 1 byte and 1GB (e.g. 20MB, 500KB)",
            message("error.max_size_range", value=shown),
        )
    return int(size)


def read_document(path: Path, *, fmt: str | None = None, max_size: int = DEFAULT_MAX_SIZE) -> Document:
    """Read `path` as `fmt` (default: from its content and name) into a `Document`."""
    path = Path(path)
    forced = check_input_format(fmt)
    data = _read_bytes(path, max_size)
    doc = _READERS[_detect(path, data, forced)](path, data)
    text = doc.text.lstrip("\ufeff")
    if len(text) > MAX_TEXT:
        raise TooLarge(
            f"{path}: {len(text):,} characters of text; a plan has far fewer",
            message("error.too_many_characters", path=path, count=f"{len(text):,}"),
        )
    if not text.strip():
        said = message("error.no_text", path=path, format=message(f"import.format.{doc.format}"))
        raise EmptyFile(f"{path}: no text in this {doc.format_name} file", said)
    return Document(path, data, doc.format, text, doc.encoding, doc.notes, doc.title_hint)


def _read_bytes(path: Path, max_size: int) -> bytes:
    try:
        if path.is_dir():
            raise UnreadableFile(f"{path}: is a folder, not a file", message("error.is_folder", path=path))
        info = path.stat()
        if kind := file_kind(info.st_mode):  # a FIFO or a device would be read for ever
            raise UnreadableFile(
                f"{path}: is {kind}, not a regular file; a plan to import must be a regular file",
                message("error.not_regular_import", path=path, kind=kind_message(kind)),
            )
        size = info.st_size
        if size > max_size:
            raise TooLarge(
                f"{path}: {human_size(size)} is over the {human_size(max_size)} limit; "
                f"raise it with {option('max_size')}",
                message("error.too_large", path=path, size=human_size(size), limit=human_size(max_size)),
            )
        with path.open("rb") as fh:
            data = fh.read(max_size + 1)
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file", message("error.no_such_file", path=path)) from None
    except OSError as exc:
        raise UnreadableFile(
            f"{path}: cannot read ({exc.strerror or exc})",
            message("error.cannot_read", path=path, reason=os_reason(exc)),
        ) from None
    if len(data) > max_size:  # grew while we looked
        raise TooLarge(
            f"{path}: over the {human_size(max_size)} limit; raise it with {option('max_size')}",
            message("error.grew_too_large", path=path, limit=human_size(max_size)),
        )
    if not data:
        raise EmptyFile(f"{path}: empty file", message("error.empty_file", path=path))
    return data


def _detect(path: Path, data: bytes, fmt: str | None) -> str:
    """The format: the content's magic bytes win over the extension, `fmt` over both."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    magic = None
    if data.startswith(b"%PDF-"):
        magic = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        magic = "docx"
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            f"{path}: an old Word .doc (or other Office 97) file; save it as .docx and import that",
            message("error.old_doc", path=path),
        )
    elif head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        magic = "html"
    if fmt:
        return fmt
    ext = _EXTENSIONS.get(path.suffix.lower())
    if ext in ("pdf", "docx") and magic != ext:
        what = "a PDF (it does not start with %PDF)" if ext == "pdf" else "a Word .docx (it is not a zip archive)"
        raise UnreadableFile(f"{path}: not {what}", message(f"error.not_{ext}", path=path))
    return magic or ext or "txt"
