"""Tokenise simplified Chinese policy text with jieba, a domain dictionary and stop words.

The dictionary and stop-word list are plain files in `jtcompare/text/data/`; a user adds a word by
adding a line. Tokens are what the matcher compares, so punctuation and numbers are dropped
here (numbers are handled by `targets`).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from jtcompare.cachedir import cache_root

if TYPE_CHECKING:
    import jieba

DATA = resources.files("jtcompare.text") / "data"
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def data_lines(name: str, folder: Traversable = DATA) -> list[str]:
    """The non-empty, non-comment lines of a lexicon file (`folder` defaults to the text lexicons)."""
    text = (folder / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def jieba_instance() -> jieba.Tokenizer:
    """A jieba tokenizer with the domain dictionary loaded (built once per process).

    Imported here, not at the top: a warm run takes every token from the plan cache and never
    pays jieba's import and dictionary load (about 0.8 s).
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(cache_root()) if _writable_cache() else None  # jieba's own dictionary cache
    tokenizer.initialize()
    for line in data_lines("userdict.txt"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tokenizer.add_word(parts[0], freq)
    return tokenizer


def _writable_cache() -> bool:
    path = cache_root()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return True


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(data_lines("stopwords.txt"))


def tokenize(text: str, *, search: bool = False) -> list[str]:
    """Content tokens of simplified text: jieba words minus stop words, punctuation, numbers.

    With search=True compounds also yield their parts (森林蓄积量 -> 森林, 蓄积量, 森林蓄积量), so
    a plan that writes the compound still shares words with a base that writes the parts.
    """
    stop = stopwords()
    cut = jieba_instance().lcut_for_search if search else jieba_instance().lcut
    return [w for w in cut(text) if _WORD.search(w) and w not in stop and not w.isdigit()]


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """Variant -> canonical term, from `data/synonyms.txt` (lines `canonical=variant=variant`)."""
    out: dict[str, str] = {}
    for line in data_lines("synonyms.txt"):
        canonical, *variants = (w.strip() for w in line.split("="))
        for v in variants:
            out[v] = canonical
    return out


def canonical(text: str) -> str:
    """Text with synonyms replaced by their canonical term, longest variant first."""
    for variant in sorted(synonyms(), key=len, reverse=True):
        if variant in text:
            text = text.replace(variant, synonyms()[variant])
    return text
