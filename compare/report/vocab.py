"""The words of every report, in Chinese or English: column titles, status and verdict words, document titles.

One vocabulary for all renderers (terminal table, Markdown, Excel, Word brief): a column keeps the same
title on every sheet and in every format. Frames and JSON keep their English keys and values; CSV and SQLite
keep their keys and ids but word their sentences here (`worded`); what a person reads goes through here.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

from jtcompare.match.results import STATUSES, Status
from jtcompare.plans.model import PlanMeta
from jtcompare.report.i18n import LANGS, Lang, label

# the columns an analyst fills in or `override --import` reads back: titled by the `col.*` labels
REVIEW_COLUMNS = frozenset(
    {"plan", "base", "measure", "text", "match", "analyst_agree", "analyst_status", "analyst_note", "by"}
    | {"analyst_date"}
)


def column(key: str, lang: Lang) -> str:
    """The title of column `key` (a frame key such as plan_text or analyst_status)."""
    return label(f"col.{key}" if key in REVIEW_COLUMNS else f"column.{key}", lang)


# --- statuses: one vocabulary, printed and read ---------------------------------------------------------------
# Each status has its JSON id (partial) and a name per language (部分采纳, partial), the `status.*` labels of
# strings.toml. Every output prints those names, and wherever a status is typed (override STATUS, align
# --status, a reviewed workbook or CSV, an overrides file edited by hand) any of them is read back.


def status_word(status: str, lang: Lang) -> str:
    """The name of `status` as every output prints it: 部分采纳 / partial."""
    return status_table()[status][lang]  # type: ignore[index]


@lru_cache(maxsize=1)
def status_table() -> dict[Status, dict[Lang, str]]:
    """The one table of status names: id -> {language: name}."""
    return {s: {lang: label(f"status.{s}", lang) for lang in LANGS} for s in STATUSES}


def _spelling(text: str) -> str:
    """A typed name as compared: full-width forms folded (ＰＡＲＴＩＡＬ), case and spaces or hyphens ignored."""
    return "_".join(unicodedata.normalize("NFKC", text).casefold().replace("-", " ").split())


@lru_cache(maxsize=1)
def _status_spellings() -> dict[str, Status]:
    out: dict[str, Status] = {}
    for status, names in status_table().items():
        for name in (status, *names.values()):
            out[_spelling(name)] = status
    return out


def parse_status(typed: str) -> Status | None:
    """The status a person typed, by id (not_applicable) or by its name in either language (不适用, not
    applicable); None when it names none."""
    return _status_spellings().get(_spelling(typed))


def status_choices() -> str:
    """Every status as it may be typed, for messages: adopted (采纳), strengthened (强化), ..."""
    return ", ".join(f"{s} ({status_table()[s]['zh']})" for s in STATUSES)


def typed_lang(typed: str) -> Lang:
    """The language a status was typed in: zh when it holds a CJK character."""
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in typed) else "en"


def verdict_word(verdict: str, lang: Lang) -> str:
    return label(f"verdict.{verdict}", lang)


def yes_no(flag: bool | str, lang: Lang) -> str:
    return label("word.yes" if flag in (True, "yes") else "word.no", lang)


def text(key: str, lang: Lang, **values: object) -> str:
    """A label with its {fields} filled in."""
    return label(key, lang).format(**values)


def base_title(meta: PlanMeta, lang: Lang) -> str:
    """The base as a reader knows it: the national scheme by name and number (环综合〔2022〕42号), else its title."""
    national = label("base.national", lang)
    if meta.doc_number and meta.doc_number in national:
        return national
    number = f"（{meta.doc_number}）" if meta.doc_number else ""
    return f"{meta.name}《{meta.title}》{number}" if meta.name not in meta.title else f"《{meta.title}》{number}"


def plan_title(meta: PlanMeta) -> str:
    """A plan by its full title (武汉市减污降碳协同增效实施方案), which already names the place."""
    return meta.title if meta.name in meta.title else f"{meta.name}{meta.title}"


def marked_word(value: str, lang: Lang) -> str:
    """A status with its marks (frames.status_marks: * an analyst changed it, ? one to check) in words: 采纳*?."""
    bare = value.rstrip("*?")
    return status_word(bare, lang) + value[len(bare) :]


def cell_text(key: str, value: object, lang: Lang) -> str:
    """A frame value as a person reads it in a text table: words for statuses, 67% for coverage, 0.39 for scores."""
    from jtcompare.report.caveats import short_words
    from jtcompare.report.cells import pct, plain, score2
    from jtcompare.report.evidence import evidence_text, override_text, units_text

    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    if key in ("status", "analyst_status") and isinstance(value, str):
        return marked_word(value, lang)
    if key == "verdict":
        return verdict_word(str(value), lang)
    if key == "counted":
        return yes_no(str(value), lang)
    if key == "coverage" or (key not in ("score",) and key.endswith("coverage")):
        return pct(float(value))  # type: ignore[arg-type]
    if key in ("score", "nearest", "confidence"):
        return score2(float(value))  # type: ignore[arg-type]
    if key == "caveats":
        return short_words(str(value), lang)
    if key == "evidence":
        return evidence_text(str(value), lang)
    if key == "units_missing":
        return units_text(str(value), lang)
    if key == "overridden" and isinstance(value, str):
        return override_text(value, lang)
    return plain(value)


# The columns of a CSV or SQLite row that are sentences for a reader: in Chinese they are worded by cell_text, the
# renderer of the workbook and the view, so every format says them alike. Keys, ids (statuses, verdicts), numbers
# and flags stay as they are in every language: a script reads the same file whatever language it was written in.
PROSE = ("evidence", "units_missing", "overridden")


def worded(key: str, value: object, lang: Lang) -> object:
    """`value` of column `key` as a data file (CSV, SQLite) holds it: a sentence in `lang`, anything else as is."""
    if lang == "en" or key not in PROSE or not isinstance(value, str) or not value:
        return value
    return cell_text(key, value, lang)


def shown_names(metas: Iterable[PlanMeta], lang: Lang) -> dict[str, str]:
    """Plan id -> what a Chinese reader sees for it (武汉市, not wuhan); empty in English, where ids are shown.

    A name is also what `override --import` reads back from a review sheet (the library finds a plan by its name);
    two plans of one name (two versions of a city's plan) are shown as 武汉市（wuhan-2021）, the id being then
    what tells them apart, and the import reads the id in the brackets."""
    if lang != "zh":
        return {}
    metas = list(metas)
    return distinct_names(((m.id, m.name) for m in metas), shared_names(metas))


def shared_names(metas: Iterable[PlanMeta]) -> frozenset[str]:
    """The ids of the plans whose name another plan of their library has too (PlanMeta.shared_name)."""
    return frozenset(m.id for m in metas if m.shared_name)


def distinct_names(plans: Iterable[tuple[str, str]], shared: Collection[str] = ()) -> dict[str, str]:
    """Plan id -> its name, or 名称（id） for each of two or more plans sharing the name, among `plans` or in the
    library (`shared`: a plan's own report names it so too, and the library finds it again by that)."""
    plans = list(plans)
    seen = Counter(name for _, name in plans)
    return {pid: name if seen[name] == 1 and pid not in shared else f"{name}（{pid}）" for pid, name in plans}


def summary_names(rows: Sequence[dict], lang: Lang, shared: Collection[str] = ()) -> list[dict]:
    """Summary rows as a Chinese table shows them, where the name column alone names each plan: two versions of
    one city's plan are told apart by their ids (武汉市（wuhan-2021）). English tables show the ids."""
    if lang != "zh":
        return list(rows)
    names = distinct_names(((r["plan"], r["name"]) for r in rows), shared)
    return [{**r, "name": names[r["plan"]]} for r in rows]
