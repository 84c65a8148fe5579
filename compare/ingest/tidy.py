"""A web page's markup written out again so that parsing it costs time and memory in proportion to its size.

An HTML parser's work is not bounded by its input. Its time grows with the square of the nesting depth
(minutes at 200,000 levels), and markup can nest deeply without looking deep: `<div/>` opens a div (the slash
means nothing on an HTML element), `<rt>` outside a ruby never closes the one before. And the rules for
formatting elements (b, i, a, font...) re-open every one still active in each new block: 30 KB of such markup
parses into a million nodes. So rather than predict what the parser makes of hostile markup, `tidy` reads the
page itself, in one pass of linear, backtracking-free regular expressions, and writes it out in a form whose
tree is plain to see, and then counts that tree:

- every element closed in order, as our own stack of open elements pops it; an end tag is followed where HTML
  follows it (within its scope), optional end tags (p, li, dd, td, tr, rt, option...) are closed where HTML
  closes them, and a self-closed `<div/>` opens a div as in a browser;
- formatting elements are written as span (their text stays where it was), so none is ever re-opened;
- comments, processing instructions and the content of scripts, styles and frames go; the text of a title,
  textarea, xmp or plaintext stays as text; an inline svg is emptied, a formula (math) kept as its text;
- only the attributes the reader looks at (class, id, role) are kept.

The result is a well-nested page whose depth and number of elements `tidy` knows: the parser's tree is as deep
as ours but for what it adds by itself (html, head and body; a table's tbody and tr), and it has as many
elements. The reader refuses a page over its limits before parsing it.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

_S = "\t\n\f\r "  # HTML's white space (not Unicode's: U+3000 belongs to a tag name)
_TOKEN = re.compile(
    "<(?:"
    r"(?P<comment>!--(?:-?>|.*?(?:--!?>|\Z)))"
    r"|(?P<decl>[!?][^>]*+>?)"  # <!DOCTYPE>, <![CDATA[ outside svg and math, <?xml?>: a bogus comment to the next >
    r"|/(?P<bogus>[^A-Za-z][^>]*+>?)"  # </> and </3...>
    rf"|(?P<end>/)?(?P<name>[A-Za-z][^{_S}/>]*+)"
    rf"(?P<attrs>(?>[{_S}/]++|[^{_S}/>][^{_S}/>=]*+(?>[{_S}]*+=[{_S}]*+(?>\"[^\"]*+\"?|'[^']*+'?|[^{_S}>]++)?)?)*+)"
    r"(?P<close>>)?"  # none: the file ends inside the tag, which is then no tag
    ")",
    re.S,
)
_ATTR = re.compile(rf"[{_S}/]*+([^{_S}/>][^{_S}/>=]*+)(?:[{_S}]*+=[{_S}]*+(\"[^\"]*+\"?|'[^']*+'?|[^{_S}>]++))?")
_CDATA_END = re.compile(r"\]\]>")
_SAFE_NAME = re.compile(r"[a-z][a-z0-9-]*")
_KEPT_ATTRS = ("class", "id", "role")
_TAG_NAMES = {name: name for name in ("div", "p", "span", "li", "td", "tr", "br", "table", "ul")}  # the common ones

_VOID = frozenset(
    {
        *("area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input"),
        *("keygen", "link", "meta", "param", "source", "track", "wbr"),
    }
)
_FORMATTING = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"}
)
# elements that end a formatting element's reach: its end tag closes it alone, not a block opened inside it
_SPECIAL = frozenset(
    {
        *("address", "applet", "article", "aside", "blockquote", "body", "button", "caption", "center"),
        *("colgroup", "dd", "details", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer"),
        *("form", "frameset", "head", "header", "hgroup", "html", "iframe", "li", "listing", "main", "marquee"),
        *("menu", "nav", "noembed", "noframes", "noscript", "object", "ol", "p", "plaintext", "pre", "script"),
        *("search", "section", "select", "style", "summary", "table", "tbody", "td", "template", "textarea"),
        *("tfoot", "th", "thead", "title", "tr", "ul", "xmp", "h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
_RAW_DROPPED = frozenset({"script", "style", "iframe", "noembed", "noframes"})  # content is not text
_RAW_TEXT = frozenset({"title", "textarea", "xmp"})  # content is text, not markup
_RAW_END = {name: re.compile(rf"</{name}[{_S}/>]", re.I) for name in _RAW_DROPPED | _RAW_TEXT}
_HEAD = frozenset({"base", "basefont", "bgsound", "link", "meta", "noframes", "script", "style", "template", "title"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CLOSES_P = frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl"),
        *("fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "listing", "main"),
        *("menu", "nav", "ol", "p", "plaintext", "pre", "search", "section", "summary", "table", "ul", "xmp"),
        *("li", "dd", "dt", *_HEADINGS),
    }
)
_IMPLYING = _CLOSES_P | {"rb", "rt", "rp", "rtc", "option", "optgroup", "td", "th", "tr", "tbody", "thead", "tfoot"}
_IMPLYING |= {"a", "nobr", "button"}
_SCOPE = ("applet", "caption", "html", "table", "td", "th", "marquee", "object", "template")
_BUTTON_SCOPE = (*_SCOPE, "button")
_LIST_SCOPE = (*_SCOPE, "ol", "ul")
_TABLE_SCOPE = ("html", "table", "template")
_TABLE_PARTS = ("tbody", "thead", "tfoot", "tr", "td", "th")
# start tags that end svg or math content and are read as HTML again
_BREAKOUT = frozenset(
    {
        *("b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed"),
        *("head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s"),
        *("small", "span", "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var", *_HEADINGS),
    }
)


@dataclass(frozen=True)
class Tidied:
    markup: str  # empty once the page is over a limit: nothing is written past it
    depth: int  # levels of elements holding others: `<html><body><div><p>` is 3
    elements: int
    tags: int  # tags, comments, declarations and other <s read (all of them unless `cut`)
    cut: bool  # the page holds more than `max_tags` of them: reading stopped there


def tidy(markup: str, *, max_depth: int, max_elements: int, max_tags: int) -> Tidied:
    """`markup` written out well nested, its depth and its number of elements (see the module's docstring).

    Linear in the length of `markup` and its number of tags, whatever it holds; reading stops after `max_tags`
    tags, and writing once the page is deeper than `max_depth` or has more than `max_elements` elements."""
    page = _Page(max_depth, max_elements)
    pos, n, tags = 0, len(markup), 0
    while pos < n:
        lt = markup.find("<", pos)
        if lt < 0:
            page.text(markup[pos:])
            break
        if lt > pos:
            page.text(markup[pos:lt])
        tags += 1
        if tags > max_tags:
            return Tidied("", page.deepest, page.elements, tags - 1, cut=True)
        if page.foreign and markup.startswith("<![CDATA[", lt):
            end = _CDATA_END.search(markup, lt + 9)
            page.text(markup[lt + 9 : end.start() if end else n])
            pos = end.end() if end else n
            continue
        m = _TOKEN.match(markup, lt)
        if m is None:  # a < that starts no tag: text
            page.text("<")
            pos = lt + 1
            continue
        pos = m.end()
        name = m.group("name")
        if name is None:
            continue  # a comment, a declaration, a bogus end tag
        if m.group("close") is None:
            break  # the file ends inside a tag
        name = name.lower()
        if m.group("end"):
            page.end_tag(name)
            continue
        attrs = m.group("attrs")
        if page.start_tag(name, attrs, attrs.endswith("/")):  # True: its content is text or dropped
            if name == "plaintext":
                page.text(markup[pos:])
                break
            end = _RAW_END[name].search(markup, pos)
            if name in _RAW_TEXT:
                page.text(markup[pos : end.start() if end else n])
            pos = end.start() if end else n
    page.close()
    return Tidied(page.out.getvalue() if page.out else "", page.deepest, page.elements, tags, cut=False)


class _Page:
    """Our stack of open elements, what is written, and how deep and large the page is."""

    def __init__(self, max_depth: int, max_elements: int) -> None:
        self.max_depth, self.max_elements = max_depth, max_elements
        self.stack: list[str] = []  # names as the page spells them (lower case)
        self.written: list[str] = []  # the names written for them (span for a formatting element)
        self.where: defaultdict[str, list[int]] = defaultdict(list)  # stack positions of each name, ascending
        self.blocks: list[int] = []  # stack positions of the special elements, ascending
        self.out: io.StringIO | None = io.StringIO()  # None once the page is over a limit
        self.deepest = self.elements = 0
        self.foreign: list[str] = []  # open elements inside an svg or math, not written
        self.foreign_open: defaultdict[str, int] = defaultdict(int)  # how many of each name
        self.root = ""  # "svg" or "math" while inside one
        self.seen: set[str] = set()  # html, head and body, each opened once

    # --- what the page says -------------------------------------------------------------------------------

    def text(self, text: str) -> None:
        if self.foreign and self.root == "svg":
            return
        if self.stack and self.stack[-1] == "head" and text.strip(_S):
            self._pop_to(len(self.stack) - 1)
        self._write(text.replace("<", "&lt;"))

    def start_tag(self, name: str, attrs: str, self_closing: bool) -> bool:
        """Open (or write) the element; True when what follows it is text to its end tag (raw text)."""
        if self.foreign:
            if name not in _BREAKOUT and not (name == "font" and self._font_breaks_out(attrs)):
                if not self_closing:
                    self.foreign.append(name)
                    self.foreign_open[name] += 1
                return False
            self._leave_foreign()
        if self.stack and self.stack[-1] == "head" and name not in _HEAD and name not in ("noscript", "head"):
            self._pop_to(len(self.stack) - 1)
        if name in ("html", "head", "body"):
            if name not in self.seen and not (name == "head" and "body" in self.seen):
                self.seen.add(name)
                self._push(name, "")
            return False
        if name in ("svg", "math"):
            self._push(name, _attributes(attrs))
            if self_closing:  # svg and math follow XML: <svg/> is empty
                self._pop_to(len(self.stack) - 1)
            else:
                self.root = name
                self.foreign.append(name)
                self.foreign_open[name] += 1
            return False
        self._close_implied(name)
        if name in _VOID:
            self._push(name, _attributes(attrs), void=True)
            return False
        self._push(name, _attributes(attrs))  # <div/> opens a div, as in HTML
        if name in _RAW_DROPPED:  # written empty: the reader still sees (and counts) what it leaves out
            self._pop_to(len(self.stack) - 1)
        return name in _RAW_DROPPED or name in _RAW_TEXT or name == "plaintext"

    def end_tag(self, name: str) -> None:
        if self.foreign:
            if self.foreign_open[name]:
                while (popped := self.foreign.pop()) != name:
                    self.foreign_open[popped] -= 1
                self.foreign_open[name] -= 1
                if not self.foreign:
                    self._leave_foreign()
                return
            if name not in ("br", "p") and not self.where.get(name):
                return  # an end tag of nothing open: ignored
            self._leave_foreign()  # </p>, </br>, or the end of an HTML element around the svg: read as HTML
        if name in ("html", "body"):
            return  # the end of the file closes them
        if name == "br":
            self.start_tag("br", "", False)
            return
        if name in _HEADINGS:
            i = self._in_scope(_HEADINGS, _SCOPE)
        elif name == "p":
            i = self._in_scope(("p",), _BUTTON_SCOPE)
        elif name == "li":
            i = self._in_scope(("li",), _LIST_SCOPE)
        elif name == "table":
            i = self._in_scope(("table",), ("html", "template"))
        elif name in _TABLE_PARTS or name in ("caption", "colgroup"):
            i = self._in_scope((name,), _TABLE_SCOPE)
        elif name in _FORMATTING:  # a block opened inside stays open (HTML moves it out): the span stays too
            i = self._in_scope((name,), _SCOPE)
            if self.blocks and self.blocks[-1] > i:
                return
        else:
            i = self._in_scope((name,), _SCOPE)
        if i >= 0:
            self._pop_to(i)

    def close(self) -> None:
        if self.foreign:
            self._leave_foreign()
        self._pop_to(0)

    # --- HTML's rules, as far as a well-nested copy needs them ----------------------------------------------

    def _close_implied(self, name: str) -> None:
        """Close what the start tag `name` closes in HTML: a paragraph before a block, the list item before a
        list item, the cell or row before a cell or row..."""
        if name not in _IMPLYING:
            return
        top = self.stack[-1] if self.stack else ""
        if name in _CLOSES_P:
            self._pop_to(self._in_scope(("p",), _BUTTON_SCOPE))
            top = self.stack[-1] if self.stack else ""
        if name in _HEADINGS and top in _HEADINGS:
            self._pop_to(len(self.stack) - 1)
        elif name == "li":
            self._pop_to(self._in_scope(("li",), _LIST_SCOPE))
        elif name in ("dd", "dt"):
            self._pop_to(self._in_scope(("dd", "dt"), (*_SCOPE, "dl")))
        elif name in ("rb", "rt", "rp", "rtc"):
            implied = ("rb", "rt", "rp", "rtc") if name in ("rb", "rtc") else ("rb", "rt", "rp")
            while self.stack and self.stack[-1] in implied:
                self._pop_to(len(self.stack) - 1)
        elif name in ("option", "optgroup"):
            while self.stack and (self.stack[-1] == "option" or (name == "optgroup" and self.stack[-1] == "optgroup")):
                self._pop_to(len(self.stack) - 1)
        elif name in ("td", "th"):
            self._pop_to(self._outermost(("td", "th"), _TABLE_SCOPE))
        elif name == "tr":
            self._pop_to(self._outermost(("tr", "td", "th"), _TABLE_SCOPE))
        elif name in ("tbody", "thead", "tfoot"):
            self._pop_to(self._outermost(_TABLE_PARTS, _TABLE_SCOPE))
        elif name in ("a", "nobr", "button"):
            self._pop_to(self._in_scope((name,), _SCOPE))

    def _in_scope(self, names: tuple[str, ...], barriers: tuple[str, ...]) -> int:
        """Stack position of the innermost open element of `names` with no barrier above it, or -1."""
        where, inner = self.where, -1
        for name in names:
            at = where.get(name)
            if at and at[-1] > inner:
                inner = at[-1]
        if inner < 0:
            return -1
        for name in barriers:
            at = where.get(name)
            if at and at[-1] > inner and name not in names:
                return -1
        return inner

    def _outermost(self, names: tuple[str, ...], barriers: tuple[str, ...]) -> int:
        """Stack position of the outermost open element of `names` above the last barrier, or -1."""
        wall = max((self.where[b][-1] for b in barriers if self.where.get(b)), default=-1)
        found = [at[bisect_right(at, wall)] for n in names if (at := self.where.get(n)) and at[-1] > wall]
        return min(found, default=-1)

    def _font_breaks_out(self, attrs: str) -> bool:
        return any(m.group(1).lower() in ("color", "face", "size") for m in _ATTR.finditer(attrs))

    def _leave_foreign(self) -> None:
        self.foreign.clear()
        self.foreign_open.clear()
        self._pop_to(self.where[self.root][-1])
        self.root = ""

    # --- the stack and what is written --------------------------------------------------------------------

    def _push(self, name: str, attrs: str, *, void: bool = False) -> None:
        if len(self.stack) > self.deepest:
            self.deepest = len(self.stack)
        self.elements += 1
        if self.out and (self.deepest > self.max_depth or self.elements > self.max_elements):
            self.out = None
        tag = _TAG_NAMES.get(name) or ("span" if name in _FORMATTING or not _SAFE_NAME.fullmatch(name) else name)
        if self.out:
            self.out.write(f"<{tag}{attrs}>")
        if not void:
            if name in _SPECIAL:
                self.blocks.append(len(self.stack))
            self.where[name].append(len(self.stack))
            self.stack.append(name)
            self.written.append(tag)

    def _pop_to(self, index: int) -> None:
        """Close the open elements at stack positions `index` and above (none for -1)."""
        if index < 0:
            return
        while len(self.stack) > index:
            name = self.stack.pop()
            self.where[name].pop()
            if name in _SPECIAL:
                self.blocks.pop()
            self._write(f"</{self.written.pop()}>")

    def _write(self, part: str) -> None:
        if self.out:
            self.out.write(part)


def _attributes(attrs: str) -> str:
    """The attributes the reader uses, written as ` class="..."` (the first of each name, as in HTML)."""
    if "=" not in attrs:
        return ""
    kept: dict[str, str] = {}
    for m in _ATTR.finditer(attrs):
        key = m.group(1).lower()
        if key in _KEPT_ATTRS and key not in kept and m.group(2) is not None:
            value = m.group(2)
            if value[:1] in "\"'":
                value = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
            kept[key] = value
    return "".join(f' {k}="{v.replace(chr(34), "&quot;")}"' for k, v in kept.items())
