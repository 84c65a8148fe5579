"""The 对照 view: one alignment as one self-contained HTML page (Jinja2 template, autoescaping on).

This module prepares the data (rows, highlighted terms, targets side by side, both full texts with their
outlines); `templates/view.html` only lays it out, and `templates/view.js` filters it and keeps the
analyst's review in the browser. Plan text is untrusted: it reaches the page only through autoescaped
template expressions and JSON made safe for a <script> block, never as markup, and the page's
Content-Security-Policy runs no script but its own (by hash) and fetches nothing.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from jtcompare.match.results import CENTRAL_ONLY, STATUSES, Alignment, ClauseResult, MeasureResult, Target, TargetPair
from jtcompare.plans.model import Plan
from jtcompare.report.caveats import caveats
from jtcompare.report.evidence import evidence_text, override_text
from jtcompare.report.i18n import Lang, keys, label
from jtcompare.report.palette import ordered
from jtcompare.report.vocab import base_title
from jtcompare.version import __version__

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True)
class StatusInfo:
    key: str
    label: str
    symbol: str  # one character shown in heatmap cells, chips and legends (report.palette)
    colour: str
    pattern: str
    ink: str  # the text colour on `colour`


def status_info(lang: Lang) -> list[StatusInfo]:
    """Each status's word in `lang` with its colour, symbol and pattern from the one table (report.palette)."""
    return [StatusInfo(s, label(f"status.{s}", lang), st.symbol, st.colour, st.pattern, st.ink) for s, st in ordered()]


def labels(lang: Lang) -> dict[str, str]:
    """Every `view.*` label of strings.toml in `lang`, keyed without the prefix (`filter.status`)."""
    return {k.removeprefix("view."): label(k, lang) for k in keys("view")}


# --- key terms ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of text; `mark` is "shared" (a key term both texts have), "missing" (a key term the city text
    lacks) or ""."""

    text: str
    mark: str = ""


def maximal(terms: Sequence[str], within: Sequence[str] = ()) -> list[str]:
    """The terms not part of a longer one here or in `within`: 二氧化碳 stands for 二氧, 氧化 and 化碳 (jieba's
    search mode yields the parts of a compound too)."""
    pool = [*terms, *within]
    return [t for t in terms if not any(t != u and t in u for u in pool)]


def highlight(text: str, shared: Iterable[str], missing: Iterable[str] = ()) -> list[Piece]:
    """`text` cut into pieces, the literal occurrences of the terms marked. A missing term is marked only where
    no shared one overlaps it (新能源汽车 missing beside a shared 新能源 would leave a stray 汽车)."""
    marks = [""] * len(text)
    for kind, terms in (("shared", shared), ("missing", missing)):
        for term in terms:
            at = text.find(term) if term else -1
            while at >= 0:
                if kind == "shared" or "shared" not in marks[at : at + len(term)]:
                    marks[at : at + len(term)] = [kind] * len(term)
                at = text.find(term, at + 1)
    pieces: list[Piece] = []
    start = 0
    for k in range(1, len(text) + 1):
        if k == len(text) or marks[k] != marks[start]:
            pieces.append(Piece(text[start:k], marks[start]))
            start = k
    return pieces


# --- the comparison rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """A city sentence shown beside a national measure."""

    id: str
    clause: str
    score: float
    pieces: list[Piece]


@dataclass(frozen=True)
class TargetRow:
    indicator: str
    base: str  # "2025: 达到 25%", "" when the base sets none
    plan: str
    plan_measure: str
    verdict: str  # stricter | laxer | equal | added | "" (the base target found no plan target to compare)


@dataclass(frozen=True)
class UnitRow:
    text: str
    key_terms: list[str]
    missing: list[str]  # the key terms the plan does not hold
    covered: bool
    by: list[str]
    state: str = "missing"  # covered | weaker | missing: the unit model's call
    key: bool = True  # False: framing the status does not need


@dataclass(frozen=True)
class Row:
    id: str
    text: str  # as the CSV exports it (`base text`): the importer checks it against the base
    status: str
    score: float
    key_units_shown: str  # key units covered / key units, "2/3"
    counted: bool
    region: str | None  # the region a not_applicable measure is bound to
    central: bool  # not applicable because only the central government can carry it out (region is CENTRAL_ONLY)
    overridden: str | None
    confirmed: bool  # the override only confirms the engine's call: its badge says so, not 人工改判
    evidence: str
    pieces: list[Piece]
    matches: list[Sentence]
    nearest: Sentence | None  # the best city sentence when none reaches the match floor
    shared: list[str]  # as listed under the text (the marks use every term)
    missing: list[str]
    targets: list[TargetRow]
    units: list[UnitRow]
    chapter: int
    depts: str  # indices into the department list, space-separated (a data attribute)
    confidence: float | None = None  # the status model's confidence; None for n/a and analyst calls
    check: bool = False  # below check_below: flagged for the analyst
    framing: bool = False  # of a framing or situation clause: listed, in no status count (see view_counts)


@dataclass(frozen=True)
class ClauseView:
    id: str
    label: str
    role: str
    coverage: float | None
    counts: list[tuple[StatusInfo, int]]
    matches: list[tuple[str, str, float]]  # city clause id, label, similarity
    departments: tuple[str, ...]
    rows: list[Row]


@dataclass(frozen=True)
class ChapterView:
    index: int
    title: str
    clauses: list[ClauseView]
    intro: tuple[str, ...] = ()  # the base chapter's introductory paragraphs: framing, no measure of their own


def _target(t: Target | None) -> str:
    if t is None:
        return ""
    year = f"{t.year}: " if t.year else ""
    return f"{year}{t.comparator} {t.value:g}{t.unit}"


def target_rows(m: MeasureResult) -> list[TargetRow]:
    """The compared pairs, then the base's targets no plan target was compared with."""
    pairs: Sequence[TargetPair] = m.compared
    rows = [
        TargetRow((p.base or p.plan).indicator, _target(p.base), _target(p.plan), p.plan_measure, p.verdict)
        for p in pairs
    ]
    return rows + [TargetRow(t.indicator, _target(t), "", "", "") for t in m.targets_not_set]


