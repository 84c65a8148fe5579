"""Parse a normalised plan into chapters, clauses, measures and departments.

The body runs from the first chapter heading (一、) to the last line of plan text; what comes
before (keywords, news leads, the issuing letter, the title and preamble) and after
(signatures, 抄送, 我要评论) is front matter and never becomes a measure.

Every non-blank character of the body lands in exactly one `Node`; tests check that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jtcompare.errors import Said, message
from jtcompare.plans.model import Chapter, Clause, Measure, Node, Plan, PlanMeta
from jtcompare.text.normalise import Normalised, normalise
from jtcompare.text.numerals import CHARS as CN
from jtcompare.text.numerals import cn_to_int

_CHAPTER = re.compile(rf"^(?:([{CN}]+)、|第([{CN}]+)[章部分]+\s*)(.*)$")
_CLAUSE = re.compile(rf"^(?:\(([{CN}]+)\)|([{CN}]+)\)|第([{CN}]+)条\s*)(.*)$")
_ITEM = re.compile(r"^(\d{1,3})[.、](?![\d%])(.*)$")
_DEPARTMENTS = re.compile(r"\(((?:[^()]|\([^()]*\))*(?:负责|落实|牵头)(?:[^()]|\([^()]*\))*)\)\s*$")
_SENTENCE = re.compile(r"[^。;!?\n]*(?:[。;!?]+[”’」』)]*|$)")
_TRAILING_JUNK = re.compile(
    r"^(?:我要评论|相关(?:链接|阅读|新闻)|责任编辑|分享到|打印|关闭|扫一扫|附件|抄送|来源|原标题|\(此件|（此件)"
    r"|^.{0,30}(?:印发|办公厅|办公室)$|^\d{4}年\d{1,2}月\d{1,2}日$|^\d{1,2}-\d{1,2}$"
)
TITLE_END = re.compile(r"(?:方案|规划|计划|意见|办法|纲要|措施|细则)$")  # how a plan title ends


@dataclass
class _Line:
    start: int
    end: int
    text: str
    kind: str = "para"  # chapter | clause | item | para
    number: str | None = None
    rest: str = ""


@dataclass
class _Section:
    """A heading line and the paragraph lines that follow it."""

    head: _Line | None
    lines: list[_Line] = field(default_factory=list)
    chapter: str = ""
    chapter_no: int = 0
    group: str | None = None


def _lines(text: str, start: int, end: int) -> list[_Line]:
    out = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        raw = m.group(0)
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        if stripped:
            s = start + m.start() + lead
            out.append(_Line(s, s + len(stripped), stripped))
    return out


def _classify(line: _Line) -> None:
    if (m := _CHAPTER.match(line.text)) and len(m.group(3)) <= 40 and "。" not in m.group(3).rstrip("。"):
        line.kind, line.number, line.rest = "chapter", m.group(1) or m.group(2), m.group(3)
    elif m := _CLAUSE.match(line.text):
        line.kind, line.number, line.rest = "clause", m.group(1) or m.group(2) or m.group(3), m.group(4)
    elif (m := _ITEM.match(line.text)) and re.match(r"[\u4e00-\u9fff“]", m.group(2)):
        line.kind, line.number, line.rest = "item", m.group(1), m.group(2)


def _body_bounds(lines: list[_Line]) -> tuple[int, int]:
    """Indices [first, last) of the body lines."""
    first = next((i for i, ln in enumerate(lines) if ln.kind == "chapter"), None)
    if first is None:
        first = next((i for i, ln in enumerate(lines) if ln.kind in ("clause", "item")), len(lines))
    last = len(lines)
    while last > first + 1:
        text = lines[last - 1].text
        short_tail = len(text) <= 15 and lines[last - 1].kind == "para" and "。" not in text
        if _TRAILING_JUNK.search(text) or short_tail:
            last -= 1
        else:
            break
    return first, last


def _sections(lines: list[_Line]) -> list[_Section]:
    sections: list[_Section] = []
    chapter, chapter_no, group = "", 0, None
    for i, line in enumerate(lines):
        if line.kind == "chapter":
            chapter, chapter_no, group = line.rest.rstrip("。"), cn_to_int(line.number or "") or 0, None
            sections.append(_Section(line, chapter=chapter, chapter_no=chapter_no))
        elif line.kind == "clause" and _heads_group(lines, i):
            group = line.rest.rstrip("。")
            line.kind = "group"
            sections.append(_Section(line, chapter=chapter, chapter_no=chapter_no, group=group))
        elif line.kind in ("clause", "item"):
            if line.kind == "clause":
                group = None
            sections.append(_Section(line, chapter=chapter, chapter_no=chapter_no, group=group))
        elif sections:
            sections[-1].lines.append(line)
        else:
            sections.append(_Section(None, [line]))
    return sections


def _heads_group(lines: list[_Line], i: int) -> bool:
    """A (一) heading is a group (chengdu's 行动) when numbered items 1. follow before the next heading."""
    for line in lines[i + 1 :]:
        if line.kind == "item":
            return True
        if line.kind in ("chapter", "clause"):
            return False
    return False


class _Builder:
    def __init__(self, text: str, meta: PlanMeta) -> None:
        self.text = text
        self.meta = meta
        self.nodes: list[Node] = []
        self.clauses: list[Clause] = []
        self.warnings: list[str] = []
        self.intros: dict[int, str] = {}  # a chapter heading's start -> its introduction

    def node(self, kind: str, start: int, end: int) -> None:
        if end > start and self.text[start:end].strip():
            self.nodes.append(Node(kind, start, end))  # type: ignore[arg-type]

    def measures(self, clause_id: str, spans: list[tuple[int, int]]) -> list[Measure]:
        out: list[Measure] = []
        for start, end in spans:
            for m in _SENTENCE.finditer(self.text, start, end):
                s, e = m.start(), m.end()
                chunk = self.text[s:e]
                if not chunk.strip():
                    continue
                s += len(chunk) - len(chunk.lstrip())
                e -= len(chunk) - len(chunk.rstrip())
                if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", self.text[s:e]) and out:
                    prev = out.pop()  # a stray closing quote belongs to the sentence before
                    self.nodes.pop()
                    s = prev.start
                self.node("measure", s, e)
                out.append(Measure(f"{clause_id}.{len(out) + 1:02d}", self.text[s:e], s, e))
        return out

    def clause(
        self, sec: _Section, clause_id: str, number: str | None, title: str, body: list[tuple[int, int]]
    ) -> None:
        departments: tuple[str, ...] = ()
        if body:
            last_start, last_end = body[-1]
            m = _DEPARTMENTS.search(self.text, last_start, last_end)
            if m and _looks_like_departments(m.group(1)):
                departments = _department_names(m.group(1))
                body = [*body[:-1], (last_start, m.start())]
                self.node("departments", m.start(), m.end())
        measures = self.measures(clause_id, body)
        full = "".join(self.text[s:e] for s, e in body)
        self.clauses.append(
            Clause(clause_id, number, title, sec.chapter, sec.group, full, departments, tuple(measures))
        )


def _looks_like_departments(inner: str) -> bool:
    head = re.split(r"按职责分工|牵头负责|负责", inner)[0]
    return len(head) <= 400 and "。" not in head and bool(re.search(r"[部局委厅办府行会司室院社团]|地方|部门", head))


def _department_names(inner: str) -> tuple[str, ...]:
    head = re.split(r"按职责分工|牵头负责|负责", inner)[0]
    names = []
    for part in re.split(r"[、,]", head):
        name = re.sub(r"等$", "", part.strip())
        if name:
            names.append(name)
    return tuple(names)


def _title_and_body(text: str, line: _Line, marker_end: int) -> tuple[str, int]:
    """The heading phrase after the number, and where the clause's own text starts."""
    rest = text[marker_end : line.end]
    m = re.match(r"\s*([^。;,]{1,40}?)[。;]", rest)
    if (m and len(rest) > m.end()) or (m and m.end() == len(rest)):
        return m.group(1).strip(), marker_end + m.end()
    if "。" not in rest and len(rest) <= 40:
        return rest.strip(), line.end
    return "", marker_end


def parse(original: str, meta: PlanMeta) -> Plan:
    """Normalise and parse a plan text."""
    return parse_normalised(normalise(original), meta)


def parse_normalised(norm: Normalised, meta: PlanMeta) -> Plan:
    text = norm.text
    lines = _lines(text, 0, len(text))
    for line in lines:
        _classify(line)
    first, last = _body_bounds(lines)
    body = lines[first:last]
    b = _Builder(text, meta)
    b.warnings.extend(n.describe() for n in norm.notices)
    if not any(ln.kind in ("clause", "item") for ln in body):
        body = lines[_title_index(lines) :]
        _fallback(b, body)
    else:
        _build(b, _sections(body))
    body_start = body[0].start if body else len(text)
    body_end = body[-1].end if body else len(text)
    chapters = tuple(
        Chapter(ln.number or "", ln.rest.rstrip("。"), b.intros.get(ln.start, ""))
        for ln in body
        if ln.kind == "chapter"
    )
    b.warnings.extend(_numbering_gaps(b.clauses))
    return Plan(
        meta=meta,
        norm=norm,
        front_matter=text[:body_start].strip(),
        body_start=body_start,
        body_end=body_end,
        chapters=chapters,
        clauses=tuple(b.clauses),
        nodes=tuple(sorted(b.nodes, key=lambda n: n.start)),
        warnings=tuple(b.warnings),
    )


def _title_index(lines: list[_Line]) -> int:
    """Index of the line after the plan's title, for documents without clause structure."""
    for i, line in enumerate(lines[:15]):
        if len(line.text) <= 40 and TITLE_END.search(line.text) and "印发" not in line.text:
            return i + 1
    return 0


def _fallback(b: _Builder, lines: list[_Line]) -> None:
    """Each paragraph a clause; a heading (一、总体要求, or a short line without a sentence in it) is never
    a measure: it names the chapter of the paragraphs after it."""
    b.warnings.append(
        Said("no numbered clauses found: each paragraph is treated as a clause", message("note.no_numbered_clauses"))
    )
    chapter, n = "", 0
    for line in lines:
        if line.kind == "chapter" or _heading_like(line.text):
            b.node("heading", line.start, line.end)
            chapter = (line.rest if line.kind == "chapter" else line.text).rstrip("。:")
            continue
        n += 1
        sec = _Section(line, chapter=chapter)
        title = line.text[:18] + ("…" if len(line.text) > 18 else "")
        b.clause(sec, f"{b.meta.prefix}P{n:02d}", None, title, [(line.start, line.end)])


def _heading_like(text: str) -> bool:
    """A short line that holds no sentence: 总体要求, 第二部分 重点任务."""
    return len(text) <= 20 and not re.search(r"[。;!?,]", text.rstrip(":"))


def _build(b: _Builder, sections: list[_Section]) -> None:
    items = any(s.head and s.head.kind == "item" for s in sections)
    used: set[str] = set()
    for idx, sec in enumerate(sections):
        head = sec.head
        spans = [(ln.start, ln.end) for ln in sec.lines]
        if head is None:  # text before any heading inside the body
            for s, e in spans:
                b.node("intro", s, e)
            continue
        if head.kind in ("chapter", "group"):
            b.node("heading", head.start, head.end)
            has_children = (
                idx + 1 < len(sections)
                and sections[idx + 1].head is not None
                and sections[idx + 1].head.kind in ("clause", "item", "group")
                and sections[idx + 1].chapter_no == sec.chapter_no
            )
            if head.kind == "group" and spans:
                # a group's opening paragraph (chengdu's 行动 introductions) says what the group's items do
                # together: its sentences are measures of an unnumbered clause of their own (CD3-01 for 三、(一)),
                # titled as the group; the group stays a grouping level and its items keep their numbering
                num = cn_to_int(head.number or "") or 0
                cid = f"{b.meta.prefix}{sec.chapter_no}-{num:02d}"
                used.add(cid)
                b.clause(sec, cid, None, sec.group or head.rest.rstrip("。"), spans)
            elif head.kind == "group" or has_children:
                for s, e in spans:
                    b.node("intro", s, e)
                if head.kind == "chapter" and spans:
                    # the chapter's introduction frames its clauses: kept with the chapter, never a measure, so it
                    # moves no measure id
                    b.intros[head.start] = "\n".join(b.text[s:e] for s, e in spans)
            elif spans:
                cid = f"{b.meta.prefix}{sec.chapter_no}-00"
                b.clause(sec, cid, None, sec.chapter, spans)
            continue
        primary = head.kind == "item" or not items
        num = cn_to_int(head.number or "") or 0
        cid = f"{b.meta.prefix}{num:02d}"
        if not primary or cid in used:
            cid = f"{b.meta.prefix}{sec.chapter_no}-{num:02d}"
        used.add(cid)
        marker_end = head.start + len(head.text) - len(head.rest)
        title, body_from = _title_and_body(b.text, head, marker_end)
        b.node("heading", head.start, body_from if title else marker_end)
        first = [(body_from, head.end)] if body_from < head.end else []
        if not title:
            title = re.sub(r"\s+", "", b.text[marker_end : head.end])[:18] + "…"
        b.clause(sec, cid, head.number, title, first + spans)


def _numbering_gaps(clauses: list[Clause]) -> list[str]:
    out = []
    prev: int | None = None
    for c in clauses:
        n = cn_to_int(c.number) if c.number else None
        if n is None:
            continue
        if prev is not None and n not in (prev + 1, 1):
            said = message("note.numbering_jump", was=prev, now=n, title=c.title)
            out.append(Said(f"clause numbering jumps from {prev} to {n} before '{c.title}'", said))
        prev = n
    return out
