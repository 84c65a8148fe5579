"""Score every base measure against every plan sentence, and every clause against every clause.

score(b, p) = w * overlap(b, p) + (1 - w) * rapidfuzz token_sort_ratio(b, p) / 100 on jieba tokens joined by
spaces (w = idf_weight), where overlap = (1 - bigram_weight) * words + bigram_weight * bigrams, words the
IDF**idf_power-weighted mass of b's content tokens that p also has and bigrams the same for b's pairs of
Chinese characters, each divided by b's own mass plus short_penalty (so a two-word b is not fully covered),
then x framing_weight for plan sentences in framing clauses (指导思想, 基本原则) and
+ clause_prior for plan sentences in the plan clauses most like the base measure's clause.
The prior is a bonus, not a filter: a measure moved to another clause is still found.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

import numpy as np
from jtcompare.match.lexicon import words
from jtcompare.match.settings import Settings
from jtcompare.match.targets import extract_targets
from jtcompare.match.tokens import known, load, match_tokens, tokens_of
from jtcompare.match.units import char_pairs
from jtcompare.plans.cache import memo
from jtcompare.plans.model import Clause, Measure, Plan
from jtcompare.text.tokens import canonical
from rapidfuzz import fuzz
from rapidfuzz.process import cdist


def clause_role(clause: Clause) -> str:
    """'situation' (面临形势), 'framing' (指导思想, 原则) or 'action' (titles: data/words.toml). Only action
    clauses count in coverage."""
    if clause.number is None and any(w in clause.title for w in words().situation_titles):
        return "situation"
    if any(w in clause.title for w in words().framing_titles):
        return "framing"
    return "action"


def token_texts(plan: Plan) -> list[str]:
    """Every text matching tokenises for a plan: measures, their comma parts, clause titles, target indicators."""
    texts = [c.title for c in plan.clauses]
    for m in plan.measures:
        texts.append(m.text)
        texts += parts(m.text)
        for t in extract_targets(m.text):
            texts += [t.indicator, canonical(t.indicator)]  # indicator_similarity tokenises the canonical form
    return texts


def remember(plan: Plan) -> None:
    """Make the tokens of every text of `plan` known to match_tokens, from the on-disk cache when the plan is
    unchanged: a warm run never loads jieba. The matcher owns this cache; loading a plan never tokenises."""
    texts = token_texts(plan)
    key = (plan.meta, hashlib.sha256("\x00".join(texts).encode()).hexdigest())
    if not known(key):
        load(key, memo("tokens", key, lambda: {t: tokens_of(t) for t in texts}))


def parts(text: str) -> list[str]:
    return [p for p in re.split(r"[,;:]", text) if p.strip()]


@dataclass(frozen=True)
class Sentence:
    """A plan or base sentence taking part in matching, with the clause it belongs to."""

    measure: Measure
    clause: Clause
    tokens: tuple[str, ...]


@dataclass
class Scores:
    base: list[Sentence]
    plan: list[Sentence]
    score: np.ndarray  # base x plan, 0..1 (with prior and framing weight applied)
    coverage: np.ndarray  # base x plan: IDF share of the base tokens found in the plan sentence
    idf: dict[str, float]
    clause_sim: np.ndarray  # base clauses x plan clauses
    base_clauses: list[Clause]
    plan_clauses: list[Clause]


def sentences(plan: Plan) -> list[Sentence]:
    remember(plan)
    return [Sentence(m, c, match_tokens(m.text)) for c in plan.clauses for m in c.measures]


def _idf(docs: list[tuple[str, ...]], power: float = 1.0) -> dict[str, float]:
    df: dict[str, int] = {}
    for doc in docs:
        for t in set(doc):
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    return {t: (math.log((n + 1) / (d + 1)) + 1.0) ** power for t, d in df.items()}


def _matrix(docs: list[tuple[str, ...]], vocab: dict[str, int], idf: dict[str, float]) -> np.ndarray:
    mat = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for i, doc in enumerate(docs):
        for t in set(doc):
            mat[i, vocab[t]] = idf[t]
    return mat


def score(base: Plan, plan: Plan, settings: Settings, *, workers: int = 1) -> Scores:
    b_units, p_units = sentences(base), sentences(plan)
    docs = [u.tokens for u in b_units] + [u.tokens for u in p_units]
    idf = _idf(docs, settings.idf_power)
    vocab = {t: k for k, t in enumerate(idf)}
    bm = _matrix([u.tokens for u in b_units], vocab, idf)
    pm = (_matrix([u.tokens for u in p_units], vocab, idf) > 0).astype(np.float32)
    totals = bm.sum(axis=1, keepdims=True) + np.float32(settings.short_penalty)
    coverage = (bm @ pm.T) / totals
    if settings.bigram_weight:
        coverage = (1 - settings.bigram_weight) * coverage + settings.bigram_weight * _bigram_coverage(
            b_units, p_units, settings
        )
    fuzzy = cdist(
        [" ".join(u.tokens) for u in b_units],
        [" ".join(u.tokens) for u in p_units],
        scorer=fuzz.token_sort_ratio,
        dtype=np.float32,
        workers=workers,
    ) / np.float32(100)
    total = settings.idf_weight * coverage + (1 - settings.idf_weight) * fuzzy
    framing = np.array([settings.framing_weight if clause_role(u.clause) != "action" else 1.0 for u in p_units])
    total = total * framing[np.newaxis, :]
    base_clauses, plan_clauses = list(base.clauses), list(plan.clauses)
    sim = _clause_similarity(base_clauses, plan_clauses, b_units, p_units, idf, settings.clause_title_weight)
    total = total + _prior(sim, b_units, p_units, base_clauses, plan_clauses, settings)
    return Scores(b_units, p_units, np.clip(total, 0, 1), coverage, idf, sim, base_clauses, plan_clauses)


def _bigrams(text: str) -> tuple[str, ...]:
    return tuple(char_pairs(text))


def _bigram_coverage(b_units: list[Sentence], p_units: list[Sentence], settings: Settings) -> np.ndarray:
    """IDF-weighted share of a base measure's character bigrams (pairs of Chinese characters only) found in a plan
    sentence, over the measure's bigram mass plus short_penalty.

    Robust where jieba segments the same words differently (报废更新 / 淘汰更新).
    """
    b_docs = [_bigrams(canonical(u.measure.text)) for u in b_units]
    p_docs = [_bigrams(canonical(u.measure.text)) for u in p_units]
    idf = _idf(b_docs + p_docs, settings.idf_power)
    vocab = {t: k for k, t in enumerate(idf)}
    bm = _matrix(b_docs, vocab, idf)
    pm = (_matrix(p_docs, vocab, idf) > 0).astype(np.float32)
    totals = bm.sum(axis=1, keepdims=True) + np.float32(settings.short_penalty)
    return (bm @ pm.T) / totals


def _clause_similarity(
    base_clauses: list[Clause],
    plan_clauses: list[Clause],
    b_units: list[Sentence],
    p_units: list[Sentence],
    idf: dict[str, float],
    title_weight: float,
) -> np.ndarray:
    """IDF-weighted cosine of clause token bags: every token of the clause's sentences once per occurrence, the
    title's tokens `title_weight` times (a title names what the whole clause is about)."""

    def bags(clauses: list[Clause], us: list[Sentence]) -> np.ndarray:
        mat = np.zeros((len(clauses), len(idf)), dtype=np.float32)
        index = {c.id: k for k, c in enumerate(clauses)}
        vocab = {t: k for k, t in enumerate(idf)}
        for u in us:
            for t in u.tokens:
                mat[index[u.clause.id], vocab[t]] += idf[t]
        for c in clauses:
            for t in match_tokens(c.title):
                if t in vocab:
                    mat[index[c.id], vocab[t]] += title_weight * idf[t]
        norms = np.linalg.norm(mat, axis=1, keepdims=True)
        return np.divide(mat, norms, out=np.zeros_like(mat), where=norms > 0)

    return bags(base_clauses, b_units) @ bags(plan_clauses, p_units).T


def _prior(
    sim: np.ndarray,
    b_units: list[Sentence],
    p_units: list[Sentence],
    base_clauses: list[Clause],
    plan_clauses: list[Clause],
    settings: Settings,
) -> np.ndarray:
    if not settings.clause_prior or not plan_clauses or not b_units or not p_units:
        return np.zeros((len(b_units), len(p_units)), dtype=np.float32)
    favoured = np.zeros_like(sim, dtype=bool)
    top = np.argsort(-sim, axis=1)[:, : settings.prior_clauses]
    rows = np.arange(len(base_clauses))[:, np.newaxis]
    favoured[rows, top] = sim[rows, top] > 0
    b_index = {c.id: k for k, c in enumerate(base_clauses)}
    p_index = {c.id: k for k, c in enumerate(plan_clauses)}
    bi = np.array([b_index[u.clause.id] for u in b_units])
    pj = np.array([p_index[u.clause.id] for u in p_units])
    return favoured[np.ix_(bi, pj)].astype(np.float32) * np.float32(settings.clause_prior)
