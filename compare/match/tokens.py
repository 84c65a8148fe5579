"""The matcher's tokens of a text, and the in-memory table that spares jieba on a warm run.

`match_tokens(text)`: jieba words in search mode after removing boilerplate slogans (data/boilerplate.txt) and
making synonyms canonical. Tokens of whole plans are loaded into the table by `scoring.remember`, from the
on-disk cache; the table keeps the texts of the last few plans only, so a matrix over hundreds of plans does not
hold every plan's tokens at once.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache

from jtcompare.match.lexicon import MATCH_DATA
from jtcompare.text.tokens import canonical, data_lines, tokenize

KEEP_PLANS = 4  # the base, the plan being compared, and room for a worker's next plan
_BY_PLAN: OrderedDict[object, dict[str, tuple[str, ...]]] = OrderedDict()
_LOOSE: dict[str, tuple[str, ...]] = {}  # texts no loaded plan holds (a target's indicator form, a test's text)
_LOOSE_LIMIT = 20_000


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern[str]:
    phrases = sorted(data_lines("boilerplate.txt", MATCH_DATA), key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in phrases))


def tokens_of(text: str) -> tuple[str, ...]:
    """The tokens, computed (jieba): what `match_tokens` falls back to."""
    return tuple(tokenize(canonical(_boilerplate().sub(" ", text)), search=True))


def match_tokens(text: str) -> tuple[str, ...]:
    """Tokens used for matching: boilerplate slogans removed, synonyms made canonical."""
    for table in reversed(_BY_PLAN.values()):
        known = table.get(text)
        if known is not None:
            return known
    known = _LOOSE.get(text)
    if known is None:
        if len(_LOOSE) >= _LOOSE_LIMIT:
            _LOOSE.clear()
        known = _LOOSE[text] = tokens_of(text)
    return known


def known(key: object) -> bool:
    """Whether one plan's tokens are loaded already (it then counts as the most recently loaded): a process that
    aligns the same plan again (a notebook, a test over a fresh cache folder) neither reads nor computes them.
    Such a cache folder then gets no tokens entry of that plan: a later process using it tokenises once."""
    if key not in _BY_PLAN:
        return False
    _BY_PLAN.move_to_end(key)
    return True


def load(key: object, table: dict[str, tuple[str, ...]]) -> None:
    """Make one plan's tokens known, forgetting the least recently loaded plan beyond KEEP_PLANS."""
    _BY_PLAN[key] = table
    _BY_PLAN.move_to_end(key)
    while len(_BY_PLAN) > KEEP_PLANS:
        _BY_PLAN.popitem(last=False)
