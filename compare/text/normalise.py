"""Normalise a plan as it circulates on the web into simplified text fit for matching.

Every step keeps a map from each character of the normalised text back to the
character of the original file it came from, so that a measure found in the
normalised text can always be shown as the user's file wrote it.

Steps, in order (each a small function over a `_Buf`):
  newlines -> control characters -> ruby 【jiǎn】【jun1】 -> inline pinyin (shí) -> NFKC ->
  page markers (—2—, wherever they stand) and @@ -> letter-spacing -> traditional to simplified ->
  pinyin standing in for a character -> mojibake -> hard wraps -> trailing spaces.

Letter-spacing and hard wraps are judged on the whole text (`jtcompare.text.layout`): a text whose
lines are mostly letter-spaced loses the spaces on every line, a short one and a date too; a text
whose lines mostly run to one width and stop mid-sentence there has them joined at that width.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jtcompare.errors import Said, message
from jtcompare.text.layout import letter_spaced, letter_spaced_text, spaced_keep, wrap_edge, wrap_joins

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_CHARS = f"a-zA-Z{_TONED}"


@dataclass(frozen=True)
class Repair:
    """One change the normaliser made that a reader may want to check."""

    kind: str  # "pinyin" (a syllable replaced by a character), "control" (a control character removed)
    original: str
    replacement: str
    line: int  # 1-based line in the original file (the first, for a repair made `count` times)
    context: str
    count: int = 1

    def describe(self) -> Said:
        if self.kind == "control":
            broke, code = self.replacement == "\n", self.original.split(" ")[0]
            done = "replaced by a line break" if broke else "removed"
            times = f", {self.count} times from here on" if self.count > 1 else ""
            said = message(
                "note.control",
                line=self.line,
                char=message("note.char", code=code, name=self.original[len(code) :]),
                done=message("note.control_break" if broke else "note.control_removed"),
                times=message("note.control_times", count=self.count) if self.count > 1 else None,
            )
            return Said(f"line {self.line}: control character {self.original} {done}{times}", said)
        said = message(
            "note.pinyin_repair", line=self.line, word=self.original, char=self.replacement, context=self.context
        )
        return Said(
            f"line {self.line}: {self.kind} '{self.original}' -> '{self.replacement}' in '{self.context}'", said
        )


@dataclass(frozen=True)
class Notice:
    """A problem in the source text that the normaliser could not safely repair."""

    kind: str  # "mojibake", "pinyin"
    line: int
    message: str  # a Said: its Message says it in Chinese too

    def describe(self) -> Said:
        inner = getattr(self.message, "said", None)
        said = message("note.notice", line=self.line, kind=message(f"note.kind.{self.kind}"), text=inner)
        return Said(f"line {self.line}: {self.kind}: {self.message}", said if inner is not None else None)


@dataclass
class Normalised:
    """Normalised text with, for each of its characters, the index of its source character."""

    original: str
    text: str
    src: Sequence[int]
    repairs: list[Repair] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Span of the original text that produced text[start:end]."""
        if start >= end:
            pos = self.src[start] if start < len(self.src) else len(self.original)
            return pos, pos
        return self.src[start], self.src[end - 1] + 1


@dataclass
class _Buf:
    text: str
    src: list[int]
    original: str
    repairs: list[Repair] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def line_of(self, pos: int) -> int:
        opos = self.src[pos] if pos < len(self.src) else len(self.original)
        return self.original.count("\n", 0, opos) + 1