def unit_rows(m: MeasureResult) -> list[UnitRow]:
    """The action units of the judgement, when the matcher provides them (`units` on the result)."""
    out = []
    for u in getattr(m, "units", None) or ():
        by = getattr(u, "by", None)
        ids = [] if not by else [by] if isinstance(by, str) else [str(x) for x in by]
        terms = [str(k) for k in getattr(u, "key_terms", ()) or ()]
        # without the matcher's list of missing terms, an uncovered unit misses all of them
        missing = getattr(u, "missing", None)
        missing = [str(k) for k in missing] if missing is not None else ([] if u.covered else terms)
        state = getattr(u, "state", "covered" if u.covered else "missing")
        out.append(UnitRow(str(u.text), terms, missing, bool(u.covered), ids, state, bool(getattr(u, "key", True))))
    return out


def _sentence(measure_id: str, text: str, clause: str, score: float, shared: list[str]) -> Sentence:
    return Sentence(measure_id, clause, score, highlight(text, shared))


def row(m: MeasureResult, chapter: int, depts: str, lang: Lang = "en") -> Row:
    shown = m.matches or ((m.nearest,) if m.nearest else ())
    # a measure that does not apply shows its reason and the plan's nearest text, not unit and target calls that
    # would read as gaps
    applies = m.applies
    units = unit_rows(m) if applies else []
    shared, marks = list(m.highlight.shared), list(m.highlight.city)
    missing = list(m.highlight.missing) if applies else []
    sentences = [_sentence(x.measure.id, x.measure.text, x.clause.label, x.score, marks) for x in shown]
    return Row(
        id=m.measure.id,
        text=m.measure.text,
        status=m.status,
        score=m.score,
        key_units_shown=m.key_units_shown,
        counted=m.counted,
        # why it does not apply, while it does not: an analyst who pinned another status overruled it
        region=(m.region if lang == "zh" else m.region_en) if m.status == "not_applicable" else None,
        central=m.region == CENTRAL_ONLY and m.status == "not_applicable",
        overridden=override_text(m.overridden, lang) if m.overridden else m.overridden,
        confirmed=m.confirmed,
        evidence=evidence_text(m.evidence, lang),
        pieces=highlight(m.measure.text, shared, missing),
        matches=sentences if m.matches else [],
        nearest=None if m.matches else (sentences[0] if sentences else None),
        shared=maximal(shared),
        missing=maximal(missing, shared),
        targets=target_rows(m) if applies else [],
        units=units,
        chapter=chapter,
        depts=depts,
        confidence=m.confidence,
        check=m.check,
        framing=m.role != "action",
    )


class Departments:
    """The responsible departments named in either plan, numbered for the filter (national ones first)."""

    def __init__(self, a: Alignment) -> None:
        self.groups: list[tuple[str, list[tuple[int, str]]]] = []
        self.index: dict[tuple[str, str], int] = {}
        for side, plan in (("base", a.base), ("plan", a.plan)):
            names = list(dict.fromkeys(d for c in plan.clauses for d in c.departments))
            entries = []
            for name in names:
                self.index[(side, name)] = len(self.index)
                entries.append((self.index[(side, name)], name))
            self.groups.append((side, entries))

    def of(self, m: MeasureResult) -> str:
        """The base clause's departments and those of the city clauses its matches stand in."""
        found = [self.index[("base", d)] for d in m.clause.departments]
        found += [self.index[("plan", d)] for x in m.matches for d in x.clause.departments]
        return " ".join(str(k) for k in dict.fromkeys(found))


