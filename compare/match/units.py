"""Action units: a national measure split into the actions it asks for, each with its key terms.

A national sentence often lists several actions ("提升秸秆综合利用水平,强化秸秆焚烧管控"); a plan
that takes up one of them takes the measure up only partly. A unit is a comma part with its own content
(a 、 list stays in one unit; a lead-in such as "到2025年," or "基于…要求," joins the part it introduces).

Key terms are what make a unit this action and not its neighbour: jieba words in precise mode (one concept,
one token: 干部队伍 is not also 部队 and 队伍), without stop words, policy verbs, the domain words every
sentence shares (data/generic.txt) and target wording. Each term weighs its inverse document frequency over
the base plan's sentences, raised to `Settings.idf_power`, so 条例 or 再生铝 outweigh 推进 or 体系.

Whether a plan text holds a term is a substring test on the canonical texts (synonyms from the concept file
made canonical first), so it does not depend on how jieba happens to cut the plan's sentence; a compound found
only in part earns the weighted share of its sub-words found (秸秆综合利用 without 秸秆 earns little).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
from jtcompare.match.lexicon import concepts, generic_words, soft_words
from jtcompare.match.lexicon import words as word_lists
from jtcompare.match.targets import UNITS
from jtcompare.text.tokens import canonical, stopwords

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPLIT = re.compile(r"(?<=[,;:])")
# a part that only sets the scene for the next one: a year, a basis, a place
_LEAD_IN = re.compile(
    r"^(?:(?:到|至|在)?20\d{2}年(?:前|底|末)?|“?十[四五]五”?时期|基于.*|依托.*|通过.*|围绕.*|按照.*|根据.*|结合.*|"
    r"在[^,]{0,30}(?:中|下|前提下|过程中|方面|领域|地区)|对[^,]{0,20}|其中|同时|此外)[,:]$"
)
# an orientation or purpose, not an action: 以…为导向, 坚持…, 宜林则林, 从源头上减少…
_FRAMING_PART = re.compile(
    r"^(?:以.{1,30}为(?:导向|重点|主线|抓手|核心|引领|目标)|坚持.{1,12}|宜.则.|从源头上.*|统筹.{1,16}和.{1,16}发展)[,;:。]?$"
)
# a goal or a way of working, not an action a city takes up or leaves out (提升秸秆综合利用水平 and 提升…监测能力 are
# actions: the goal is a development level, a capacity of people, a quality; calibration units read as framing by
# the unit labels: 提升生态系统质量和稳定性 N12.07, 不断提升生态系统碳汇与净化功能 N12.11, 加快实现城市绿色低碳发展
# N18.01, 提升基础设施绿色低碳发展水平 N19.01, 各司其职/各负其责/形成合力/系统推进相关工作 N26.02, 提升…能力水平
# N27.02, 建立长效机制 N23.02, 统筹污染治理、生态保护以及温室气体减排要求 N18.01)
_GOAL_PART = re.compile(
    r"^(?:(?:不断|持续|全面|进一步)?提升.{0,24}(?:发展水平|能力水平|质量和稳定性|功能)|加快实现.{0,20}发展|形成合力|"
    r"各司其职|各负其责|建立长效机制|系统推进相关工作|统筹.{2,30}(?:要求|发展))[,;:。]?$"
)
# target wording: numbers, years and comparison words describe a target, not an action
_TARGET_WORD = re.compile(
    rf"^(?:\d.*|.*年|达到|以上|以下|以内|左右|比例|比重|占比|提高到|提高至|下降|累计|力争|{UNITS})$"
)


@dataclass(frozen=True)
class Term:
    """A key term, its weight, and the sub-words that earn it partial credit (秸秆综合利用: 秸秆, 综合利用)."""

    text: str
    weight: float
    subs: tuple[str, ...] = ()
    sub_weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class Unit:
    """One action of a base measure."""

    text: str
    terms: tuple[Term, ...]
    soft: bool  # only soft obligation words (研究, 探索, 鼓励) or a lead-in: the labels weigh these less
    items: tuple[tuple[int, ...], ...] = ()  # a 、 enumeration's items, as indices into terms (see enumeration)
    framing: bool = False  # an orientation or a goal (以…为导向, 坚持…, 提升…水平), not an action of its own

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.terms)

    @property
    def weights(self) -> tuple[float, ...]:
        return tuple(t.weight for t in self.terms)

    @property
    def mass(self) -> float:
        return sum(self.weights)

    @property
    def anchor(self) -> int:
        """The index of the term that most makes this action itself (the rarest in the base)."""
        return max(range(len(self.terms)), key=lambda k: self.terms[k].weight) if self.terms else 0


def split_parts(text: str) -> list[str]:
    """Comma parts of a sentence with lead-ins joined to what they introduce (a 、 list stays whole)."""
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    out: list[str] = []
    carry = ""
    for part in parts:
        if _LEAD_IN.match(part.strip()):
            carry += part
            continue
        out.append(carry + part)
        carry = ""
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out


# parts of speech that never name what an action is about: adverbs, prepositions, conjunctions, particles,
# adjectives, pronouns, numerals, measure words, time words (特别, 基于, 和, 的, 好, 其, 一批, 年)
_FUNCTION_POS = ("d", "p", "c", "u", "a", "r", "m", "q", "t", "f", "y", "e", "o")


def key_terms(text: str, cut: Callable[[str], list[tuple[str, str]]]) -> list[str]:
    """The content words of a unit, canonical, in order, each once. `cut` gives (word, part of speech)."""
    stop, generic, w = stopwords(), generic_words(), word_lists()
    seen: dict[str, None] = {}
    for word, pos in _join_suffixes(cut(canonical(text)), w.noun_suffixes):
        word = word.strip()
        if pos.startswith(_FUNCTION_POS) and pos not in ("vn", "an") and word not in w.mistagged_content:
            continue
        if len(_CJK.findall(word)) < 2 and word not in concepts().single_characters:
            continue
        if word in stop or word in generic or _TARGET_WORD.match(word):
            continue
        seen.setdefault(word, None)
    return list(seen)


def _join_suffixes(pairs: list[tuple[str, str]], suffixes: frozenset[str]) -> list[tuple[str, str]]:
    """A one-character noun suffix jieba cuts off joins the word before it (项目 + 库 is 项目库, 移动 + 源 is
    移动源): the compound is the concept, the suffix alone would be dropped and the head is often generic."""
    out: list[tuple[str, str]] = []
    for word, pos in pairs:
        if word in suffixes and out and len(_CJK.findall(out[-1][0])) >= 2:
            out[-1] = (out[-1][0] + word, "n")
        else:
            out.append((word, pos))
    return out


def build_units(
    text: str,
    cut: Callable[[str], list[tuple[str, str]]],
    search: Callable[[str], list[str]],
    idf: dict[str, float],
    power: float,
    default_idf: float,
) -> tuple[Unit, ...]:
    """The action units of one base measure. Parts with no key term of their own join their neighbour."""
    raw: list[tuple[str, list[str]]] = []
    for part in split_parts(text):
        terms = key_terms(part, cut)
        if raw and not terms:
            raw[-1] = (raw[-1][0] + part, raw[-1][1])
        elif raw and not raw[-1][1]:
            raw[-1] = (raw[-1][0] + part, terms)
        else:
            raw.append((part, terms))
    units = []
    soft_only = soft_words()

    def weight(word: str) -> float:
        return idf.get(word, default_idf) ** power

    for part, words in raw:
        if not words:  # a framing sentence of generic words only: keep them, or nothing could cover it
            words = [w for w, _ in dict.fromkeys(cut(canonical(part))) if len(_CJK.findall(w)) >= 2]
        terms = []
        for w in words:
            subs = tuple(x for x in sub_words(w, search) if x != w)
            terms.append(Term(w, weight(w), subs, tuple(weight(x) for x in subs)))
        soft = bool(_FRAMING_PART.match(part.strip())) or (any(w in part for w in soft_only) and not _firm(part))
        framing = bool(_FRAMING_PART.match(part.strip()) or _GOAL_PART.match(part.strip()))
        units.append(Unit(part.strip(), tuple(terms), soft, enumeration(part, [t.text for t in terms]), framing))
    return tuple(units)


def char_pairs(text: str) -> set[str]:
    """The pairs of adjacent Chinese characters in a text, as it is (scoring.py's bigram overlap reads these too)."""
    return {text[k : k + 2] for k in range(len(text) - 1) if _CJK_PAIR.fullmatch(text[k : k + 2])}


_CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")


def bigrams(text: str) -> frozenset[str]:
    """The pairs of adjacent Chinese characters of a text's canonical form: a second reading of how much of a
    unit a plan text holds, one that does not depend on jieba's cut or on which words are key terms."""
    return frozenset(char_pairs(canonical(text)))


@lru_cache(maxsize=2048)
def base_grams(text: str) -> tuple[str, ...]:
    """A base unit's bigrams in a fixed order (a sum over them must not depend on the hash seed), remembered:
    every plan reads the same few hundred base units, while plan sentences are read once and not kept."""
    return tuple(sorted(bigrams(text)))


@lru_cache(maxsize=4)
def gram_weights(docs: tuple[str, ...], power: float) -> dict[str, float]:
    """Each character bigram of the base plan's sentences, weighted by its IDF over them raised to `power` (like
    term_idf: the base alone sets the weights, never the plan compared)."""
    n = len(docs)
    df: dict[str, int] = {}
    for d in docs:
        for g in bigrams(d):
            df[g] = df.get(g, 0) + 1
    return {g: idf_weight(n, k, power) for g, k in df.items()}


def gram_share(text: str, weights: dict[str, float], held: frozenset[str]) -> float:
    """The weighted share of a base text's character bigrams found in `held` (a plan's bigrams); a bigram the
    weights do not know weighs 1."""
    grams = base_grams(text)
    total = sum(weights.get(g, 1.0) for g in grams)
    return sum(weights.get(g, 1.0) for g in grams if g in held) / total if total else 0.0


def enumeration(text: str, words: Sequence[str]) -> tuple[tuple[int, ...], ...]:
    """The items of a 、 list of three or more in a unit, each as the indices of its key terms; () if none.

    An inner item is everything between two 、; the first item is the last key term before the first 、 and
    the last item runs from the last 、 to 等 (or is its first key term): in 大力发展风能、太阳能、生物质能等 the
    items are 风能, 太阳能, 生物质能, and 大力发展 is the head the list belongs to."""
    canon = canonical(text)
    marks = [m.start() for m in re.finditer("、", canon)]
    if len(marks) < 2:
        return ()
    at: dict[int, int] = {}
    start = 0
    for k, w in enumerate(words):  # key terms come in reading order: find each after the one before
        at[k] = canon.find(w, start) if canon.find(w, start) >= 0 else canon.find(w)
        start = max(start, at[k])
    stop = canon.find("等", marks[-1])
    first = [k for k, p in at.items() if 0 <= p < marks[0]]
    last = [k for k, p in at.items() if p > marks[-1] and (stop < 0 or p < stop)]
    items = [tuple(first[-1:])]
    items += [tuple(k for k, p in at.items() if a < p < b) for a, b in pairwise(marks)]
    items.append(tuple(last if stop >= 0 else last[:1]))
    return tuple(item for item in items if item)


def sub_words(word: str, search: Callable[[str], list[str]]) -> list[str]:
    """The content sub-words jieba's search mode finds inside a compound (秸秆综合利用: 秸秆, 综合利用)."""
    generic = generic_words()
    return [x for x in dict.fromkeys(search(word)) if len(_CJK.findall(x)) >= 2 and x not in generic]


def _firm(text: str) -> bool:
    return any(w in text for w in concepts().firm_words)


def idf_weight(n: int, df: int, power: float) -> float:
    """The weight of a term (or bigram) that `df` of the base's `n` sentences hold: (ln((n + 1) / (df + 1)) + 1)
    raised to `power`; term_idf gives it unraised, build_units raises it to idf_power."""
    return (math.log((n + 1) / (df + 1)) + 1.0) ** power


def term_idf(docs: Sequence[str], terms: set[str]) -> tuple[dict[str, float], float]:
    """IDF of each term over the base plan's sentences (canonical text, substring test), and the IDF of a term
    found nowhere (the largest possible): weights depend only on the base, never on the plan compared."""
    n = len(docs)
    canon = [canonical(d) for d in docs]
    out = {t: idf_weight(n, sum(t in d for d in canon), 1.0) for t in terms}
    return out, idf_weight(n, 0, 1.0)


def held(terms: Sequence[Term], texts: Sequence[str], part_credit: float, sub_word_share: float) -> np.ndarray:
    """terms x texts, 0..1: 1 when the canonical text holds the term or an expression of its concept; for a
    compound of two or more content sub-words found only in part, part_credit x the weighted share of its
    sub-words present, when that share is at least sub_word_share (碳排放权 交易 管理 暂行条例 without 条例 earns
    little: 条例 is the rare, heavy sub-word). A compound found only through its parts is not quite the
    compound, hence part_credit < 1."""
    return _held(tuple(terms), tuple(texts), part_credit, sub_word_share)


@lru_cache(maxsize=8)
def _held(terms: tuple[Term, ...], texts: tuple[str, ...], part_credit: float, sub_word_share: float) -> np.ndarray:
    where = _Occurrences([canonical(t) for t in texts])
    out = np.zeros((len(terms), len(texts)), dtype=np.float32)
    variants = concepts().variants
    for i, term in enumerate(terms):
        found = np.zeros(len(texts), dtype=bool)
        for form in (term.text, *variants.get(term.text, ())):
            found |= where(form)
        out[i] = found
        total = sum(term.sub_weights)
        if len(term.subs) >= 2 and total:  # 再生铝 has one content sub-word, 再生: that is not half of it
            share = sum(w * where(x) for x, w in zip(term.subs, term.sub_weights, strict=True)) / total
            partly = ~found & (share >= sub_word_share)
            out[i, partly] = part_credit * share[partly]
    return out


class _Occurrences:
    """Which texts hold a string: one scan of all texts joined, remembered per string."""

    def __init__(self, texts: list[str]) -> None:
        self.joined = "\x00".join(texts)
        self.starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]) if texts else np.zeros(0, dtype=int)
        self.count = len(texts)
        self.memo: dict[str, np.ndarray] = {}

    def __call__(self, needle: str) -> np.ndarray:
        hit = self.memo.get(needle)
        if hit is None:
            hit = np.zeros(self.count, dtype=bool)
            positions = _positions(self.joined, needle) if needle else []
            if positions:
                hit[np.searchsorted(self.starts, positions, side="right") - 1] = True
            self.memo[needle] = hit
        return hit


def _positions(haystack: str, needle: str) -> list[int]:
    """Where `needle` starts in `haystack`, non-overlapping as re.finditer finds them, by str.find: a literal
    pattern per key term overflowed re's compile cache, so every call recompiled it."""
    out, k = [], haystack.find(needle)
    while k >= 0:
        out.append(k)
        k = haystack.find(needle, k + len(needle))
    return out