def _sub(buf: _Buf, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> None:
    """Regex substitution that keeps the offset map: replacement chars map to the match start."""
    out: list[str] = []
    src: list[int] = []
    pos = 0
    text = buf.text
    for m in pattern.finditer(text):
        new = repl(m)
        if new == m.group(0):
            continue
        out.append(text[pos : m.start()])
        src.extend(buf.src[pos : m.start()])
        out.append(new)
        anchor = buf.src[m.start()] if m.start() < len(buf.src) else len(buf.original)
        if len(new) == m.end() - m.start():
            src.extend(buf.src[m.start() : m.end()])
        else:
            src.extend([anchor] * len(new))
        pos = m.end()
    if pos == 0 and not out:
        return
    out.append(text[pos:])
    src.extend(buf.src[pos:])
    buf.text = "".join(out)
    buf.src = src


# --- pinyin knowledge -------------------------------------------------------------


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ü", "v")


@lru_cache(maxsize=1)
def _pinyin_index() -> tuple[frozenset[str], dict[str, str]]:
    """All toneless pinyin syllables, and for each the characters that can be read so."""
    chars: dict[str, list[str]] = {}
    for code, readings in _character_readings().items():
        if not (0x4E00 <= code <= 0x9FFF):
            continue
        for reading in readings.split(","):
            chars.setdefault(_toneless(reading), []).append(chr(code))
    syllables = frozenset(s for s in chars if (s.isalpha() and len(s) > 1) or s in {"a", "e", "o"})
    return syllables, {k: "".join(dict.fromkeys(v)) for k, v in chars.items()}


def _character_readings() -> dict[int, str]:
    """pypinyin's table of single-character readings (code point -> "zhōng,zhòng"), read from its data file:
    `import pypinyin` also loads its phrase table, a sixth of a second of a cold run this repair never uses."""
    spec = importlib.util.find_spec("pypinyin")  # finds the package without running it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "pinyin_dict.json"
        if path.is_file():
            return {int(code): readings for code, readings in json.loads(path.read_bytes()).items()}
    from pypinyin.pinyin_dict import pinyin_dict  # a pypinyin that keeps its table elsewhere

    return pinyin_dict


def is_pinyin(word: str) -> bool:
    syllables, _ = _pinyin_index()
    return _toneless(word) in syllables


@lru_cache(maxsize=1)
def _word_freq() -> dict[str, int]:
    from jtcompare.text.tokens import jieba_instance

    tokenizer = jieba_instance()
    return tokenizer.FREQ


# --- the steps --------------------------------------------------------------------

# letters may be spaced out too (PDF extraction: 【c hāo】); or the tone is a number (【jun1】)
_RUBY = re.compile(
    rf"【\s*[{_PINYIN_CHARS}][{_PINYIN_CHARS}\s/,、]*】"  # \s: a line may be cut inside the brackets
    rf"|【[ \t]*[a-z{_TONED}]+[1-5](?:[ \t/,、]*[a-z{_TONED}]+[1-5])*[ \t]*】"
)
# C0 and C1 control characters but tab and line feed, and the two Unicode non-characters XML refuses. Those
# that break a line (Word's manual line break, the vertical tab) become a line break; a form feed goes:
# pdftotext puts it after a page's last line break, so a sentence running on over the page stays joinable
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_CONTROL = "\x0b\x1c\x1d\x1e\x85"
_CONTROL_NAMES = {"\x0b": "vertical tab", "\x0c": "form feed", "\x1b": "escape", "\x00": "NUL", "\x7f": "delete"}
_INLINE = re.compile(rf"(?<=[{CJK}])(?:[(（]\s*[{_PINYIN_CHARS}]+(?:\s*[/,、]\s*[{_PINYIN_CHARS}]+)*\s*[)）])+")
_INLINE_ONE = re.compile(r"[(（]([^)）]*)[)）]")


def _newlines(buf: _Buf) -> None:
    _sub(buf, re.compile(r"\r\n?|\ufeff|\u2028|\u2029"), lambda m: "\n" if m.group(0)[0] in "\r\u2028\u2029" else "")


def _controls(buf: _Buf) -> None:
    """Control characters go (a line-breaking one becomes a line break), one repair per character."""
    seen: dict[str, list] = {}

    def repl(m: re.Match[str]) -> str:
        ch = m.group(0)
        if ch in seen:
            seen[ch][1] += 1
        else:
            seen[ch] = [buf.line_of(m.start()), 1]
        return "\n" if ch in _LINE_CONTROL else ""

    _sub(buf, _CONTROL, repl)
    for ch, (line, count) in seen.items():
        name = f"U+{ord(ch):04X}" + (f" ({_CONTROL_NAMES[ch]})" if ch in _CONTROL_NAMES else "")
        replacement = "\n" if ch in _LINE_CONTROL else ""
        buf.repairs.append(Repair("control", name, replacement, line, "", count))


def _ruby(buf: _Buf) -> None:
    _sub(buf, _RUBY, lambda m: "")


def _inline_pinyin(buf: _Buf) -> None:
    def repl(m: re.Match[str]) -> str:
        for group in _INLINE_ONE.finditer(m.group(0)):
            words = re.split(r"\s*[/,、]\s*", group.group(1).strip())
            # Lower-case only: (PUE), (CCER), (VOCs) are acronyms, not readings.
            if not all(w and w == w.lower() and is_pinyin(w) for w in words):
                return m.group(0)
        return ""

    _sub(buf, _INLINE, repl)


def _nfkc(buf: _Buf) -> None:
    out: list[str] = []
    src: list[int] = []
    for ch, s in zip(buf.text, buf.src, strict=True):
        if ch.isascii() or "\u4e00" <= ch <= "\u9fff":
            out.append(ch)
            src.append(s)
            continue
        new = unicodedata.normalize("NFKC", ch)
        out.append(new)
        src.extend([s] * len(new))
    buf.text = "".join(out)
    buf.src = src


_PAGE_MARK = re.compile(
    r"(?m)^[ \t]*(?:[-—–－~]+[ \t]*\d{1,4}[ \t]*[-—–－~]+"  # —2—
    r"|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*共[ \t]*\d+[ \t]*页)?"  # 第2页 共9页
    r"|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*$"  # 2 / 9
)
# a page number between dashes inside a line, where a copy joined two pages: 取得明显—2—成效, —3———
_PAGE_MARK_INLINE = re.compile(r"(?<![0-9A-Za-z.])[ \t]*[—–－~-]+[ \t]*\d{1,4}[ \t]*[—–－~-]+[ \t]*(?![0-9A-Za-z])")


def _page_noise(buf: _Buf) -> None:
    _sub(buf, _PAGE_MARK, lambda m: "")
    _sub(buf, _PAGE_MARK_INLINE, lambda m: "")
    _sub(buf, re.compile(r"@@+"), lambda m: "")


def _spaced_out(line: str) -> bool:
    cjk = len(_CJK_RE.findall(line))
    return cjk >= 4 and len(re.findall(r"[ \t]", line)) >= cjk * 0.5


def _spaced_lines(buf: _Buf) -> None:
    """Lines extracted from PDFs with a space between every character: each such line, or, in a text
    that is letter-spaced throughout, every line with any letter-spacing (a short one, a date)."""
    text = buf.text
    whole = letter_spaced_text(text.split("\n"))
    out: list[str] = []
    src: list[int] = []
    pos = 0
    for m in re.finditer(r"[^\n]+", text):
        if not (letter_spaced(m.group(0), 1) if whole else _spaced_out(m.group(0))):
            continue
        out.append(text[pos : m.start()])
        src.extend(buf.src[pos : m.start()])
        keep = spaced_keep(m.group(0))
        out.append("".join(ch for _, ch in keep))
        src.extend(buf.src[m.start() + i] for i, _ in keep)
        pos = m.end()
    if out:
        out.append(text[pos:])
        src.extend(buf.src[pos:])
        buf.text, buf.src = "".join(out), src


@lru_cache(maxsize=1)
def _t2s_converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified, character count preserved (per character where phrases differ)."""
    conv = _t2s_converter()
    new = conv.convert(text)
    if len(new) == len(text):
        return new
    return "".join(c if len(c) == 1 else ch for ch, c in ((ch, conv.convert(ch)) for ch in text))


def _simplified(buf: _Buf) -> None:
    parts = buf.text.split("\n")
    buf.text = "\n".join(to_simplified(p) for p in parts)


_LATIN_RUN = re.compile(rf"(?<![A-Za-z0-9{_TONED}])[a-z{_TONED}]{{1,6}}(?![A-Za-z0-9{_TONED}])")


def _pinyin_for_character(buf: _Buf) -> None:
    """`qi候` -> 气候, `破jie` -> 破解: a syllable typed in place of a character."""
    text = buf.text

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        before = text[max(0, m.start() - 3) : m.start()]
        after = text[m.end() : m.end() + 3]
        if not ((before[-1:] and _CJK_RE.match(before[-1:])) or (after[:1] and _CJK_RE.match(after[:1]))):
            return word
        if not is_pinyin(word):
            return word
        choice = _best_character(_toneless(word), before, after)
        line = buf.line_of(m.start())
        context = f"{before}{word}{after}"
        if choice is None:
            buf.notices.append(
                Notice(
                    "pinyin",
                    line,
                    Said(
                        f"'{word}' in '{context}' looks like pinyin for a character; left as is",
                        message("note.pinyin_left", word=word, context=context),
                    ),
                )
            )
            return word
        buf.repairs.append(Repair("pinyin", word, choice, line, context))
        return choice

    _sub(buf, _LATIN_RUN, repl)


def _best_character(syllable: str, before: str, after: str) -> str | None:
    """The character read `syllable` that forms the most frequent word with its neighbours.

    Returns None unless one candidate clearly wins (5x the runner-up's frequency).
    """
    _, by_syllable = _pinyin_index()
    freq = _word_freq()
    scores: list[tuple[int, str]] = []
    for cand in by_syllable.get(syllable, ""):
        best = 0
        for left in range(0, len(before) + 1):
            for right in range(0, len(after) + 1):
                if left + right == 0:
                    continue
                word = before[len(before) - left :] + cand + after[:right]
                best = max(best, freq.get(word, 0))
        scores.append((best, cand))
    scores.sort(reverse=True)
    if not scores or scores[0][0] == 0:
        return None
    if len(scores) > 1 and scores[0][0] < 5 * scores[1][0]:
        return None
    return scores[0][1]


_MOJIBAKE = re.compile(
    rf"(?<=[{CJK}])(?=[^{CJK}\n]*[?\ufffd])[?\ufffd;:A-Za-z0-9#$&*^~\\]{{1,8}}(?=[{CJK}])"
    r"|\ufffd+|[\u00c0-\u00ff][\u0080-\u00ff\u2018-\u201e\u2020-\u2030\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]{2,}"
)


def _mojibake(buf: _Buf) -> None:
    text = buf.text

    def repl(m: re.Match[str]) -> str:
        context = text[max(0, m.start() - 4) : m.end() + 4].replace("\n", " ")
        original = buf.original[buf.src[max(0, m.start() - 4)] : buf.src[min(len(text), m.end() + 4) - 1] + 1]
        buf.notices.append(
            Notice(
                "mojibake",
                buf.line_of(m.start()),
                Said(
                    f"garbled characters '{m.group(0)}' in '{original.strip() or context}': "
                    "text lost in conversion, kept out of matching",
                    message("note.mojibake", chars=m.group(0), context=original.strip() or context),
                ),
            )
        )
        return ""

    _sub(buf, _MOJIBAKE, repl)


def _broken_lines(buf: _Buf) -> None:
    """Join a line to the next when it stops mid-sentence (hard wraps in PDFs and web copies)."""
    lines = buf.text.split("\n")
    joins = wrap_joins(lines, wrap_edge(lines))
    if not joins:
        return
    out: list[str] = []
    src: list[int] = []
    pos = 0
    for i, line in enumerate(lines):
        end = pos + len(line)
        seg = buf.text[pos:end]
        if i in joins:
            seg_stripped = seg.rstrip()
            out.append(seg_stripped)
            src.extend(buf.src[pos : pos + len(seg_stripped)])
        else:
            out.append(seg)
            src.extend(buf.src[pos:end])
            if end < len(buf.text):
                out.append("\n")
                src.append(buf.src[end])
        pos = end + 1
    buf.text = "".join(out)
    buf.src = src


def _strip_lines(buf: _Buf) -> None:
    _sub(buf, re.compile(r"[ \t\u00a0]+(?=\n|$)"), lambda m: "")


STEPS: tuple[Callable[[_Buf], None], ...] = (
    _newlines,
    _controls,
    _ruby,
    _inline_pinyin,
    _nfkc,
    _page_noise,
    _spaced_lines,
    _simplified,
    _broken_lines,  # before the pinyin repair, which reads a word cut at a line end (qi|候) only once joined
    _pinyin_for_character,
    _mojibake,
    _strip_lines,
)


def normalise(original: str) -> Normalised:
    """Run every step over `original` and return the result with its offset map."""
    buf = _Buf(original, list(range(len(original))), original)
    for step in STEPS:
        step(buf)
    # an int array, not a list: 4 bytes a character instead of ~36, which matters for hundreds of plans
    return Normalised(original, buf.text, array("i", buf.src), buf.repairs, buf.notices)


def simplify_for_matching(text: str) -> str:
    """Quick normal form of a short string (a name or a query): NFKC, simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text)).strip()


