"""Measure the aligner against labelled judgements (tests/labels/): accuracy, precision, recall.

Labels are human calls made from the seed texts, each with a reason; see tests/labels/README.md.
The labels are split once by national measure: every city's rows of a third of the measures (drawn once with a
fixed seed, listed in tests/labels/heldout/measures.txt) are the held-out part, which no tuning, fitted parameter,
rule or test may look at or name; the rest is the calibration part that tuning may use.
Accuracy counts the four statuses; rows labelled not_applicable are scored apart (`not_applicable`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from jtcompare.match.results import STATUSES, Alignment

LABELS = Path(__file__).resolve().parent.parent / "tests" / "labels"
CALIBRATION = LABELS / "calibration" / "measures.csv"
HELDOUT = LABELS / "heldout" / "measures.csv"
HELDOUT_MEASURES = LABELS / "heldout" / "measures.txt"
UNITS_CALIBRATION = LABELS / "calibration" / "units.csv"
UNITS_HELDOUT = LABELS / "heldout" / "units.csv"
UNITS_SECOND = LABELS / "units_second_reading.csv"
CLAUSES = LABELS / "clauses.csv"
LOCAL = LABELS / "local_additions.csv"
FOUR = ("adopted", "strengthened", "partial", "omitted")


# The cities labelled when the split was drawn. Any other city's rows are all held out: its plan was labelled
# after the rules were written, so none of them can have shaped one.
SPLIT_CITIES = frozenset({"chongqing", "wuhan", "chengdu"})


def held_out_measures() -> frozenset[str]:
    """The national measures held out whole (tests/labels/heldout/measures.txt)."""
    lines = HELDOUT_MEASURES.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_held_out(plan: str, measure: str) -> bool:
    """The frozen split rule: every city's rows of the held-out measures; every row of a newly labelled city."""
    return plan not in SPLIT_CITIES or measure in held_out_measures()


@dataclass(frozen=True)
class Label:
    plan: str
    measure: str
    status: str
    plan_clauses: tuple[str, ...]
    reason: str


# a unit label's coverage as the engine's unit state (stronger counts as covered: strengthening is decided apart)
UNIT_STATE = {"stronger": "covered", "covered": "covered", "weaker": "weaker", "not": "missing"}


@dataclass(frozen=True)
class UnitLabel:
    plan: str
    measure: str
    unit: int  # 1-based, in the order of the engine's units
    text: str
    key: bool
    state: str  # covered | weaker | missing (stronger counted as covered)
    stronger: bool


def read_unit_labels(path: Path) -> list[UnitLabel]:
    with Path(path).open(encoding="utf-8") as fh:
        return [
            UnitLabel(
                r["plan"],
                r["measure"],
                int(r["unit"]),
                r["unit_text"],
                r["key"] == "yes",
                UNIT_STATE[r["coverage"]],
                r["coverage"] == "stronger",
            )
            for r in csv.DictReader(fh)
        ]


@dataclass(frozen=True)
class ClauseLabel:
    plan: str
    clause: str
    base_clause: str  # "" when no base clause fits
    reason: str


def read_labels(path: Path) -> list[Label]:
    with Path(path).open(encoding="utf-8") as fh:
        return [
            Label(
                r["plan"],
                r["base_measure"],
                r["status"],
                tuple(c for c in r["plan_clauses"].split(";") if c),
                r["reason"],
            )
            for r in csv.DictReader(fh)
        ]


def read_clause_labels(path: Path) -> list[ClauseLabel]:
    with Path(path).open(encoding="utf-8") as fh:
        return [ClauseLabel(r["plan"], r["plan_clause"], r["base_clause"], r["reason"]) for r in csv.DictReader(fh)]


