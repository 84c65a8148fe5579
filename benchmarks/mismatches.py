"""Where the engine and the CALIBRATION labels disagree, with each measure's action units: for reading patterns
before changing a rule or a lexicon entry. It never reads the held-out part.

    python -m benchmarks.mismatches                       # figures and every mismatch
    python -m benchmarks.mismatches omitted>adopted       # only label omitted, engine adopted
"""

from __future__ import annotations

import sys
from collections import Counter

from jtcompare.match.classify import align
from jtcompare.match.results import Alignment
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library

from benchmarks.evaluate import CALIBRATION, FOUR, read_labels, score_measures

CITIES = ("chongqing", "wuhan", "chengdu")


def main(only: list[str]) -> None:
    lib = open_library()
    base = lib.load("national")
    alignments: dict[str, Alignment] = {c: align(base, lib.load(c), DEFAULTS) for c in CITIES}
    labels = read_labels(CALIBRATION)
    pairs: Counter[tuple[str, str]] = Counter()
    for lab in labels:
        m = next(m for m in alignments[lab.plan].measures if m.measure.id == lab.measure)
        pairs[(lab.status, m.status)] += 1
        if lab.status == m.status or (only and f"{lab.status}>{m.status}" not in only):
            continue
        print(f"## {lab.plan} {lab.measure} label={lab.status} engine={m.status} score={m.score} {m.features}")
        print(f"   label: {lab.reason[:150]}")
        for u in m.units:
            mark = "C" if u.covered else " "
            print(f"   {u.coverage:.2f} {mark} {u.text[:40]} | {'/'.join(u.key_terms)} | missing {'/'.join(u.missing)}")
        if m.matches:
            print(f"   match: {m.matches[0].measure.id} {m.matches[0].measure.text[:70]}")
    card = score_measures(alignments, labels)
    print(f"\ncalibration part: accuracy {card.accuracy:.3f}, macro-F1 {card.macro_f1:.3f}, n={len(card.pairs)}")
    for c in CITIES:
        print(f"  {c:<10} {score_measures({c: alignments[c]}, labels).accuracy:.3f}")
    for s in FOUR:
        print(f"  {s:<13} precision {card.precision(s)}  recall {card.recall(s)}")
    for (label, got), n in sorted(pairs.items()):
        print(f"  label {label:<14} engine {got:<14} {n}")


if __name__ == "__main__":
    main(sys.argv[1:])
