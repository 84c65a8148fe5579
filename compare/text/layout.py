"""Page layout left in extracted text: letter-spacing and hard wraps.

Shared by the PDF reader (which knows its text is laid out in lines) and the normaliser (which
sees every plan, whatever its format, and keeps an offset map): both ask the same questions,
"is this text letter-spaced?" and "which line runs on into the next?", and get the same answers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

# a heading line: 一、 (一) 1. 第一章; ruby (【jiǎn】) may sit inside the numeral in web copies
HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|[(（]?[一二三四五六七八九十百]+[)）]|\d{1,3}[.、．](?!\d)"
    r"|第[一二三四五六七八九十百]+[章条节部分])"
)
SENTENCE_END = "。;；!！?？:："
CLOSERS = "”」』)）》"  # in a text of paragraphs, a line ending so ended its paragraph
_DEPARTMENTS_END = re.compile(r"(?:负责|落实|牵头)[^()（）]{0,20}[)）]$")  # (市发改委等按职责分工负责)
CUT = ("、", ",", "，", "-", "—", "–")  # no line, not even a heading, ends so: cut in a list or in 高炉-转炉
CONNECTORS = (*CUT, "(", "（", "“", "《", "和", "及", "与")  # a line ending so goes on
CONTINUATIONS = tuple(",，、。;；:：)）》”」』")  # a line starting so was cut from the one before
GAP = "[ \t\u00a0\u3000\u2000-\u200a\u202f\u205f]"
_GAP_RUN = re.compile(f"{GAP}+")
_WORDS = re.compile("[^\\s\u00a0\u3000\u2000-\u200a\u202f\u205f]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_RUBY = re.compile(r"【[^】]{1,12}】|[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")  # before normalisation
PARAGRAPH_LINE = 30  # without a regular wrap width, a line this long that stops mid-sentence was broken
PROSE_LINE = 12  # ...and one this long with a , 、 or ; inside: running text, not a title or a byline
_INNER_PUNCTUATION = re.compile("[,，、;；。]")
_RUN_IN = re.compile("[。!！?？]")  # a sentence ends inside the line: 标题。正文…
_RUNNING = re.compile("[,，;；]")  # a numbered line so punctuated is a list item's running text, not a heading
MIN_LINES = 8  # fewer lines say nothing about a wrap width
WRAPPED_SHARE = 0.2  # a wrapped text has at least this share of its lines at the width...
LONGER_SHARE = 0.05  # ...and at most this share longer (a text of paragraphs: 0.4 to 0.95 of the shipped plans)


# --- letter-spacing: 减 污 降 碳 协 同 ---------------------------------------------------------------


def letter_spaced(line: str, min_words: int = 4) -> bool:
    """Most words of the line are one character long: `减 污 降 碳`, `2 0 2 2 年`."""
    words = _WORDS.findall(line)
    return len(words) >= min_words and sum(1 for w in words if len(w) == 1) >= 0.8 * len(words)


def letter_spaced_text(lines: Sequence[str]) -> bool:
    """Half the lines with text are letter-spaced: then every line is, even a short one (`冈 力 量 。`)."""
    nonblank = [ln for ln in lines if ln.strip()]
    return bool(nonblank) and sum(1 for ln in nonblank if letter_spaced(ln)) >= 0.5 * len(nonblank)


def spaced_keep(line: str) -> list[tuple[int, str]]:
    """(index, character) to keep of a letter-spaced line: gaps go, except one space between two Latin
    letters (a word of English stays apart from the next) or where the gap was wider than the rest."""
    keep: list[tuple[int, str]] = []
    for m in re.finditer(f"{GAP}+|(?:(?!{GAP}).)+", line):
        if not re.match(GAP, m.group(0)):
            keep.extend((m.start() + i, ch) for i, ch in enumerate(m.group(0)))
            continue
        before, after = line[m.start() - 1 : m.start()], line[m.end() : m.end() + 1]
        latin = before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
        if before and after and (latin or len(m.group(0)) >= 3):
            keep.append((m.start(), " "))
    return keep


def unspace(line: str) -> str:
    return "".join(ch for _, ch in spaced_keep(line))


# --- hard wraps ---------------------------------------------------------------------------------------


def display_width(line: str) -> int:
    """ASCII counts 1, Chinese characters and full-width punctuation 2."""
    return sum(1 if ch.isascii() else 2 for ch in line.strip())


def ends_paragraph(line: str, *, closers: bool = False) -> bool:
    """Ends a sentence, or a clause's closing list of departments; with `closers`, any closing quote or bracket."""
    text = line.rstrip()
    return text.endswith(tuple(SENTENCE_END + (CLOSERS if closers else ""))) or bool(_DEPARTMENTS_END.search(text))