# --- short texts a user types (a plan's name, an analyst's note): not plan text, which the steps above repair ---

# categories a terminal acts on or a spreadsheet hides: control characters (ESC starts a terminal sequence),
# format characters (U+202E shows what follows reversed; U+200B-U+200D, U+2060 and U+FEFF are invisible), line
# and paragraph separators, and lone surrogates (undecodable bytes of a command line)
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Cs")


def hidden_characters(text: str, allow: str = "") -> list[str]:
    """The characters of `text` that no terminal or spreadsheet should be handed, each once, in order; `allow`
    lists the control characters that are fine here (a note's line break)."""
    return [
        ch
        for ch in dict.fromkeys(text)
        if ch not in allow and (unicodedata.category(ch) in _HIDDEN_CATEGORIES or ch in "\ufffe\uffff")
    ]


_UNNAMED = {"Cc": "(control)", "Cs": "(surrogate: an undecodable byte)"}


def code_points(chars: Sequence[str]) -> list[str]:
    """`["U+202E", "U+001B"]`: characters shown by their code points, for a message in any language."""
    return [f"U+{ord(ch):04X}" for ch in chars]


def describe_characters(chars: Sequence[str]) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE, U+001B (control)`: characters named without printing them."""
    return ", ".join(
        f"{code} " + (unicodedata.name(ch, "") or _UNNAMED.get(unicodedata.category(ch), "(noncharacter)"))
        for code, ch in zip(code_points(chars), chars, strict=True)
    )
