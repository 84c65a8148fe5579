"""The numbers Word draws before auto-numbered paragraphs (w:numPr and numbering.xml), which are not in the
paragraph's text: a plan whose 一、 (一) 1. are list numbering would otherwise lose every clause number.

Reconstructed only for clause numbering: Chinese counting (一 二 … 十一) and arabic digits, in labels such as
`%1、`, `（%1）`, `%1.`, `(%1)`, `第%1章`, `%1.%2`. Bullets, letters, roman numerals and the rest stay as Word
shows them to the parser: not a clause number, so nothing is invented. The counting follows Word's: a list
(an abstract numbering) counts on across its paragraphs; a deeper level restarts after a shallower one unless
`w:lvlRestart` says otherwise; `w:startOverride` restarts a level where a list instance first appears.
Bounded: at most 9 levels, labels of at most MAX_LABEL characters, numbers up to MAX_NUMBER.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_LABEL = 20  # characters of a level's lvlText: a clause label is short
MAX_NUMBER = 9999
LEVELS = 9
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "〇一二三四五六七八九"
_ARABIC = {"decimal", "decimalHalfWidth", "decimalFullWidth", "decimalFullWidth2", "decimalZero"}
_CHINESE = {"chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"}
_DIGIT_BY_DIGIT = {"ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"}
_PLACEHOLDER = re.compile(r"%([1-9])")
_CLOSING = tuple("、.．)）:：")


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str  # lvlText: "%1、"
    start: int
    restart: int | None  # lvlRestart: restart after a level above this 1-based one is used; 0 never; None any
    legal: bool  # isLgl: every number in the label arabic
    suffix: str  # a space for Word's tab or space after the label, '' for none (w:suff)


@dataclass
class _Instance:
    abstract: str
    starts: dict[int, int]  # startOverride per level
    levels: dict[int, _Level]  # a level redefined by lvlOverride
    seen: bool = False


@dataclass
class Numbering:
    """Labels of a document's numbered paragraphs, in document order (each call advances the counters)."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    instances: dict[str, _Instance] = field(default_factory=dict)
    styles: dict[str, tuple[str | None, str | None, str | None]] = field(default_factory=dict)  # numId, ilvl, base
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    default_style: str | None = None  # the paragraph style of a paragraph naming none

    def label(self, paragraph: Any) -> str:
        """The visible number of `paragraph` (a python-docx Paragraph) followed by its separator, or ''."""
        ppr = paragraph._p.pPr
        style = _val(ppr, "pStyle") if ppr is not None else None
        num_id, ilvl = self._num_pr(ppr, style or self.default_style)
        instance = self.instances.get(num_id or "")
        if instance is None or not (0 <= ilvl < LEVELS):
            return ""  # numId 0 removes a style's numbering; an unknown one shows nothing in Word either
        levels = {**self.abstract.get(instance.abstract, {}), **instance.levels}
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(instance.abstract, [None] * LEVELS)
        if not instance.seen:
            instance.seen = True
            for level in instance.starts:
                counters[level] = None
        _count(counters, levels, ilvl, instance.starts)
        return _render(levels, ilvl, counters, instance.starts)

    def _num_pr(self, ppr: Any, style: str | None) -> tuple[str | None, int]:
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        num_id = ilvl = None
        if num_pr is not None:
            num_id, ilvl = _val(num_pr, "numId"), _val(num_pr, "ilvl")
        for _ in range(LEVELS * 4):  # a style's numbering, through its basedOn chain (bounded: a loop ends)
            if style is None or (num_id is not None and ilvl is not None):
                break
            s_num, s_ilvl, style = self.styles.get(style, (None, None, None))
            num_id, ilvl = num_id or s_num, ilvl if ilvl is not None else s_ilvl
        return num_id, _int(ilvl, 0)


