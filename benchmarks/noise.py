"""The noise plans pick up on the web and in PDFs, added on purpose: robustness tests and benchmarks.

`inject(text, kind, seed=...)` is pure and seeded: the same text, kind and seed give the same
noisy text. Kinds:

ruby         pinyin ruby after some characters, as copied from annotated pages: 减【jiǎn】
inline       inline pinyin in brackets after some characters: 实(shí)
spaces       spaces between the characters of some lines, as some PDFs extract them
broken       long lines wrapped at a random point, as at a page edge
at           stray @@ marks in some lines
traditional  some lines in traditional script (OpenCC s2t), so the text mixes both scripts
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Literal

NoiseKind = Literal["ruby", "inline", "spaces", "broken", "at", "traditional"]
KINDS: tuple[NoiseKind, ...] = ("ruby", "inline", "spaces", "broken", "at", "traditional")

_HAN = re.compile(r"([\u4e00-\u9fff])")


@lru_cache(maxsize=1)
def _s2t():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified to traditional script (OpenCC s2t)."""
    return _s2t().convert(text)


def inject(text: str, kind: NoiseKind, *, seed: int = 0) -> str:
    """`text` with one kind of web/PDF noise added, line by line, drawn from `random.Random(seed)`."""
    if kind not in KINDS:
        raise ValueError(f"unknown noise kind '{kind}'; known: {', '.join(KINDS)}")
    rnd = random.Random(seed)
    return "\n".join(_line(line, kind, rnd) for line in text.split("\n"))


def _line(line: str, kind: NoiseKind, rnd: random.Random) -> str:
    if kind == "ruby":
        return _HAN.sub(lambda m: m.group(1) + ("【jiǎn】" if rnd.random() < 0.05 else ""), line)
    if kind == "inline":
        return _HAN.sub(lambda m: m.group(1) + ("(shí)" if rnd.random() < 0.05 else ""), line)
    if kind == "spaces" and rnd.random() < 0.3:
        return " ".join(line)
    if kind == "broken" and len(line) > 60 and rnd.random() < 0.5:
        cut = rnd.randrange(20, len(line) - 20)
        return line[:cut] + "\n" + line[cut:]
    if kind == "at" and rnd.random() < 0.3:
        pos = rnd.randrange(0, len(line) + 1)
        return line[:pos] + "@@" + line[pos:]
    if kind == "traditional" and rnd.random() < 0.5:
        return to_traditional(line)
    return line