def chapters(a: Alignment, lang: Lang, depts: Departments) -> list[ChapterView]:
    """The comparison grouped by base chapter and clause, in the base's order."""
    infos = status_info(lang)
    by_clause: dict[str, list[MeasureResult]] = {}
    for m in a.measures:
        by_clause.setdefault(m.clause.id, []).append(m)
    out: list[ChapterView] = []
    intros = {c.title: tuple(c.intro.split("\n")) for c in a.base.chapters if c.intro}
    for cr in a.clauses:
        title = cr.clause.chapter or cr.clause.title
        if not out or out[-1].title != title:
            out.append(ChapterView(len(out), title, [], intros.get(title, ())))
        rows = [row(m, out[-1].index, depts.of(m), lang) for m in by_clause.get(cr.clause.id, [])]
        out[-1].clauses.append(_clause_view(cr, rows, infos))
    return out


def _clause_view(cr: ClauseResult, rows: list[Row], infos: list[StatusInfo]) -> ClauseView:
    return ClauseView(
        cr.clause.id,
        cr.clause.label,
        cr.role,
        cr.coverage,
        [(s, cr.counts.get(s.key, 0)) for s in infos],
        [(c.id, c.label, score) for c, score in cr.matches],
        cr.clause.departments,
        rows,
    )


# --- the full texts -----------------------------------------------------------------------------------------


@dataclass
class TextPiece:
    text: str
    kind: str  # heading | intro | measure | departments
    id: str = ""  # the measure id of a measure piece
    anchor: str = ""  # the clause id when this piece opens a clause
    links: tuple[str, ...] = ()  # base measures whose comparison row cites this sentence
    local: bool = False  # a local addition of the city plan


@dataclass
class FullText:
    side: str  # "b" (base) or "p" (plan): the prefix of every anchor in it
    title: str
    front_matter: str
    paragraphs: list[list[TextPiece]]
    outline: list[tuple[str, list[tuple[str, str]]]]  # chapter title, [(clause id, clause label)]


def full_text(plan: Plan, side: str, cited: dict[str, list[str]], local: set[str]) -> FullText:
    """The plan body paragraph by paragraph, every sentence addressable, every clause anchored at its heading.

    A clause's anchor goes on the last heading before its first sentence (its own, or its chapter's when
    the chapter is the clause), else on that sentence (a plan without headings).
    """
    text = plan.norm.text
    first = {c.measures[0].start: c.id for c in plan.clauses if c.measures}
    ids = {m.start: m.id for m in plan.measures}
    paragraphs: list[list[TextPiece]] = []
    current: list[TextPiece] = []
    heading: TextPiece | None = None
    end = plan.body_start
    for node in plan.nodes:
        if "\n" in text[end : node.start] and current:
            paragraphs.append(current)
            current = []
        piece = TextPiece(text[node.start : node.end], node.kind)
        if node.kind == "measure":
            piece.id = ids.get(node.start, "")
            piece.links = tuple(cited.get(piece.id, ()))
            piece.local = piece.id in local
            if node.start in first:
                (heading or piece).anchor = first[node.start]
                heading = None
        elif node.kind == "heading":
            heading = piece
        current.append(piece)
        end = node.end
    if current:
        paragraphs.append(current)
    return FullText(side, plan.meta.title, plan.front_matter, paragraphs, _outline(plan))


def _outline(plan: Plan) -> list[tuple[str, list[tuple[str, str]]]]:
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for c in plan.clauses:
        if not c.measures:
            continue  # no sentence to anchor it at
        if not out or out[-1][0] != c.chapter:
            out.append((c.chapter, []))
        out[-1][1].append((c.id, c.label))
    return out


# --- the page -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalRow:
    id: str
    clause: str
    text: str
    nearest: float


@dataclass
class ViewPage:
    lang: Lang
    t: dict[str, str]
    statuses: list[StatusInfo]
    plan: Any  # PlanMeta
    base: Any
    version: str
    check_below: float
    counts: list[tuple[StatusInfo, int]]
    framing: int  # measures of framing clauses: listed and filtered on their own, in no status count
    coverage: float
    caveats: list[str]  # what a reader must know before quoting the coverage (report.caveats)
    chapters: list[ChapterView]
    departments: list[tuple[str, list[tuple[int, str]]]]
    local: list[LocalRow]
    texts: list[FullText]
    back: str | None
    data: dict[str, Any] = field(default_factory=dict)  # for the script: ids, texts, labels

    @property
    def status_map(self) -> dict[str, StatusInfo]:
        return {s.key: s for s in self.statuses}


