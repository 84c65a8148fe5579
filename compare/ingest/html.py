"""Saved web pages: the main text of the page (selectolax/lexbor), without the site around it.

Dropped: scripts, styles, navigation, headers, footers and parts whose class or id says they are
(menu, breadcrumb, share, copyright...); kept: the smallest element holding most of the page's
Chinese text, laid out as a browser would. The parser reads the page as `tidy` writes it out again,
well nested and without what makes a parser's work outgrow its input; a page nested deeper than
MAX_DEPTH elements, or with more than MAX_ELEMENTS of them, is refused before it is parsed (the
parser's time grows with the square of the depth, its memory with the elements).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from jtcompare.errors import Said, TooLarge, UnreadableFile, detail, message
from jtcompare.ingest.document import CJK, Document
from jtcompare.ingest.encoding import decode
from jtcompare.ingest.tidy import tidy

MAX_DEPTH = 1000  # real pages nest a few dozen levels
MAX_ELEMENTS = 200_000  # a long plan's page has some 20,000; the parser holds about 250 bytes for each
MAX_TAGS = 1_000_000  # tags, comments and declarations read before giving up
_TOO_MUCH = "save the article's text as .txt and import that"
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
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.I)
# What a Chinese page may declare, by Python's codec name, and the codec it is read with: GB2312 and GBK pages
# use GB18030's extra characters, Big5 pages the HKSCS ones. A page whose markup the ASCII pattern above found
# is not UTF-16 or UTF-32, whatever it says (the HTML standard reads it as UTF-8). Any other codec is not
# honoured: Python's codecs include transforms (rot13, base64, zlib, unicode_escape, punycode, idna) and
# single-byte encodings that would turn a Chinese page into plausible garbage.
_PAGE_CODECS = {
    **dict.fromkeys(("utf-8", "ascii"), "utf-8"),
    **dict.fromkeys(("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"), "utf-8"),
    **dict.fromkeys(("gb2312", "gbk", "gb18030"), "gb18030"),
    **dict.fromkeys(("big5", "big5hkscs"), "big5hkscs"),
    "cp950": "cp950",
}
_LABELS = {"x-gbk": "gbk", "x-x-big5": "big5", "cn-big5": "big5", "csbig5": "big5", "unicode": "utf-16"}


def read_html(path: Path, data: bytes) -> Document:
    from selectolax.lexbor import LexborHTMLParser

    markup, encoding, said = _decode_html(path, data)
    page = tidy(markup, max_depth=MAX_DEPTH, max_elements=MAX_ELEMENTS, max_tags=MAX_TAGS)
    if page.cut:
        said = message("error.html_tags", path=path, limit=f"{MAX_TAGS:,}")
        raise TooLarge(f"{path}: a web page of over {MAX_TAGS:,} tags (limit {MAX_TAGS:,}); {_TOO_MUCH}", said)
    if page.depth > MAX_DEPTH:
        raise TooLarge(
            f"{path}: a web page whose elements nest {page.depth:,} levels deep (limit {MAX_DEPTH:,}); {_TOO_MUCH}",
            message("error.html_depth", path=path, depth=f"{page.depth:,}", limit=f"{MAX_DEPTH:,}"),
        )
    if page.elements > MAX_ELEMENTS:
        raise TooLarge(
            f"{path}: a web page of {page.elements:,} elements (limit {MAX_ELEMENTS:,}); {_TOO_MUCH}",
            message("error.html_elements", path=path, count=f"{page.elements:,}", limit=f"{MAX_ELEMENTS:,}"),
        )
    try:
        tree = LexborHTMLParser(page.markup)
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"
        said = message("error.html_unreadable", path=path, reason=detail(exc, why))
        raise UnreadableFile(f"{path}: not a readable web page ({why})", said) from None
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
    left_out = f"left out {dropped} navigation, header, footer and script parts of the page"
    notes = [Said(left_out, message("note.html_dropped", count=dropped))] if dropped else []
    notes += said
    return Document(path, data, "html", text, encoding, tuple(notes), hint)


def _decode_html(path: Path, data: bytes) -> tuple[str, str, list[str]]:
    """The page's text and encoding, as its <meta charset> says when that is a text encoding for Chinese pages
    and the bytes are in it, else as detected (`encoding.decode`); and a note when the declaration was not used."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return *decode(path, data), []
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return *decode(path, data), []
    label = m.group(1).decode("ascii", "replace").lower()
    codec = page_codec(label)
    if codec is not None:
        try:
            return data.decode(codec), "utf-8" if codec == "utf-8" else label, []
        except UnicodeDecodeError:  # a wrong declaration is common: detect instead
            text, found = decode(path, data)
            said = message("note.html_charset_wrong", charset=label, found=found)
            return text, found, [Said(f"the page declares charset {label} but is not in it; read as {found}", said)]
    text, found = decode(path, data)
    ignored = f"ignored the page's charset {label} (not a text encoding for Chinese pages); read as {found}"
    return text, found, [Said(ignored, message("note.html_charset_ignored", charset=label, found=found))]


def page_codec(label: str) -> str | None:
    """The codec a page declaring `label` is read with; None for a label that names no encoding a Chinese
    page is written in (a codec Python has or not)."""
    try:
        name = codecs.lookup(_LABELS.get(label, label)).name
    except (LookupError, ValueError):
        return None
    return _PAGE_CODECS.get(name)


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
                    total += len(CJK.findall(child.text_content or ""))
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
