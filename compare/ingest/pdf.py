"""PDF plans: the text layer, without the page furniture a printed plan carries.

The text comes from poppler's `pdftotext -layout` when it is on PATH and reads the file, else from pypdf (a note
says which). pypdf returns text in the order the file draws it, which on a page set in columns interleaves the
columns line by line, so clauses are lost; `-layout` puts columns side by side where they stand on the page,
and `columns` reads them one after the other. pdftotext runs under a time limit and an output limit.

Dropped: running headers and footers (a line at the top or bottom of most pages, digits ignored,
for any document of two pages or more), page numbers at the page edge, the spaces some producers put
between characters; lines wrapped at the page edge are joined again.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jtcompare.errors import EmptyFile, Said, TooLarge, UnreadableFile, detail, message
from jtcompare.ingest.document import MB, Document, human_size
from jtcompare.text.layout import letter_spaced, letter_spaced_text, page_edge, unspace, wrap_joins

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~]*\s*\d{1,4}\s*[-—–－~]*|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d+)?)\s*$",
    re.I,
)
EDGE_LINES = 2  # a running header or footer sits in the first or last two lines of a page
TIMEOUT = 60.0  # seconds pdftotext may take (it reads a plan of 300 pages in a few)
MAX_OUTPUT = 32 * MB  # of pdftotext's output (a plan's text is well under 1 MB; -layout pads it with spaces)
_CROP = "100000"  # points
_PROBE_PAGES = 3  # pages read again in content order to see whether the file spaces out its characters
# a page set in columns, as pdftotext -layout prints it: a gutter of GUTTER or more blank columns that at most
# CROSSING of the lines cross (a centred title, a page number), with text on both sides of it in BOTH_SIDES of
# the lines and MIN_COLUMN_LINES at least (the last page's right column may be short), the parts on each side
# COLUMN_TEXT characters long in the median (columns of prose, not a table's column of figures)
GUTTER = 2
CROSSING = 0.25
BOTH_SIDES = 0.25
MIN_COLUMN_LINES = 6
COLUMN_TEXT = 8
_MAX_COLUMN_DEPTH = 3  # columns within columns: three or four to a page at most
_MAX_CANDIDATES = 4  # gutters tried on a page, the clearest first
_SPACES = re.compile(f" {{{GUTTER},}}")


class _NoPdftotext(Exception):
    """pdftotext is missing or could not read the file: say why and read it with pypdf."""


class _Stalled(Exception):
    """pdftotext ran out of time."""


class _Overflow(Exception):
    """pdftotext printed more than MAX_OUTPUT."""


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
    try:
        pages, notes = _pdftotext_pages(path, data)
        if not any(re.search(r"\w", p) for p in pages):
            raise _NoPdftotext("pdftotext found no text")
    except _NoPdftotext as why:
        pages, notes = (
            _pypdf_pages(path, data),
            [Said(f"text read with pypdf ({why})", message("note.pdf_pypdf", why=str(why)))],
        )
    if not any(re.search(r"\w", p) for p in pages):
        raise EmptyFile(
            f"{path}: a PDF without a text layer (a scan?); run OCR on it first",
            message("error.pdf_no_text", path=path),
        )
    text, more = pdf_text(pages)
    return Document(path, data, "pdf", text, notes=tuple(notes + more))


def _pypdf_pages(path: Path, data: bytes) -> list[str]:
    import pypdf

    with _quiet_pypdf():
        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadableFile(
                    f"{path}: an encrypted PDF; remove its password and import it again",
                    message("error.pdf_encrypted", path=path),
                )
            return [page.extract_text() or "" for page in reader.pages]
        except UnreadableFile:
            raise
        except Exception as exc:  # pypdf raises many types on malformed files
            why = f"{type(exc).__name__}: {exc}"
            said = message("error.pdf_unreadable", path=path, reason=detail(exc, why))
            raise UnreadableFile(f"{path}: not a readable PDF ({why})", said) from None


def _pdftotext_pages(path: Path, data: bytes) -> tuple[list[str], list[str]]:
    """The pages as `pdftotext -layout` lays them out, columns read one after the other, and the notes."""
    program = shutil.which("pdftotext")
    if not program:
        raise _NoPdftotext("pdftotext is not installed; install poppler-utils to read pages set in columns")
    folder = tempfile.mkdtemp(prefix="jtcompare-pdf-")
    try:
        source = os.path.join(folder, "in.pdf")
        with open(source, "wb") as fh:
            fh.write(data)
        # the crop area reaches past the page's right and bottom edges: text a producer set beyond them (a line
        # too long for the page) is text all the same, as pypdf reads it
        crop = ["-x", "0", "-y", "0", "-W", _CROP, "-H", _CROP]
        try:
            out = _run([program, "-layout", *crop, "-enc", "UTF-8", "-eol", "unix", "-q", source, "-"], TIMEOUT)
        except _Stalled:
            raise UnreadableFile(
                f"{path}: reading its text took over {TIMEOUT:.0f} s (a plan's PDF takes a few); given up",
                message("error.pdf_timeout", path=path, seconds=f"{TIMEOUT:.0f}"),
            ) from None
        except _Overflow:
            raise TooLarge(
                f"{path}: over {human_size(MAX_OUTPUT)} of text; a plan has far less",
                message("error.pdf_too_much_text", path=path, size=human_size(MAX_OUTPUT)),
            ) from None
        try:
            raw = _run([program, "-raw", "-l", str(_PROBE_PAGES), "-enc", "UTF-8", "-q", source, "-"], TIMEOUT / 4)
        except (_NoPdftotext, _Stalled, _Overflow):
            raw = b""  # only a note depends on it
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    pages = out.decode("utf-8", "replace").split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    pages = ["\n".join(columns(page.split("\n"))) for page in pages]
    notes = [Said("text read with pdftotext (poppler)", message("note.pdf_pdftotext"))]
    # poppler drops the spaces a producer puts between Chinese characters; say so as when we remove them
    lines = [ln for p in pages for ln in p.splitlines()]
    if letter_spaced_text(raw.decode("utf-8", "replace").splitlines()) and not letter_spaced_text(lines):
        notes.append(Said("removed the spaces between characters", message("note.pdf_unspaced")))
    return pages, notes


def _run(command: list[str], timeout: float) -> bytes:
    """pdftotext's output, read up to MAX_OUTPUT bytes and `timeout` seconds (_Stalled, _Overflow beyond)."""
    posix = os.name == "posix"
    try:  # a session of its own, so that stopping it stops anything it started
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=posix,
        )
    except OSError as exc:
        raise _NoPdftotext(f"pdftotext cannot run: {exc.strerror or exc}") from None

    def stop() -> None:
        with contextlib.suppress(OSError):  # gone already
            if posix:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()

    chunks: list[bytes] = []
    over = threading.Event()

    def pump() -> None:  # a thread of its own, so that the wait below can time out
        size = 0
        assert proc.stdout is not None
        while chunk := proc.stdout.read1(1 << 16):
            size += len(chunk)
            if size > MAX_OUTPUT:
                over.set()
                stop()
                return
            chunks.append(chunk)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        stop()
        proc.wait()
        raise _Stalled from None
    finally:
        reader.join(5)
        if not reader.is_alive() and proc.stdout is not None:
            proc.stdout.close()
    if over.is_set():
        raise _Overflow
    if code != 0:
        why = {1: "cannot open it", 3: "copying its text is not permitted"}.get(code, f"exit code {code}")
        raise _NoPdftotext(f"pdftotext failed: {why}")
    return b"".join(chunks)