def view_counts(a: Alignment) -> tuple[dict[str, int], int]:
    """The one definition of the view's counts, the summary's (`Alignment.counts`): the measures of the base's
    action clauses by status, not_applicable included. The measures of framing and situation clauses are listed
    too but counted apart (the second value), under a filter of their own, so a status box shows exactly as
    many rows as its count says."""
    return a.counts(), sum(1 for m in a.measures if m.role != "action")


def view_page(a: Alignment, lang: Lang, *, back: str | None = None) -> ViewPage:
    """Everything the view template shows, prepared from one alignment."""
    depts = Departments(a)
    chaps = chapters(a, lang, depts)
    cited: dict[str, list[str]] = {}
    for m in a.measures:
        for x in m.matches:
            cited.setdefault(x.measure.id, []).append(m.measure.id)
    local = [LocalRow(x.measure.id, x.clause.label, x.measure.text, x.nearest) for x in a.local]
    infos = status_info(lang)
    t = labels(lang)
    counts, framing = view_counts(a)
    return ViewPage(
        lang=lang,
        t=t,
        statuses=infos,
        plan=a.plan.meta,
        base=a.base.meta,
        version=__version__,
        check_below=a.settings.check_below,
        counts=[(s, counts.get(s.key, 0)) for s in infos],
        framing=framing,
        coverage=a.coverage,
        caveats=[c.text(lang) for c in caveats(a)],
        chapters=chaps,
        departments=depts.groups,
        local=local,
        texts=[
            full_text(a.base, "b", {m.measure.id: [m.measure.id] for m in a.measures}, set()),
            full_text(a.plan, "p", cited, {x.id for x in local}),
        ],
        back=back,
        data={
            "plan": a.plan.meta.id,
            "base": a.base.meta.id,
            "statuses": list(STATUSES),
            "texts": {m.measure.id: m.measure.text for m in a.measures},
            "labels": {k: v for k, v in t.items() if k.startswith("js.")},
            "review": review_file(a, lang),
        },
    )


REVIEW_FILE = ("plan", "base", "measure", "text", "analyst_status", "analyst_note", "by")


def review_file(a: Alignment, lang: Lang) -> dict[str, Any]:
    """What the script writes into the review CSV, in `lang` as the report workbook's review columns are: the
    columns' titles, the plans' names and the statuses' words, each of which `override --import` reads back (in
    English: keys, ids and the statuses' ids, as before)."""
    from jtcompare.report.vocab import column, shown_names, status_word

    names = shown_names([a.plan.meta, a.base.meta], lang)
    return {
        "columns": [column(k, lang) for k in REVIEW_FILE],
        "plan": names.get(a.plan.id, a.plan.id),
        "base": names.get(a.base.id, a.base.id),
        "statuses": {s: s if lang == "en" else status_word(s, lang) for s in STATUSES},
    }


# --- rendering ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment: autoescaping on for every template, undefined names are errors."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("jtcompare.report", "templates"),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "" if v is None else f"{v:.0%}"
    # the base as every other output names it: 国家《减污降碳协同增效实施方案》（环综合〔2022〕42号）
    env.filters["base_title"] = base_title
    return env


def _bytecode_cache():  # type: ignore[no-untyped-def]
    """Compiled templates kept beside the plan cache: compiling them costs more than rendering a page."""
    from jinja2 import FileSystemBytecodeCache
    from jtcompare.plans.cache import cache_dir

    folder = cache_dir().parent / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a cache that cannot be written only costs time
    return FileSystemBytecodeCache(str(folder))


@lru_cache(maxsize=8)
def static(name: str) -> str:
    """A stylesheet or script of ours, inlined as is (checked: it cannot close the element it sits in)."""
    text = (resources.files("jtcompare.report") / "templates" / name).read_text(encoding="utf-8")
    if re.search(r"</(?:script|style)", text, re.I):
        raise ValueError(f"{name} must not contain a closing </script> or </style>")
    return text


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script and no other."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def render(template: str, scripts: Sequence[str], **context: Any) -> str:
    """Render `template` with our CSS and scripts inlined (as trusted markup) and the CSP that admits them."""
    from markupsafe import Markup

    code = [static(s) for s in scripts]
    return (
        environment()
        .get_template(template)
        .render(
            css=Markup(static("page.css")),
            scripts=[Markup(c) for c in code],
            csp=" ".join(script_hash(c) for c in code),
            **context,
        )
    )


def view_html(a: Alignment, lang: Lang, *, back: str | None = None) -> str:
    """The 对照 view of one alignment; `back` is a relative link to the heatmap that links here."""
    return render("view.html", ["view.js"], page=view_page(a, lang, back=back))
