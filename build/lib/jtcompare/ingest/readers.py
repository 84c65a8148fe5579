"""Read a plan file of any format an analyst receives into plain text.

Formats: `.txt` (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK, Big5, detected),
`.docx` (python-docx, body paragraphs and tables in order), `.pdf` (the text layer, via pypdf)
and `.html`/`.htm` (the page's main text, via selectolax). The content decides the format when
it and the file name disagree (a PDF saved as `.txt` is read as a PDF).

Untrusted input stays text: files over `max_size` are refused before they are read, a `.docx`
whose members would unpack to more than 200 MB (or 100 times their packed size) is refused
before it is parsed, and every failure is a `JtError` naming the file and the problem.

Each reader returns the text as close to the document as possible; the only cleaning done here
is what only the format knows about: a PDF's running headers, page numbers and hard-wrapped lines,
a web page's navigation and footer. Everything else is `compare.normalise`'s job.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from jtcompare.errors import BadOption, EmptyFile, TooLarge, UnreadableFile

FORMATS = ("txt", "docx", "pdf", "html")
FORMAT_NAMES = {"txt": "text", "docx": "Word .docx", "pdf": "PDF", "html": "web page"}
MB = 1024 * 1024
DEFAULT_MAX_SIZE = 20 * MB
MAX_UNPACKED = 200 * MB  # a .docx unpacking to more is refused as a possible zip bomb
MAX_RATIO = 100  # ... and so is one whose members unpack to over 100x their packed size
MAX_MEMBERS = 5000
MAX_TEXT = 10_000_000  # characters of extracted text
_RATIO_FLOOR = 4 * MB  # tiny files compress well for innocent reasons: check the ratio above this
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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


def check_input_format(fmt: str | None) -> str | None:
    """`--from`: one of FORMATS (`htm` and a leading dot allowed), or None to detect it."""
    if fmt is None:
        return None
    name = {"htm": "html", "text": "txt"}.get(fmt.lower().lstrip("."), fmt.lower().lstrip("."))
    if name not in FORMATS:
        raise BadOption(f"unknown input format '{fmt}'; choose one of {', '.join(FORMATS)}")
    return name


def parse_size(value: str | int) -> int:
    """`20MB`, `500k`, `1.5 G` or a bare number of megabytes, as bytes."""
    if isinstance(value, int):
        return value
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*", str(value), re.I)
    if not m or float(m.group(1)) <= 0:
        raise BadOption(f"--max-size '{value}' is not a size like 20MB, 500KB or 1GB")
    unit = {"k": 1024, "m": MB, "g": 1024 * MB, "": MB}[m.group(2).lower()]
    return int(float(m.group(1)) * unit)


def human_size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def read_document(path: Path, *, fmt: str | None = None, max_size: int = DEFAULT_MAX_SIZE) -> Document:
    """Read `path` as `fmt` (default: from its content and name) into a `Document`."""
    path = Path(path)
    forced = check_input_format(fmt)
    data = _read_bytes(path, max_size)
    kind = _detect(path, data, forced)
    reader = {"txt": _read_txt, "docx": _read_docx, "pdf": _read_pdf, "html": _read_html}[kind]
    doc = reader(path, data)
    text = doc.text.lstrip("\ufeff")
    if len(text) > MAX_TEXT:
        raise TooLarge(f"{path}: {len(text):,} characters of text; a plan has far fewer")
    if not text.strip():
        raise EmptyFile(f"{path}: no text in this {doc.format_name} file")
    return Document(path, data, doc.format, text, doc.encoding, doc.notes, doc.title_hint)


def _read_bytes(path: Path, max_size: int) -> bytes:
    try:
        if path.is_dir():
            raise UnreadableFile(f"{path}: is a folder, not a file")
        size = path.stat().st_size
        if size > max_size:
            raise TooLarge(
                f"{path}: {human_size(size)} is over the {human_size(max_size)} limit; raise it with --max-size"
            )
        with path.open("rb") as fh:
            data = fh.read(max_size + 1)
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file") from None
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_size:  # grew while we looked
        raise TooLarge(f"{path}: over the {human_size(max_size)} limit; raise it with --max-size")
    if not data:
        raise EmptyFile(f"{path}: empty file")
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
        raise UnreadableFile(f"{path}: an old Word .doc (or other Office 97) file; save it as .docx and import that")
    elif head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        magic = "html"
    if fmt:
        return fmt
    ext = _EXTENSIONS.get(path.suffix.lower())
    if ext in ("pdf", "docx") and magic != ext:
        what = "a PDF (it does not start with %PDF)" if ext == "pdf" else "a Word .docx (it is not a zip archive)"
        raise UnreadableFile(f"{path}: not {what}")
    return magic or ext or "txt"


# --- text and encodings ---------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CANDIDATES = ["gb18030", "big5", "big5hkscs"]


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Text and encoding of bytes in UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK or Big5."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", " with BOM")
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"{path}: starts with a {encoding} byte-order mark but is not {encoding}"
                ) from None
    _refuse_binary(path, data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise UnreadableFile(f"{path}: cannot tell its text encoding (not UTF-8, GB18030/GBK or Big5)")
    return str(best), best.encoding.replace("_", "-")


def _refuse_binary(path: Path, data: bytes) -> None:
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\f\v\x1a")
    if b"\x00" in sample or controls > max(2, len(sample) // 20):
        raise UnreadableFile(f"{path}: a binary file, not text (it holds control bytes)")


def _read_txt(path: Path, data: bytes) -> Document:
    text, encoding = decode(path, data)
    return Document(path, data, "txt", text, encoding)


# --- Word -------------------------------------------------------------------------------


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


def _read_docx(path: Path, data: bytes) -> Document:
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


# --- PDF --------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~]?\s*\d{1,4}\s*[-—–－~]?|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d+)?)\s*$",
    re.I,
)
_ENDS_SENTENCE = tuple("。;；!！?？:：")
_DEPARTMENTS_END = re.compile(r"(?:负责|落实|牵头)[^()（）]{0,20}[)）]$")
_RUBY = re.compile(r"【[^】]{1,12}】|[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")


@contextmanager
def _quiet_pypdf():
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


def _read_pdf(path: Path, data: bytes) -> Document:
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
    lines = [ln for p in split for ln in p]
    if sum(1 for ln in lines if _letter_spaced(ln, 4)) >= 0.5 * len(lines):  # the whole PDF is letter-spaced
        split = [[_unspace(ln) if _letter_spaced(ln, 1) else ln for ln in p] for p in split]
        notes.append("removed the spaces between characters")
    running = _running_lines(split)
    numbers = 0
    kept: list[str] = []
    for page in split:
        edge = set(range(min(2, len(page)))) | set(range(max(0, len(page) - 2), len(page)))
        for i, line in enumerate(page):
            if i in edge and _shape(line) in running:
                continue
            if i in edge and _PAGE_NUMBER.match(line):
                numbers += 1
                continue
            kept.append(line)
    for shape in sorted(running):
        notes.append(f"removed the running header or footer '{shape.replace('#', '')}' from the pages")
    if numbers:
        notes.append(f"removed {numbers} page numbers")
    joined, joins = _rejoin(kept)
    if joins:
        notes.append(f"joined {joins} lines wrapped at the page edge")
    return "\n".join(joined), notes


def _letter_spaced(line: str, min_words: int) -> bool:
    """`减 污 降 碳 协 同`: most words of the line are one character long."""
    words = line.split()
    return len(words) >= min_words and sum(1 for w in words if len(w) == 1) >= 0.8 * len(words)


def _unspace(line: str) -> str:
    """Drop the single spaces between characters; a wider gap was a real space."""
    return re.sub(r" {2,}", " ", re.sub(r"(?<=\S) (?=\S)", "", line))


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of most pages, digits ignored (`第3页`, a title in the header)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        edges = {_shape(ln) for ln in page[:2] + page[-2:]}
        counts.update(s for s in edges if s and not _PAGE_NUMBER.match(s.replace("#", "1")))
    return {s for s, n in counts.items() if n >= max(3, len(pages) * 0.6)}


def _rejoin(lines: list[str]) -> tuple[list[str], int]:
    """Join a line that runs to the page edge and stops mid-sentence to the next one."""
    widths = sorted(_width(ln) for ln in lines if _CJK.search(ln))
    if len(widths) < 5:
        return lines, 0
    full = widths[int(len(widths) * 0.9)]
    out: list[str] = []
    joins = 0
    for line in lines:
        if out and _width(out[-1]) >= full * 0.85 and not _ends_paragraph(out[-1]) and not _starts_heading(line):
            out[-1] = out[-1].rstrip() + line.lstrip()
            joins += 1
            continue
        out.append(line)
    return out, joins


def _ends_paragraph(line: str) -> bool:
    """Ends a sentence, or a clause's closing list of departments: (市发改委等按职责分工负责)."""
    text = line.rstrip()
    return text.endswith(_ENDS_SENTENCE) or bool(_DEPARTMENTS_END.search(text))


