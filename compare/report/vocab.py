"""The words of every report, in Chinese or English: column titles, status and verdict words, document titles.

One vocabulary for all renderers (terminal table, Markdown, Excel, Word brief): a column keeps the same
title on every sheet and in every format. Frames and JSON/CSV keep their English keys and values; only
what a person reads goes through here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from jtcompare.plans.model import PlanMeta
from jtcompare.report.i18n import Lang, label

# the columns an analyst fills in or `override --import` reads back: titled by the `col.*` labels
REVIEW_COLUMNS = frozenset({"plan", "base", "measure", "text", "analyst_status", "analyst_note", "match", "by"})


def column(key: str, lang: Lang) -> str:
    """The title of column `key` (a frame key such as plan_text or analyst_status)."""
    return label(f"col.{key}" if key in REVIEW_COLUMNS else f"column.{key}", lang)


def status_word(status: str, lang: Lang) -> str:
    return label(f"status.{status}", lang)


def verdict_word(verdict: str, lang: Lang) -> str:
    return label(f"verdict.{verdict.replace(' ', '_')}", lang)


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


def cell_text(key: str, value: object, lang: Lang) -> str:
    """A frame value as a person reads it in a text table: words for statuses, 67% for coverage, 0.39 for scores."""
    from jtcompare.report.caveats import short_words
    from jtcompare.report.cells import pct, plain, score2
    from jtcompare.report.evidence import evidence_text, override_text, units_text

    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    if key in ("status", "analyst_status") and isinstance(value, str):
        marks = value[len(value.rstrip("*?")) :]  # * an analyst's call, ? one to check
        return status_word(value.rstrip("*?"), lang) + marks
    if key == "verdict":
        return verdict_word(str(value), lang)
    if key == "counted":
        return yes_no(str(value), lang)
    if key == "coverage" or (key not in ("score",) and key.endswith("coverage")):
        return pct(float(value))  # type: ignore[arg-type]
    if key in ("score", "confidence"):
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


def shown_names(metas: Iterable[PlanMeta], lang: Lang) -> dict[str, str]:
    """Plan id -> what a Chinese reader sees for it (武汉市, not wuhan); empty in English, where ids are shown.

    A name is also what `override --import` reads back from a review sheet (the library finds a plan by its name);
    two plans of one name (two versions of a city's plan) are shown as 武汉市（wuhan-2021）, the id being then
    what tells them apart, and the import reads the id in the brackets."""
    if lang == "en":
        return {}
    metas = list(metas)
    seen = Counter(m.name for m in metas)
    return {m.id: m.name if seen[m.name] == 1 else f"{m.name}（{m.id}）" for m in metas}