def columns(lines: list[str], depth: int = 0) -> list[str]:
    """A page's lines in reading order: where `pdftotext -layout` put columns side by side, the left column's
    lines, then the right one's (within each stretch of the page between lines that cross the gutter, such as
    a title over both columns or a page number). Each line is stripped, runs of spaces inside it made one."""
    rows = [ln.rstrip() for ln in lines]
    gutter = _gutter(rows) if depth < _MAX_COLUMN_DEPTH else None
    if gutter is None:
        return [re.sub(" {2,}", " ", r.strip(" ")) for r in rows]
    a, b = gutter
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []

    def flush() -> None:
        out.extend(columns(left, depth + 1) + columns(right, depth + 1))
        left.clear()
        right.clear()

    for r in rows:
        if r[a:b].strip(" "):
            flush()
            out.append(re.sub(" {2,}", " ", r.strip(" ")))
        else:
            left.append(r[:a])
            right.append(r[b:])
    flush()
    return out


def _gutter(rows: list[str]) -> tuple[int, int] | None:
    """The blank columns [a, b) between two columns of text, or None for a page in one column.

    Linear in the page's characters: a count of the lines clear of each window of GUTTER columns (a difference
    array over each line's runs of spaces) picks the candidates, and only the best few are tried."""
    text = [r for r in rows if r.strip(" ")]
    if len(text) < MIN_COLUMN_LINES:
        return None
    width = max(len(r) for r in text)
    diff = [0] * (width + 2)
    for r in text:
        for m in _SPACES.finditer(r):  # a window [i, i + GUTTER) inside this run of spaces is clear
            diff[m.start()] += 1
            diff[m.end() - GUTTER + 1] -= 1
        diff[len(r)] += 1  # and so is any window past the line's end
    clear, running = [], 0
    for i in range(width):
        running += diff[i]
        clear.append(running)
    enough = (1 - CROSSING) * len(text)
    candidates: list[tuple[int, int]] = []  # (lines clear, column) of the best window of each run of good ones
    i = 1
    while i <= width - GUTTER:
        if clear[i] < enough:
            i += 1
            continue
        j = i
        while j <= width - GUTTER and clear[j] >= enough:
            j += 1
        best = max(range(i, j), key=lambda k: (clear[k], -k))
        candidates.append((clear[best], best))
        i = j
    found: tuple[int, int, int] | None = None
    for _, a in sorted(candidates, reverse=True)[:_MAX_CANDIDATES]:
        split = _split(text, a)
        if split and (found is None or split[0] > found[0]):
            found = split
    return (found[1], found[2]) if found else None