def _starts_heading(line: str) -> bool:
    from jtcompare.text.normalise import _HEADING_START

    return bool(_HEADING_START.match(_RUBY.sub("", line)))


def _width(line: str) -> int:
    """Display width of a line: ASCII counts 1, Chinese characters and full-width punctuation 2."""
    return sum(1 if ch.isascii() else 2 for ch in line.strip())


# --- web pages ----------------------------------------------------------------------------

_BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "br", "center", "dd", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main"),
        *("ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul"),
    }
)
_DROP = frozenset(
    {
        *("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form"),
        *("iframe", "svg", "canvas", "select", "button", "head", "object", "embed"),
    }
)
_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|header|footer|foot|breadcrumbs?|crumbs?|share|sidebar|copyright|"
    r"comments?|related|banner|topbar|toolbar|login|search)(?:$|[\s_-])",
    re.I,
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


def _decode_html(path: Path, data: bytes) -> tuple[str, str]:
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        m = _META_CHARSET.search(data[:4096])
        if m:
            label = m.group(1).decode("ascii", "replace").lower()
            encoding = _ALIASES.get(label, label)
            try:
                return data.decode(encoding), label
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common: detect instead
    return decode(path, data)


def _read_html(path: Path, data: bytes) -> Document:
    from selectolax.lexbor import LexborHTMLParser

    markup, encoding = _decode_html(path, data)
    try:
        tree = LexborHTMLParser(markup)
    except Exception as exc:
        raise UnreadableFile(f"{path}: not a readable web page ({type(exc).__name__}: {exc})") from None
    hint = None
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None and node.text(strip=True):
            hint = re.sub(r"\s+", " ", node.text(strip=True))
            break
    root = tree.body or tree.root
    if root is None:
        return Document(path, data, "html", "", encoding, title_hint=hint)
    dropped = _drop_boilerplate(root)
    main = _main_block(root)
    text = _block_text(main)
    notes = [f"left out {dropped} navigation, header, footer and script parts of the page"] if dropped else []
    return Document(path, data, "html", text, encoding, tuple(notes), hint)


