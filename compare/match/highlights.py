"""What the views mark in a measure and in the city sentences cited for it: the measure's key terms the city
text holds (shared), those it lacks (missing), and the words to mark in the city sentences (the shared terms and
the expressions of their concepts). Made with the matcher's tokens and concept list when an alignment is made,
and carried in the results (`MeasureResult.highlight`), so that a renderer needs nothing of the matcher.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from jtcompare.match.lexicon import concepts
from jtcompare.match.results import Highlight, MeasureResult
from jtcompare.match.tokens import match_tokens
from jtcompare.text.tokens import canonical, synonyms


def highlighted(m: MeasureResult) -> MeasureResult:
    """`m` with the terms to mark in its text and in the city sentences it shows (its matches, else the nearest)."""
    shown = m.matches or ((m.nearest,) if m.nearest else ())
    texts = [x.measure.text for x in shown]
    terms = [t for u in m.units for t in u.key_terms] if m.units else None
    shared, missing = key_terms(m.measure.text, texts, terms)
    return dataclasses.replace(m, highlight=Highlight(tuple(shared), tuple(missing), tuple(city_terms(shared, texts))))


def key_terms(
    base_text: str, plan_texts: Sequence[str], terms: Iterable[str] | None = None
) -> tuple[list[str], list[str]]:
    """(shared, missing): the national measure's key terms found in the city sentences, and those not found.

    Key terms are the matcher's tokens (boilerplate removed, synonyms made canonical) unless `terms` gives them
    (the action units' key terms), each as the national text writes it (碳排放, not the canonical 二氧化碳排放).
    A term counts as found when the city sentences have the token, contain the words (jieba may cut the same
    words differently in the two texts) or an expression of the same concept (concepts.txt). Single
    characters are left out: they would light up half the sentence.
    """
    found = {t for text in plan_texts for t in match_tokens(text)} if terms is None else set()
    joined = "\n".join(plan_texts)
    canon = canonical(joined)
    variants = concepts().variants
    shared: dict[str, None] = {}
    missing: dict[str, None] = {}
    for term in match_tokens(base_text) if terms is None else terms:
        shown = _as_written(term, base_text)
        if shown is None or len(shown) < 2:
            continue
        held = term in found or shown in joined or term in canon or any(v in canon for v in variants.get(term, ()))
        (shared if held else missing)[shown] = None
    return list(shared), [t for t in missing if t not in shared]


def city_terms(shared: Sequence[str], plan_texts: Sequence[str]) -> list[str]:
    """What to mark in the city sentences: the shared terms and the expressions of their concepts found there."""
    joined = "\n".join(plan_texts)
    variants = concepts().variants
    return [*shared, *(v for t in shared for v in variants.get(canonical(t), ()) if v in joined)]


def _as_written(term: str, text: str) -> str | None:
    """`term` as `text` writes it: itself, or the variant that the synonym list turned into it; else None."""
    if term in text:
        return term
    return next((v for v, canon in synonyms().items() if term in canon and v in text), None)