def _split(text: list[str], a: int) -> tuple[int, int, int] | None:
    """(lines with text on both sides, start, end) of the gutter around the clear window at column `a`, if the
    lines clear of it hold two columns of prose; the gutter runs from the left column's widest line to the
    right column's leftmost start, and a line with text inside it crosses it."""
    left_end, right_start, both = 0, len(max(text, key=len)), 0
    lefts: list[int] = []
    rights: list[int] = []
    for r in text:
        if r[a : a + GUTTER].strip(" "):
            continue
        left, right = r[:a].rstrip(" "), r[a + GUTTER :]
        lead = len(right) - len(right.lstrip(" "))
        if left.strip(" ") and right.strip(" "):
            both += 1
            left_end = max(left_end, len(left))
            right_start = min(right_start, a + GUTTER + lead)
        if left.strip(" "):
            lefts.append(len(left.strip(" ")))
        if right.strip(" "):
            rights.append(len(right.strip(" ")))
    if both < MIN_COLUMN_LINES or both < BOTH_SIDES * len(text) or right_start - left_end < GUTTER:
        return None
    if min(_median(lefts), _median(rights)) < COLUMN_TEXT:
        return None
    crossing = sum(1 for r in text if r[left_end:right_start].strip(" "))
    return (both, left_end, right_start) if crossing <= CROSSING * len(text) else None


def _median(values: list[int]) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else 0


def pdf_text(pages: list[str]) -> tuple[str, list[str]]:
    """Join a PDF's pages, dropping running headers, footers and page numbers, and rejoin hard wraps."""
    split = [[ln.rstrip() for ln in p.splitlines()] for p in pages]
    split = [[ln for ln in p if ln.strip()] for p in split]
    notes: list[str] = []
    if letter_spaced_text([ln for p in split for ln in p]):
        split = [[unspace(ln) if letter_spaced(ln, 1) else ln for ln in p] for p in split]
        notes.append(Said("removed the spaces between characters", message("note.pdf_unspaced")))
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
        running_line = shape.replace("#", "")
        said = message("note.pdf_running", line=running_line)
        notes.append(Said(f"removed the running header or footer '{running_line}' from the pages", said))
    if numbers:
        notes.append(Said(f"removed {numbers} page numbers", message("note.pdf_page_numbers", count=numbers)))
    joins = wrap_joins(kept, page_edge(kept))
    if joins:
        notes.append(
            Said(f"joined {len(joins)} lines wrapped at the page edge", message("note.pdf_joined", count=len(joins)))
        )
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
