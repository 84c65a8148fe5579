"""The matcher's evidence line as a reader reads it, in Chinese or English.

The matcher writes one English line per judgement (match/classify.py `_evidence`, match/strength.py, the
analyst's override in workflow/overrides.py), and JSON keeps it as written (data for programs, the same in
every language). A report in Chinese, and a Chinese CSV or SQLite export (vocab.worded), reads it back here
into its parts, each a template of strings.toml (`evidence.*`) with the values the matcher put in (measure
ids, clause labels, unit texts, targets), and writes it again in Chinese: the judgement is not touched, only
its words. Why a measure does not apply is no template but a reviewed sentence in both languages
(match/data/applicability.csv): the line holds the English, a Chinese output its Chinese. Rendering the parts
in English gives the matcher's line back character for character (tests/test_zh_everywhere.py checks it on
every cell of the shipped plans), so no part is lost. A line this module cannot read is shown as written rather
than half-translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jtcompare.match.results import UNITS_JOINED, reason_in_chinese
from jtcompare.report.i18n import Lang, label

# "partial (2/3 key units covered)", "not_applicable" (no units counted), and an analyst's "adopted (analyst
# override; engine said partial): note"
_HEAD = re.compile(
    r"(?P<status>[a-z_]+) \((?P<k>\d+)/(?P<n>\d+) key units covered\)|(?P<bare>not_applicable)(?=: |; |\Z)"
)
_OVERRIDE = re.compile(r"(?P<status>[a-z_]+) \(analyst override; engine said (?P<was>[a-z_]+)\): (?P<note>.*)", re.S)

# what follows the head after ": ", up to the first "; " (a clause label holds none)
_WHERE = (
    ("no_action", r"no action taken up \(at most words of one in (?P<id>\S+)\)"),
    ("best_more", r"best match (?P<id>\S+) in (?P<clause>.+), \+(?P<more>\d+) more"),
    ("best", r"best match (?P<id>\S+) in (?P<clause>.+)"),
    ("none_holds", r"no plan sentence holds enough of its key terms"),
    ("no_measures", r"the plan has no measures"),
)

# the notes after the head, each starting with its own words; "missing" and "weaker" list units joined by "; "
_NOTES = (
    ("missing", r"missing: (?P<items>.*)"),
    ("weaker", r"weaker: (?P<items>.*)"),
    ("terms", r"key terms missing from its closest sentences: (?P<terms>.*)"),
    ("laxer", r"weakened: laxer target (?P<plan>.*) vs (?P<base>.*)"),
    ("stricter", r"stricter target (?P<plan>.*) vs (?P<base>.*)"),
    ("same", r"same target (?P<plan>.*) vs (?P<base>.*)"),
    ("untaken", r"target not taken up: (?P<target>.*)"),
    ("softened", r"weakened: (?P<base>.*) -> (?P<plan>.*)"),
    ("added", r"adds a quantified target: (?P<target>.*) \(base has none\)"),
    ("dated", r"adds a dated goal: (?P<year>\d{4}): (?P<goal>.*) \((?P<id>[^,()]+), on (?P<term>[^()]+)\)"),
    ("firmer", r"firmer action: (?P<base>.*) -> (?P<plan>.*) \((?P<id>[^()]+)\)"),
)
_LISTS = ("missing", "weaker")
_WHERE_RE = [(code, re.compile(pattern + r"\Z", re.S)) for code, pattern in _WHERE]
_NOTES_RE = [(code, re.compile(pattern + r"\Z", re.S)) for code, pattern in _NOTES]
_STARTS = re.compile("|".join(re.escape(p.split("(?P")[0].replace("\\", "")) for _, p in _NOTES))


@dataclass
class Part:
    # a key under evidence.* in strings.toml; "text" for words no template holds: why a measure does not apply
    # (its English reason, said in Chinese from the reviewed table, results.reason_in_chinese), else as written
    code: str
    values: dict[str, str] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)  # the units of a missing/weaker note


@dataclass
class Evidence:
    status: str
    covered: str  # "2/3"; "" where no units are counted (a measure that does not apply)
    where: Part | None
    notes: list[Part]


def parse(line: str) -> Evidence | None:
    """The parts of an evidence line, or None when it is not one the matcher writes (an override's line)."""
    head = _HEAD.match(line)
    if not head:
        return None
    rest = line[head.end() :]
    where = None
    if rest.startswith(": "):
        said, _, rest = rest[2:].partition("; ")
        where = _match(_WHERE_RE, said)
        if where is None:
            return None
        rest = "; " + rest if rest else ""
    if rest and not rest.startswith("; "):
        return None
    notes: list[Part] = []
    for piece in rest[2:].split("; ") if rest else []:
        note = _match(_NOTES_RE, piece) if _STARTS.match(piece) else None
        if note is not None:
            if note.code in _LISTS:
                note.items = [note.values.pop("items")]
            notes.append(note)
        elif notes and notes[-1].code in _LISTS:
            notes[-1].items.append(piece)  # the next unit of the list
        else:
            notes.append(Part("text", {"text": piece}))
    if head["bare"]:
        return Evidence(head["bare"], "", where, notes)
    return Evidence(head["status"], f"{head['k']}/{head['n']}", where, notes)


def _match(patterns: list[tuple[str, re.Pattern[str]]], text: str) -> Part | None:
    for code, pattern in patterns:
        if found := pattern.match(text):
            return Part(code, found.groupdict())
    return None


def render(ev: Evidence, lang: Lang) -> str:
    """The parts written again in `lang` (in English, the matcher's own line)."""
    status = ev.status if lang == "en" else label(f"status.{ev.status}", lang)
    if ev.covered:
        k, n = ev.covered.split("/")
        out = _t("evidence.head", lang, status=status, k=k, n=n)
    else:
        out = status
    if ev.where is not None:
        out += _t("evidence.where_sep", lang) + _part(ev.where, lang)
    for note in ev.notes:
        out += _t("evidence.note_sep", lang) + _part(note, lang)
    return out


def _part(part: Part, lang: Lang) -> str:
    if part.code == "text":
        said = part.values["text"]
        return reason_in_chinese().get(said, said) if lang == "zh" else said
    values = dict(part.values)
    if part.items:
        values["items"] = _t("evidence.item_sep", lang).join(part.items)
    if values.get("base") == "none":
        values["base"] = _t("evidence.none", lang)
    return _t(f"evidence.{part.code}", lang, **values)


def _t(key: str, lang: Lang, **values: str) -> str:
    return label(key, lang).format(**values) if values else label(key, lang)


def evidence_text(line: str, lang: Lang) -> str:
    """The evidence line for a reader: as written in English; in Chinese, every word of it translated (an
    analyst's note is the analyst's own words and stays as typed). A confirmation of the engine's call is said in
    `lang` whatever language the review that wrote it was in."""
    if not line:
        return line
    if confirmed := split_confirmation(line):
        engine, note = confirmed
        return f"{evidence_text(engine, lang)}{_t('evidence.item_sep', lang)}{confirmation_in(note, lang)}"
    if lang == "en":
        return line
    if override := _OVERRIDE.match(line):
        return _t(
            "evidence.override",
            lang,
            status=label(f"status.{override['status']}", lang),
            was=label(f"status.{override['was']}", lang),
            note=confirmation_in(override["note"], lang),
        ).rstrip("：")
    ev = parse(line)
    return render(ev, lang) if ev is not None else line


_UNIT_STATE = re.compile(r" \((weaker|missing)\)(?=" + re.escape(UNITS_JOINED) + r"|\Z)")


def units_text(cell: str, lang: Lang) -> str:
    """The units-not-covered cell ("推进… (weaker) | 建设… (missing)") in `lang`."""
    if lang == "en" or not cell:
        return cell
    marked = _UNIT_STATE.sub(lambda m: label(f"evidence.state.{m[1]}", lang), cell)
    return marked.replace(UNITS_JOINED, label("evidence.item_sep", lang))


def override_text(note: str, lang: Lang) -> str:
    """The overridden cell: the analyst's note, or the bare word the matcher's caller writes when there is none."""
    return label("column.overridden", lang) if note == "override" and lang != "en" else confirmation_in(note, lang)


def confirmation(note: str) -> tuple[str, str] | None:
    """A review's confirmation of the engine's call (workflow/review.py writes it in the review file's words):
    (its strings.toml key, what follows the words: the analyst's note, or the reviewer and date as shown); None
    for any other note. The one place that knows those words: overrides.is_confirmation asks here too."""
    for said in ("zh", "en"):
        for key in ("review.confirmed_note", "review.confirmed"):  # the longer first: 确认原判定：… before 确认原判定
            head = label(key, said).split("{note}")[0]
            if note.startswith(head):
                return key, note[len(head) :]
    return None


def split_confirmation(line: str) -> tuple[str, str] | None:
    """A confirmed cell's evidence line (the engine's own, then "; " and the confirmation: workflow/overrides.py)
    as (the engine's line, the confirmation); None for any other line. The matcher never writes the
    confirmation's words, so the first place they follow "; " is where the note starts."""
    for said in ("zh", "en"):
        for key in ("review.confirmed_note", "review.confirmed"):
            k = line.find("; " + label(key, said).split("{note}")[0])
            if k >= 0:
                return line[:k], line[k + 2 :]
    return None


def confirmation_in(note: str, lang: Lang) -> str:
    """A confirmation said in the output's language, the analyst's own note after it as written; any other note
    as it is."""
    found = confirmation(note)
    if found is None:
        return note
    key, rest = found
    return label(key, lang).replace("{note}", rest) if key == "review.confirmed_note" else label(key, lang) + rest