@dataclass
class Scorecard:
    pairs: list[tuple[str, str]]  # (label, predicted)

    @property
    def accuracy(self) -> float:
        return sum(a == b for a, b in self.pairs) / len(self.pairs) if self.pairs else 0.0

    def precision(self, status: str) -> float | None:
        predicted = [a for a, b in self.pairs if b == status]
        return sum(a == status for a in predicted) / len(predicted) if predicted else None

    def recall(self, status: str) -> float | None:
        actual = [b for a, b in self.pairs if a == status]
        return sum(b == status for b in actual) / len(actual) if actual else None

    def f1(self, status: str) -> float:
        p, r = self.precision(status) or 0.0, self.recall(status) or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def macro_f1(self) -> float:
        return sum(self.f1(s) for s in FOUR) / len(FOUR)

    def confusion(self) -> dict[str, dict[str, int]]:
        out = {a: dict.fromkeys(STATUSES, 0) for a in FOUR}
        for a, b in self.pairs:
            out[a][b] += 1
        return out

    def interval(self, level: float = 0.95, draws: int = 2000, seed: int = 0) -> tuple[float, float]:
        """A percentile bootstrap interval of the accuracy: the rows drawn again with replacement `draws` times.
        With a hundred rows it is about +-0.09 wide: engines closer than that cannot be told apart on them."""
        if not self.pairs:
            return (0.0, 0.0)
        right = np.array([a == b for a, b in self.pairs], dtype=float)
        rows = np.random.default_rng(seed).integers(0, len(right), size=(draws, len(right)))
        means = right[rows].mean(axis=1)
        tail = (1 - level) / 2
        return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))

    @property
    def taken_up_accuracy(self) -> float:
        """Coarse view: taken up (adopted/strengthened/partial) versus omitted."""
        left = ("omitted", "not_applicable")
        return sum((a in left) == (b in left) for a, b in self.pairs) / len(self.pairs) if self.pairs else 0.0


def objective(card: Scorecard) -> float:
    """What calibration maximises: the mean of status accuracy and macro-F1 (rare statuses count)."""
    return (card.accuracy + card.macro_f1) / 2


def score_measures(alignments: dict[str, Alignment], labels: list[Label]) -> Scorecard:
    """(label, engine status) for every labelled row of the four statuses (not_applicable rows apart)."""
    pairs = []
    for lab in labels:
        if lab.status not in FOUR:
            continue
        a = alignments.get(lab.plan)
        if a is None:
            continue
        m = next((m for m in a.measures if m.measure.id == lab.measure), None)
        if m is not None:
            pairs.append((lab.status, m.status))
    return Scorecard(pairs)


def not_applicable(alignments: dict[str, Alignment], labels: list[Label]) -> tuple[int, int]:
    """(rows labelled not_applicable that the engine also calls so, rows labelled not_applicable)."""
    rows = [lab for lab in labels if lab.status == "not_applicable" and lab.plan in alignments]
    hits = sum(
        any(m.measure.id == lab.measure and m.status == "not_applicable" for m in alignments[lab.plan].measures)
        for lab in rows
    )
    return hits, len(rows)


def by_confidence(alignments: dict[str, Alignment], labels: list[Label]) -> dict[bool, Scorecard]:
    """The four-status scorecard of the cells the engine is sure of (False) and of those it flags to check."""
    split: dict[bool, list[tuple[str, str]]] = {False: [], True: []}
    for lab in labels:
        a = alignments.get(lab.plan)
        m = next((m for m in a.measures if m.measure.id == lab.measure), None) if a else None
        if lab.status in FOUR and m is not None:
            split[m.check].append((lab.status, m.status))
    return {flag: Scorecard(pairs) for flag, pairs in split.items()}


def match_accuracy(alignments: dict[str, Alignment], labels: list[Label]) -> float:
    """Share of labelled taken-up measures whose best engine match lies in a labelled plan clause."""
    hits = total = 0
    for lab in labels:
        a = alignments.get(lab.plan)
        if a is None or lab.status in ("omitted", "not_applicable") or not lab.plan_clauses:
            continue
        m = next((m for m in a.measures if m.measure.id == lab.measure), None)
        if m is None:
            continue
        total += 1
        hits += bool(m.matches) and m.matches[0].clause.id in lab.plan_clauses
    return hits / total if total else 0.0


def clause_accuracy(a: Alignment, labels: list[ClauseLabel]) -> float:
    """Share of the plan's clauses whose best base clause is the labelled one (or none when none)."""
    mine = {lab.clause: lab.base_clause for lab in labels if lab.plan == a.plan.id}
    got = {pc.clause.id: (pc.best[0].id if pc.best else "") for pc in a.plan_clauses}
    hits = [got.get(cid) == want for cid, want in mine.items()]
    return sum(hits) / len(hits) if hits else 0.0


def local_precision(alignments: dict[str, Alignment], path: Path = LOCAL) -> tuple[int, int, int]:
    """(listed local additions labelled local, listed local additions that are labelled, labelled rows).

    The labels (tests/labels/local_additions.csv) were made on the 94 sentences an earlier engine listed as local
    additions, so they measure the precision of the list, not what it misses."""
    with Path(path).open(encoding="utf-8") as fh:
        verdict = {(r["plan"], r["sentence"]): r["verdict"] for r in csv.DictReader(fh)}
    listed = [(a.plan.id, lm.measure.id) for a in alignments.values() for lm in a.local]
    judged = [k for k in listed if k in verdict]
    return sum(verdict[k] == "local" for k in judged), len(judged), len(verdict)
