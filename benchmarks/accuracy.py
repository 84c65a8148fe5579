"""Accuracy on the labelled set and robustness to noise, for the engine and the difflib baseline.

Everything is scored by benchmarks/evaluate.py, for both aligners, on the same labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jtcompare.match.classify import align
from jtcompare.match.results import Alignment
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.model import Plan
from jtcompare.plans.parse import parse
from jtcompare.plans.registry import Library

from benchmarks import baseline
from benchmarks.evaluate import (
    CALIBRATION,
    HELDOUT,
    ClauseLabel,
    Label,
    Scorecard,
    by_confidence,
    clause_accuracy,
    local_precision,
    match_accuracy,
    not_applicable,
    objective,
    read_clause_labels,
    read_labels,
    score_measures,
)
from benchmarks.fit_units import leave_one_city_out
from benchmarks.judgement import report_lines
from benchmarks.noise import NoiseKind, inject

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "labels"
CITIES = ("chongqing", "wuhan", "chengdu")
NOISE: tuple[NoiseKind, ...] = ("ruby", "inline", "spaces", "broken", "traditional")


@dataclass(frozen=True)
class Accuracy:
    card: Scorecard
    match: float
    clauses: dict[str, float]  # plan -> clause-alignment accuracy
    split: dict[bool, Scorecard] | None = None  # the cells the engine is sure of (False) and flags to check (True)


def accuracy(alignments: dict[str, Alignment], labels: list[Label], clause_labels: list[ClauseLabel]) -> Accuracy:
    return Accuracy(
        score_measures(alignments, labels),
        match_accuracy(alignments, labels),
        {pid: clause_accuracy(a, clause_labels) for pid, a in alignments.items()},
        by_confidence(alignments, labels),
    )


@dataclass(frozen=True)
class AccuracyResults:
    engine: Accuracy  # on the held-out labels: the headline
    baseline: Accuracy  # on the held-out labels
    engine_calibration: Accuracy  # on the calibration labels the engine was fitted on (in-sample)
    baseline_calibration: Accuracy
    loco: dict[str, float]  # city -> four-status accuracy, model fitted on the other two cities (calibration rows)
    thresholds: tuple[float, float]  # the baseline's (adopt, partial), grid-searched on the calibration labels
    not_applicable: tuple[int, int]  # held-out rows labelled not_applicable that the engine calls so, of all
    local: tuple[int, int, int]  # listed local additions labelled local, those labelled, labelled rows
    units: tuple[str, ...] = ()  # benchmarks/judgement.py's figures of the held-out part: units, both references


def run_accuracy(lib: Library, *, counterfactual: bool = False) -> AccuracyResults:
    calibration, heldout = read_labels(CALIBRATION), read_labels(HELDOUT)
    clause_labels = read_clause_labels(LABELS / "clauses.csv")
    base = lib.load("national")
    plans = {c: lib.load(c) for c in CITIES}
    engine = {c: align(base, p, DEFAULTS) for c, p in plans.items()}
    ratios = {c: baseline.best_ratios(base, p) for c, p in plans.items()}
    adopt, partial = baseline.grid_search(ratios, calibration, objective)
    fitted = {c: baseline.alignment(r, adopt, partial) for c, r in ratios.items()}
    return AccuracyResults(
        accuracy(engine, heldout, clause_labels),
        accuracy(fitted, heldout, clause_labels),
        accuracy(engine, calibration, clause_labels),
        accuracy(fitted, calibration, clause_labels),
        leave_one_city_out(),
        (adopt, partial),
        not_applicable(engine, heldout),
        local_precision(engine),
        tuple(report_lines("heldout", counterfactual=counterfactual)),
    )


@dataclass(frozen=True)
class Robustness:
    """Per noise kind and city: how many base measures changed status (over all seeds), and of how many."""

    engine: dict[str, dict[str, int]]
    baseline: dict[str, dict[str, int]]
    measures: dict[str, int]  # city -> base measures compared per seed
    seeds: int
    examples: dict[str, list[str]]  # kind -> a few "city measure: clean -> noisy" for the engine


def _statuses(a: Alignment) -> dict[str, str]:
    return {m.measure.id: m.status for m in a.measures}


def run_robustness(
    lib: Library,
    thresholds: tuple[float, float],
    *,
    cities: tuple[str, ...] = CITIES,
    kinds: tuple[NoiseKind, ...] = NOISE,
    seeds: int = 3,
    progress: Callable[[str], None] | None = None,
) -> Robustness:
    """Every seed city plan again with noise, parsed from text (jtcompare.plans.parse.parse) and aligned."""
    meta = lib.find("national")
    base = parse(lib.read_text(meta), meta)
    adopt, partial = thresholds
    engine = {k: dict.fromkeys(cities, 0) for k in kinds}
    fitted = {k: dict.fromkeys(cities, 0) for k in kinds}
    examples: dict[str, list[str]] = {k: [] for k in kinds}

    def both(plan: Plan) -> tuple[dict[str, str], dict[str, str]]:
        a = align(base, plan, DEFAULTS)
        b = baseline.alignment(baseline.best_ratios(base, plan), adopt, partial)
        return _statuses(a), _statuses(b)

    for city in cities:
        meta = lib.find(city)
        text = lib.read_text(meta)
        clean_e, clean_b = both(parse(text, meta))
        for kind in kinds:
            for seed in range(seeds):
                noisy_e, noisy_b = both(parse(inject(text, kind, seed=seed), meta))
                changed = [m for m, s in clean_e.items() if noisy_e.get(m) != s]
                engine[kind][city] += len(changed)
                fitted[kind][city] += sum(noisy_b.get(m) != s for m, s in clean_b.items())
                examples[kind] += [f"{city} {m}: {clean_e[m]} -> {noisy_e.get(m)}" for m in changed]
            if progress:
                progress(f"{city}/{kind}")
    return Robustness(engine, fitted, {c: len(base.measures) for c in cities}, seeds, examples)