def _drop_boilerplate(root) -> int:  # type: ignore[no-untyped-def]
    """Remove scripts, navigation, headers and footers; never descend into what is removed."""
    doomed = []
    stack = [root]
    while stack:
        node = stack.pop()
        child = node.child
        while child is not None:
            if child.is_element_node:
                attrs = child.attributes or {}
                label = f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('role') or ''}"
                if child.tag in _DROP or (label.strip() and _BOILERPLATE.search(label)):
                    doomed.append(child)
                else:
                    stack.append(child)
            child = child.next
    for node in doomed:
        node.decompose()
    return len(doomed)


def _cjk_counts(root) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Chinese characters under each element, keyed by `mem_id`, without recursion."""
    counts: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            total = 0
            child = node.child
            while child is not None:
                if child.is_text_node:
                    total += len(_CJK.findall(child.text_content or ""))
                elif child.is_element_node:
                    total += counts.get(child.mem_id, 0)
                child = child.next
            counts[node.mem_id] = total
            continue
        stack.append((node, True))
        child = node.child
        while child is not None:
            if child.is_element_node:
                stack.append((child, False))
            child = child.next
    return counts


def _main_block(root):  # type: ignore[no-untyped-def]
    """The smallest element holding 85% of the page's Chinese text: the article, not the page."""
    counts = _cjk_counts(root)
    total = counts.get(root.mem_id, 0)
    node = root
    while total:
        child = node.child
        best = None
        while child is not None:
            if child.is_element_node and counts.get(child.mem_id, 0) >= total * 0.85:
                best = child
            child = child.next
        if best is None:
            break
        node = best
    return node


def _block_text(root) -> str:  # type: ignore[no-untyped-def]
    """Text of an element laid out as a browser would: blocks on their own lines, runs of space as one."""
    parts: list[str] = []
    stack: list[tuple[object, bool]] = [(root, False)]
    pre = 0
    while stack:
        node, done = stack.pop()
        tag = node.tag  # type: ignore[attr-defined]
        if done:
            if tag in _BLOCK:
                parts.append("\n")
            if tag == "pre":
                pre -= 1
            elif tag in ("td", "th"):
                parts.append(" ")
            continue
        if node.is_text_node:  # type: ignore[attr-defined]
            text = node.text_content or ""  # type: ignore[attr-defined]
            parts.append(text if pre else re.sub(r"[ \t\r\n\f]+", " ", text))
            continue
        if not node.is_element_node:  # type: ignore[attr-defined]
            continue
        if tag in _BLOCK:
            parts.append("\n")
        if tag == "pre":
            pre += 1
        stack.append((node, True))
        children = []
        child = node.child  # type: ignore[attr-defined]
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    lines = [ln.strip(" \t\u00a0") for ln in "".join(parts).replace("\u00a0", " ").split("\n")]
    return "\n".join(ln for ln in lines if ln)
