"""PDF plans: the text layer (pypdf), without the page furniture a printed plan carries.

Dropped: running headers and footers (a line at the top or bottom of most pages, digits ignored,
for any document of two pages or more), page numbers at the page edge, the spaces some producers put
between characters; lines wrapped at the page edge are joined again.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jtcompare.errors import EmptyFile, UnreadableFile
from jtcompare.ingest.document import Document
from jtcompare.text.layout import letter_spaced, letter_spaced_text, page_edge, unspace, wrap_joins

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~]*\s*\d{1,4}\s*[-—–－~]*|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d+)?)\s*$",
    re.I,
)
EDGE_LINES = 2  # a running header or footer sits in the first or last two lines of a page


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_pdf(path: Path, data: bytes) -> Document:
    import pypdf

    with _quiet_pypdf():
        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadableFile(f"{path}: an encrypted PDF; remove its password and import it again")
            pages = [page.extract_text() or "" for page in reader.pages]
        except UnreadableFile:
            raise
        except Exception as exc:  # pypdf raises many types on malformed files
            raise UnreadableFile(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    if not any(re.search(r"\w", p) for p in pages):
        raise EmptyFile(f"{path}: a PDF without a text layer (a scan?); run OCR on it first")
    text, notes = pdf_text(pages)
    return Document(path, data, "pdf", text, notes=tuple(notes))


def pdf_text(pages: list[str]) -> tuple[str, list[str]]:
    """Join a PDF's pages, dropping running headers, footers and page numbers, and rejoin hard wraps."""
    split = [[ln.rstrip() for ln in p.splitlines()] for p in pages]
    split = [[ln for ln in p if ln.strip()] for p in split]
    notes: list[str] = []
    if letter_spaced_text([ln for p in split for ln in p]):
        split = [[unspace(ln) if letter_spaced(ln, 1) else ln for ln in p] for p in split]
        notes.append("removed the spaces between characters")
    running = running_lines(split)
    numbers = 0
    kept: list[str] = []
    for page in split:
        edge = set(range(min(EDGE_LINES, len(page)))) | set(range(max(0, len(page) - EDGE_LINES), len(page)))
        for i, line in enumerate(page):
            if i in edge and _shape(line) in running:
                continue
            if i in edge and PAGE_NUMBER.match(line):
                numbers += 1
                continue
            kept.append(line)
    for shape in sorted(running):
        notes.append(f"removed the running header or footer '{shape.replace('#', '')}' from the pages")
    if numbers:
        notes.append(f"removed {numbers} page numbers")
    joins = wrap_joins(kept, page_edge(kept))
    if joins:
        notes.append(f"joined {len(joins)} lines wrapped at the page edge")
    return _joined(kept, joins), notes


def _joined(lines: list[str], joins: set[int]) -> str:
    out: list[str] = []
    for i, line in enumerate(lines):
        if i - 1 in joins:
            line = line.lstrip()
        out.append(line.rstrip() if i in joins else line + "\n")
    return "".join(out).rstrip("\n")


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def running_lines(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of most pages (of every page of a two-page document), digits ignored
    (`第3页`, a title in the header)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        edges = {_shape(ln) for ln in page[:EDGE_LINES] + page[-EDGE_LINES:]}
        counts.update(s for s in edges if s and not PAGE_NUMBER.match(s.replace("#", "1")))
    return {s for s, n in counts.items() if n >= max(2, len(pages) * 0.6)}
