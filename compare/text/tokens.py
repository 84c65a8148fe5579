"""Tokenise simplified Chinese policy text with jieba, a domain dictionary and stop words.

The dictionary and stop-word list are plain files in `jtcompare/text/data/`; a user adds a word by
adding a line. Tokens are what the matcher compares, so punctuation and numbers are dropped
here (numbers are handled by `targets`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import marshal
import re
import sys
from collections.abc import Callable
from functools import lru_cache, partial
from importlib import resources
from importlib.resources.abc import Traversable
from math import log
from types import ModuleType
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
    pays jieba's import and dictionary load.
    """
    jieba = import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, _ = _dictionary()
    tokenizer.initialized = True  # jieba would otherwise build the same dictionary again, more slowly
    tokenizer.get_DAG = lambda sentence: None  # the route below reads the words from FREQ itself
    tokenizer.calc = partial(_route, tokenizer)
    for line in data_lines("userdict.txt"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tokenizer.add_word(parts[0], freq)
    return tokenizer


def _route(tokenizer: jieba.Tokenizer, sentence: str, _dag: None, route: dict[int, tuple[float, int]]) -> None:
    """jieba's most probable segmentation of a block (`Tokenizer.calc`), in one pass instead of two.

    jieba first lists, for every start, the ends of the dictionary words there (`get_DAG`), then picks the best
    end from that list; here the words are looked up as the best end is picked. The same words, the same sums in
    the same order and the same tie-break (the longer word), so the same route; a third less time than jieba's,
    and tokenising is most of a cold run. Every jieba path we use (`cut`, `cut_for_search`, `posseg`) calls
    `get_DAG` only to hand its result to `calc`; `cut_all`, which reads the DAG itself, is never used.
    """
    freq, n = tokenizer.FREQ, len(sentence)
    logtotal = log(tokenizer.total)
    best: list[tuple[float, int]] = [(0, 0)] * (n + 1)
    for start in range(n - 1, -1, -1):
        pick: tuple[float, int] | None = None
        end, word = start, sentence[start]
        while end < n and (count := freq.get(word)) is not None:  # every prefix of a word is in FREQ
            if count:
                here = (log(count) - logtotal + best[end + 1][0], end)
                if pick is None or here > pick:
                    pick = here
            end += 1
            word = sentence[start : end + 1]
        if pick is None:  # no word starts here: the character alone
            pick = (log(freq.get(sentence[start]) or 1) - logtotal + best[start + 1][0], start)
        best[start] = pick
    route.update(enumerate(best))


@lru_cache(maxsize=1)
def pos_tagger() -> Callable[[str], list[tuple[str, str]]]:
    """jieba's part-of-speech tagger over the domain dictionary: text -> (word, flag) pairs."""
    tokenizer = jieba_instance()
    tags = _dictionary()[2]
    posseg = _import_posseg(tags)
    tagger = posseg.POSTokenizer.__new__(posseg.POSTokenizer)  # its __init__ reads dict.txt once more
    tagger.tokenizer, tagger.word_tag_tab = tokenizer, dict(tags)
    return lambda text: [(p.word, p.flag) for p in tagger.lcut(text)]


def import_jieba() -> ModuleType:
    """`import jieba` without pkg_resources: jieba looks for it only to open its own data files and falls back
    to plain open(); importing it (setuptools' pyparsing and packaging) is a tenth of a second of a cold run."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _import_posseg(tags: dict[str, str]) -> ModuleType:
    """`import jieba.posseg` without its import-time read of dict.txt for the default tagger's tags (half a
    second): the tags we read with the dictionary are handed to that tagger instead, the same table."""
    jieba = import_jieba()
    if "jieba.posseg" not in sys.modules:
        jieba.dt.get_dict_file = lambda: io.BytesIO()  # the default tagger reads an empty file ...
        try:
            import jieba.posseg
        finally:
            del jieba.dt.get_dict_file
        jieba.posseg.dt.word_tag_tab = dict(tags)  # ... and gets the same tags jieba would have read
    return sys.modules["jieba.posseg"]


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's dictionary as jieba builds it: every word and every prefix of one (prefixes at 0), the total
    frequency, and each word's part-of-speech tag. From our cache, else read from jieba's dict.txt in one
    pass and cached; jieba's own builders read the file twice, a line at a time, in about three times as long."""
    jieba = import_jieba()
    path = cache_root() / f"jieba-{jieba.__version__}.dict"
    try:
        loaded = marshal.loads(path.read_bytes())
        if isinstance(loaded, tuple) and len(loaded) == 3:
            return loaded
    except (OSError, EOFError, ValueError, TypeError):
        pass  # missing or damaged: build it again
    words, counts, tags = _dict_rows(resources.files("jieba").joinpath(jieba.DEFAULT_DICT_NAME).read_bytes())
    freq = dict.fromkeys((w[:i] for w in words for i in range(1, len(w))), 0)
    freq.update(zip(words, counts, strict=True))
    built = (freq, sum(counts), {w: t for w, t in zip(words, tags, strict=True) if t})
    if _writable_cache():
        from jtcompare.atomic import write_atomic
        from jtcompare.errors import WriteFailed

        with contextlib.suppress(WriteFailed):  # a read-only cache costs time on the next run, never the answer
            write_atomic(path, marshal.dumps(built))
    return built


def _dict_rows(raw: bytes) -> tuple[list[str], list[int], list[str]]:
    """Words, frequencies and tags of dict.txt's `word freq tag` lines (a later line for a word wins)."""
    text = raw.decode("utf-8")
    lines = text.splitlines()
    fields = text.split()
    if len(fields) == 3 * len(lines):  # every line has all three: split the whole file at once
        return fields[0::3], [int(c) for c in fields[1::3]], fields[2::3]
    rows = [line.split() for line in lines if line.strip()]
    return [r[0] for r in rows], [int(r[1]) for r in rows], [r[2] if len(r) > 2 else "" for r in rows]


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
