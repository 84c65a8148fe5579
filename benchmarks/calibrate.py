"""Calibrate the aligner's thresholds and weights on the labelled set, honestly.

Grid search over the settings that matter most; the objective is the mean of status accuracy
and macro-F1 over tests/labels/measures.csv. Reports the best settings on all three cities and,
to show how well they generalise, leave-one-city-out results: settings chosen on two cities,
measured on the third.

    python benchmarks/calibrate.py            # prints the table; paste the winners into compare/match/settings.py
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path

from jtcompare.match.classify import align
from jtcompare.match.scoring import score
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library

from benchmarks.evaluate import Scorecard, read_labels, score_measures

ROOT = Path(__file__).resolve().parent.parent
CITIES = ("chongqing", "wuhan", "chengdu")
SCORING = {"idf_weight": (0.6, 0.8), "idf_power": (2.0,), "short_penalty": (3.0,), "bigram_weight": (0.0, 0.3, 0.6)}
THRESHOLDS = {
    "part_weight": (0.3, 0.5),
    "part_threshold": (0.4,),
    "adopt_threshold": (0.35, 0.4, 0.45, 0.5, 0.55, 0.6),
    "partial_threshold": (0.2, 0.25, 0.3, 0.35, 0.4),
}


def objective(card: Scorecard) -> float:
    return (card.accuracy + card.macro_f1) / 2


def grid() -> list[tuple[dict, dict]]:
    """Predictions per setting combination: [(params, {city: Alignment})]."""
    lib = open_library(ROOT / "data" / "plans")
    base = lib.load("national")
    plans = {c: lib.load(c) for c in CITIES}
    out = []
    for sv in itertools.product(*SCORING.values()):
        s1 = dataclasses.replace(DEFAULTS, **dict(zip(SCORING, sv, strict=True)))
        scores = {c: score(base, plans[c], s1) for c in CITIES}
        for tv in itertools.product(*THRESHOLDS.values()):
            params = dict(zip(SCORING, sv, strict=True)) | dict(zip(THRESHOLDS, tv, strict=True))
            if params["partial_threshold"] >= params["adopt_threshold"]:
                continue
            s2 = dataclasses.replace(s1, **dict(zip(THRESHOLDS, tv, strict=True)))
            out.append((params, {c: align(base, plans[c], s2, scores=scores[c]) for c in CITIES}))
        print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return out


def main() -> None:
    labels = read_labels(ROOT / "tests" / "labels" / "calibration" / "measures.csv")
    runs = grid()

    def card(alignments: dict, cities: tuple[str, ...]) -> Scorecard:
        return score_measures({c: alignments[c] for c in cities}, [lab for lab in labels if lab.plan in cities])

    best = max(runs, key=lambda r: objective(card(r[1], CITIES)))
    c = card(best[1], CITIES)
    print(f"best on all cities: {best[0]}  accuracy {c.accuracy:.3f}  macro-F1 {c.macro_f1:.3f}")
    current = next((r for r in runs if all(getattr(DEFAULTS, k) == v for k, v in r[0].items())), None)
    if current:
        c0 = card(current[1], CITIES)
        print(f"current defaults: accuracy {c0.accuracy:.3f}  macro-F1 {c0.macro_f1:.3f}")
    print("leave one city out (chosen on the other two, measured on the held-out city):")
    for held in CITIES:
        train = tuple(x for x in CITIES if x != held)
        chosen = max(runs, key=lambda r: objective(card(r[1], train)))
        test = card(chosen[1], (held,))
        print(f"  {held:<10} accuracy {test.accuracy:.3f}  macro-F1 {test.macro_f1:.3f}  with {chosen[0]}")


if __name__ == "__main__":
    main()