def is_heading(line: str) -> bool:
    return bool(HEADING_START.match(_RUBY.sub("", line)))


def _paragraph_line(line: str) -> bool:
    """In a text of paragraphs, whether a line is long enough to have been cut mid-paragraph.

    A paragraph-length line is; so is any line in which a sentence already ended (a heading's body running in
    after it: （四）严格生态环境准入管理。坚决遏制…) and a shorter one that reads as running text (a , 、 or ;
    inside), since a web copy's wrap can fall anywhere. A short heading is not, but a numbered line with a , or ;
    in it is the first line of a list item cut mid-sentence (6.持续推动涪陵区、南川区…发展,加强), not a heading.
    """
    if _RUN_IN.search(line.rstrip()[:-1]):
        return True
    if is_heading(line) and len(line) < 40 and not _RUNNING.search(line):
        return False
    return len(line) >= PARAGRAPH_LINE or (len(line) >= PROSE_LINE and bool(_INNER_PUNCTUATION.search(line)))


def wrap_edge(lines: Sequence[str]) -> tuple[Callable[[str], int], int] | None:
    """The measure (characters or display width) and the width at which the text was hard-wrapped; None for a
    text of paragraphs.

    The width is the commonest length of the lines that stop mid-sentence. A wrapped text has almost no line
    longer than it, most lines that reach it stop mid-sentence there, and most lines that stop mid-sentence
    reach it; a line shorter than the width that ends a sentence (a paragraph's last line, a list item or a
    heading that fits on one line: （三）推进工业节能。) says nothing either way, so a plan of many short items
    among wrapped long ones is still found wrapped. A text of paragraphs has most of its lines far longer than
    any such width.
    """
    texts = [ln.strip() for ln in lines if ln.strip()]
    if len(texts) < MIN_LINES:
        return None
    best: tuple[float, Callable[[str], int], int] | None = None
    for measure, least in ((len, 10), (display_width, 20)):
        values = [measure(t) for t in texts]
        open_values = [v for t, v in zip(texts, values, strict=True) if not ends_paragraph(t)]
        if not open_values:
            continue
        edge, _ = Counter(open_values).most_common(1)[0]
        edge = max(v for v in values if v <= edge * 1.1)  # half-width digits make some full lines longer
        full = [t for t, v in zip(texts, values, strict=True) if edge * 0.9 <= v <= edge * 1.1]
        longer = sum(1 for v in values if v > edge * 1.1)
        open_short = sum(1 for t, v in zip(texts, values, strict=True) if v < edge * 0.9 and not ends_paragraph(t))
        open_ended = sum(1 for t in full if not ends_paragraph(t))
        share = len(full) / len(texts)
        wrapped = (
            edge >= least
            and len(full) >= WRAPPED_SHARE * len(texts)
            and longer <= LONGER_SHARE * len(texts)
            and open_ended >= 0.7 * len(full)
            and len(full) >= 0.5 * (len(full) + open_short)
        )
        if wrapped and (not best or share > best[0]):
            best = (share, measure, edge)
    return (best[1], best[2]) if best else None


def page_edge(lines: Sequence[str]) -> tuple[Callable[[str], int], int] | None:
    """For text known to be laid out in lines (a PDF): the page edge is where the longest lines end."""
    widths = sorted(display_width(ln) for ln in lines if _CJK.search(ln))
    if len(widths) < 5:
        return None
    return display_width, widths[int(len(widths) * 0.9)]


def wrap_joins(lines: Sequence[str], edge: tuple[Callable[[str], int], int] | None) -> set[int]:
    """Indices i of the lines that run on into line i+1.

    With a wrap `edge` (see wrap_edge, page_edge), a line that reaches it and stops mid-sentence runs on;
    without one, a line of running text (`_paragraph_line`) that does. Either way, a line ending in 、 , 和
    runs on, a heading (一、总体要求) does not unless it reaches the edge, and nothing runs into a heading.
    A line that starts with , or a closing bracket always continues the one before.
    """
    joins: set[int] = set()
    for i in range(len(lines) - 1):
        cur, nxt = lines[i].strip(), lines[i + 1].strip()
        if not cur or not nxt or is_heading(nxt):
            continue
        if nxt.startswith(CONTINUATIONS):
            joins.add(i)
            continue
        if edge:
            measure, width = edge
            full = measure(cur) >= width * 0.85
        else:
            full = _paragraph_line(cur)
        short_heading = is_heading(cur) and len(cur) < 40 and not full and not cur.endswith(CUT)
        if (full and not ends_paragraph(cur, closers=not edge)) or (cur.endswith(CONNECTORS) and not short_heading):
            joins.add(i)
    return joins
