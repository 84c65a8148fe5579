"""The matcher's word lists, plain files in match/data/ (one entry a line, `#` comments). Extend freely: each
entry is justified by a pattern in the calibration labels and has a test (tests/test_units.py).

- boilerplate.txt  slogans removed from the word tokens and the fuzzy ratio of sentence scoring (not from its
                   character bigrams: stripping them there too moved no status on the three city plans)
- obligation.txt   policy verbs with their strength: 3 binding, 2 ordinary, 1 soft
- generic.txt      words every sentence of a 减污降碳 plan shares: they never make a unit's key terms
- concepts.txt     equivalent expressions: a base term is held by a plan text writing any of its others
- firm.txt         verbs that turn a soft base action (研究, 探索, 鼓励) into a firm one (纳入, 实行, 载入)
- words.toml       the word lists of single rules: targets-section titles, framing and situation titles,
                   tentative verbs, binding words too common to count, metric words of target indicators
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jtcompare.text.tokens import canonical, data_lines

MATCH_DATA = resources.files("jtcompare.match") / "data"


@dataclass(frozen=True)
class Concepts:
    variants: dict[str, tuple[str, ...]]  # base term -> the plan expressions that hold it
    single_characters: frozenset[str]  # one-character words that are content (煤, 油, 气)
    firm_words: tuple[str, ...]


@lru_cache(maxsize=1)
def concepts() -> Concepts:
    variants: dict[str, tuple[str, ...]] = {}
    singles: set[str] = set()
    for line in data_lines("concepts.txt", MATCH_DATA):
        if line.startswith("single:"):
            singles.update(line.removeprefix("single:").split())
            continue
        term, *others = (canonical(w.strip()) for w in line.split("=") if w.strip())
        variants[term] = tuple(dict.fromkeys([*variants.get(term, ()), *others]))
    return Concepts(variants, frozenset(singles), tuple(data_lines("firm.txt", MATCH_DATA)))


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    return frozenset(canonical(w) for w in data_lines("generic.txt", MATCH_DATA))


@lru_cache(maxsize=1)
def obligation_levels() -> dict[str, int]:
    out = {}
    for line in data_lines("obligation.txt", MATCH_DATA):
        word, level = line.split()
        out[word] = int(level)
    return out


def soft_words() -> tuple[str, ...]:
    return tuple(w for w, level in obligation_levels().items() if level == 1)


@dataclass(frozen=True)
class Words:
    """The word lists of data/words.toml (each list's purpose is written there)."""

    goal_titles: tuple[str, ...]
    framing_titles: tuple[str, ...]
    situation_titles: tuple[str, ...]
    tentative: tuple[str, ...]
    weak_binding: frozenset[str]
    pushing: tuple[str, ...]
    tempering: tuple[str, ...]
    metric_words: frozenset[str]
    goal_verbs: tuple[str, ...]
    mistagged_content: frozenset[str]
    noun_suffixes: frozenset[str]


@lru_cache(maxsize=1)
def words() -> Words:
    raw = tomllib.loads((MATCH_DATA / "words.toml").read_text(encoding="utf-8"))
    return Words(
        goal_titles=tuple(raw["goal_titles"]),
        framing_titles=tuple(raw["framing_titles"]),
        situation_titles=tuple(raw["situation_titles"]),
        tentative=tuple(raw["tentative"]),
        weak_binding=frozenset(raw["weak_binding"]),
        pushing=tuple(raw["pushing"]),
        tempering=tuple(raw["tempering"]),
        metric_words=frozenset(raw["metric_words"]),
        goal_verbs=tuple(raw["goal_verbs"]),
        mistagged_content=frozenset(raw["mistagged_content"]),
        noun_suffixes=frozenset(raw["noun_suffixes"]),
    )