def read_numbering(document: Any) -> Numbering:
    """The numbering definitions and paragraph styles of a python-docx Document (none when it has no list)."""
    numbering = Numbering()
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return numbering
    for node in root.iterfind(f"{_W}abstractNum"):
        numbering.abstract[node.get(f"{_W}abstractNumId", "")] = _levels(node)
    for node in root.iterfind(f"{_W}num"):
        ref = node.find(f"{_W}abstractNumId")
        if ref is None:
            continue
        starts: dict[int, int] = {}
        redefined: dict[int, _Level] = {}
        for override in node.iterfind(f"{_W}lvlOverride"):
            level = _int(override.get(f"{_W}ilvl"), -1)
            if not 0 <= level < LEVELS:
                continue
            if (start := override.find(f"{_W}startOverride")) is not None:
                starts[level] = _int(start.get(f"{_W}val"), 1)
            redefined.update(_levels(override))
        numbering.instances[node.get(f"{_W}numId", "")] = _Instance(ref.get(f"{_W}val", ""), starts, redefined)
    for style in document.styles.element.iterfind(f"{_W}style"):
        ppr = style.find(f"{_W}pPr")
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        based = style.find(f"{_W}basedOn")
        if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true", "on"):
            numbering.default_style = style.get(f"{_W}styleId")
        numbering.styles[style.get(f"{_W}styleId", "")] = (
            _val(num_pr, "numId") if num_pr is not None else None,
            _val(num_pr, "ilvl") if num_pr is not None else None,
            based.get(f"{_W}val") if based is not None else None,
        )
    return numbering


def _levels(node: Any) -> dict[int, _Level]:
    out: dict[int, _Level] = {}
    for lvl in node.iterfind(f"{_W}lvl"):
        level = _int(lvl.get(f"{_W}ilvl"), -1)
        if not 0 <= level < LEVELS:
            continue
        restart = _val(lvl, "lvlRestart")
        out[level] = _Level(
            fmt=_val(lvl, "numFmt") or "decimal",
            text=_val(lvl, "lvlText") or "",
            start=_int(_val(lvl, "start"), 1),
            restart=None if restart is None else _int(restart, 0),
            legal=lvl.find(f"{_W}isLgl") is not None,
            suffix="" if _val(lvl, "suff") == "nothing" else " ",
        )
    return out


def _count(counters: list[int | None], levels: dict[int, _Level], ilvl: int, starts: dict[int, int]) -> None:
    """Advance level `ilvl` and restart the deeper levels that restart after it."""
    current = counters[ilvl]
    counters[ilvl] = _start(levels, ilvl, starts) if current is None else current + 1
    for deeper in range(ilvl + 1, LEVELS):
        level = levels.get(deeper)
        restart = level.restart if level else None
        if restart is None or (restart > 0 and ilvl < restart):  # lvlRestart n: after levels 1..n (1-based)
            counters[deeper] = None


def _start(levels: dict[int, _Level], ilvl: int, starts: dict[int, int]) -> int:
    return starts.get(ilvl, levels[ilvl].start if ilvl in levels else 1)


def _render(levels: dict[int, _Level], ilvl: int, counters: list[int | None], starts: dict[int, int]) -> str:
    level = levels[ilvl]
    if len(level.text) > MAX_LABEL or not _PLACEHOLDER.search(level.text):
        return ""  # no number in it (a bullet, a fixed mark) or too long to be a clause label

    def number(m: re.Match[str]) -> str:
        k = int(m.group(1)) - 1
        value = counters[k] if counters[k] is not None else _start(levels, k, starts)
        fmt = "decimal" if level.legal and k != ilvl else (levels[k].fmt if k in levels else "decimal")
        shown = _format(value or 0, fmt)
        if shown is None:
            raise _NotAClauseNumber
        return shown

    try:
        label = _PLACEHOLDER.sub(number, level.text)
    except _NotAClauseNumber:
        return ""
    # the gap Word draws after 一、 or 1. is not written: the parser reads 1.推进 as an item, not 1. 推进
    return label if label.endswith(_CLOSING) else label + level.suffix


class _NotAClauseNumber(Exception):
    pass


def _format(value: int, fmt: str) -> str | None:
    if not 0 < value <= MAX_NUMBER:
        return None
    if fmt in _ARABIC:
        return f"{value:02d}" if fmt == "decimalZero" else str(value)
    if fmt in _CHINESE:
        return chinese(value)
    if fmt in _DIGIT_BY_DIGIT:
        return "".join(_CN[int(d)] for d in str(value))
    return None


def chinese(value: int) -> str:
    """一, 十, 十一, 二十, 一百零五, 一千零一十: how Chinese counting writes 1..9999."""
    digits = [int(d) for d in str(value)]
    units = ["千", "百", "十", ""][-len(digits) :]
    out, zero = "", False
    for d, unit in zip(digits, units, strict=True):
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if (d == 1 and unit == "十" and not out) else _CN[d]) + unit
    return out


def _val(node: Any, tag: str) -> str | None:
    child = node.find(f"{_W}{tag}")
    return child.get(f"{_W}val") if child is not None else None


def _int(text: str | None, default: int) -> int:
    if text is None or not re.fullmatch(r"-?\d{1,9}", text.strip()):
        return default
    return int(text)
