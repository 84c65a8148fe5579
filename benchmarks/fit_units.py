"""Fit the unit model (compare/match/unit_model.py) on the calibration part of the unit labels, honestly.

Each labelled unit of a calibration national measure in each city (tests/labels/calibration/units.csv: covered,
stronger, weaker or not) is one row: the engine's features of that unit against that city's plan, and the label
(stronger counts as covered: strengthening is decided apart, from targets and obligation words). A multinomial
logistic model is fitted by gradient descent, once with the lexical features and once with the semantic one too;
both are written to compare/match/data/unit_model.toml. The held-out measures are never read here.

Then the two decision offsets (unit_model.py) are chosen on a grid to make the rule over units agree best with
the status labels of the calibration measures (ties go to the smaller shift); five folds of whole measures show
how that choice carries to measures it was not chosen on.

Leave-one-city-out within the calibration part shows how a fit carries to a city it has not seen.

    python -m benchmarks.fit_units            # prints the cross-validated figures
    python -m benchmarks.fit_units --write    # and writes the fit to unit_model.toml
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from datetime import date

import numpy as np
from jtcompare.match import unit_model as um
from jtcompare.match.classify import align
from jtcompare.match.lexicon import MATCH_DATA
from jtcompare.match.results import Alignment
from jtcompare.match.scoring import score
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library

from benchmarks.evaluate import (
    CALIBRATION,
    FOUR,
    UNITS_CALIBRATION,
    Label,
    Scorecard,
    UnitLabel,
    is_held_out,
    objective,
    read_labels,
    read_unit_labels,
)

CITIES = ("chongqing", "wuhan", "chengdu")
L2 = 1.0
# the offsets tried for weaker and for missing (covered's is 0): half steps, from a shift that all but removes
# the state to one that favours it
OFFSETS = tuple(np.arange(-3.0, 1.01, 0.5).round(1).tolist())


def alignments(*, use_semantic: bool = True) -> dict[str, Alignment]:
    lib = open_library()
    base = lib.load("national")
    out = {}
    for c in CITIES:
        plan = lib.load(c)
        settings = replace(DEFAULTS, semantic=int(use_semantic))
        out[c] = align(base, plan, settings, scores=score(base, plan, settings), use_semantic=use_semantic)
    return out


def rows(found: dict[str, Alignment], labels: list[UnitLabel], features: tuple[str, ...]):
    """(features, state index, city, measure) for every label whose unit the engine splits the same way."""
    X, y, city, measure = [], [], [], []
    for lab in labels:
        m = next(m for m in found[lab.plan].measures if m.measure.id == lab.measure)
        unit = m.units[lab.unit - 1] if lab.unit <= len(m.units) else None
        if unit is None or unit.text != lab.text.strip():
            raise SystemExit(f"{lab.plan} {lab.measure} unit {lab.unit}: the engine splits it otherwise now")
        X.append([unit.features[f] for f in features])
        y.append(um.STATES.index(lab.state))
        city.append(lab.plan)
        measure.append(lab.measure)
    return np.array(X), np.array(y), np.array(city), np.array(measure)


def fit(X: np.ndarray, y: np.ndarray, steps: int = 3000, lr: float = 0.5) -> np.ndarray:
    """Multinomial logistic regression by gradient descent, L2 on the weights (not the biases), on standardised
    features; the weights returned apply to the raw features."""
    mu, sd = X.mean(axis=0), X.std(axis=0) + 1e-9
    W = _fit((X - mu) / sd, y, steps, lr)
    raw = W[:-1] / sd[:, None]
    return np.r_[raw, W[-1:] - mu @ raw]


def _fit(X: np.ndarray, y: np.ndarray, steps: int, lr: float) -> np.ndarray:
    Xb = np.c_[X, np.ones(len(X))]
    W = np.zeros((Xb.shape[1], len(um.STATES)))
    onehot = np.eye(len(um.STATES))[y]
    for _ in range(steps):
        p = softmax(Xb @ W)
        W -= lr * (Xb.T @ (p - onehot) / len(y) + L2 * np.r_[W[:-1], np.zeros((1, W.shape[1]))] / len(y))
    return W


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def predict(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    return softmax(np.c_[X, np.ones(len(X))] @ W).argmax(axis=1)


def as_model(W: np.ndarray, features: tuple[str, ...]) -> um.UnitModel:
    weights = {s: {f: float(W[i, k]) for i, f in enumerate(features)} for k, s in enumerate(um.STATES)}
    return um.UnitModel(features, weights, {s: float(W[-1, k]) for k, s in enumerate(um.STATES)})


Cells = dict[tuple[str, str], str]  # (city, measure) -> status


def status_grid(model: um.UnitModel, *, use_semantic: bool) -> dict[tuple[float, float], Cells]:
    """The statuses of every calibration city x measure under each pair of offsets (weaker, missing)."""
    lib = open_library()
    base = lib.load("national")
    settings = replace(DEFAULTS, semantic=int(use_semantic))
    plans = {c: lib.load(c) for c in CITIES}
    scores = {c: score(base, p, settings) for c, p in plans.items()}
    grid = {}
    for weaker, missing in itertools.product(OFFSETS, OFFSETS):
        shifted = replace(model, offset={"covered": 0.0, "weaker": weaker, "missing": missing})
        grid[(weaker, missing)] = {
            (c, m.measure.id): m.status
            for c, p in plans.items()
            for m in align(base, p, settings, scores=scores[c], model=shifted, use_semantic=use_semantic).measures
        }
    return grid


def best_offsets(grid: dict[tuple[float, float], Cells], labels: list[Label]) -> tuple[float, float]:
    """The offsets that serve `labels` best by the calibration objective (accuracy and macro-F1, so that partial
    and strengthened count, not only the common adopted); of equals, the smallest shift."""
    return max(grid, key=lambda k: (round(objective(_card(grid[k], labels)), 6), -abs(k[0]) - abs(k[1])))


def _card(cells: Cells, labels: list[Label]) -> Scorecard:
    return Scorecard([(lab.status, cells.get((lab.plan, lab.measure), "omitted")) for lab in labels])


def _right(cells: Cells, labels: list[Label]) -> int:
    return sum(cells.get((lab.plan, lab.measure)) == lab.status for lab in labels)


def offsets_cross_validated(grid: dict[tuple[float, float], Cells], labels: list[Label]) -> float:
    """Status accuracy on each fold of whole measures with the offsets chosen on the other folds."""
    folds = dict(zip(sorted({lab.measure for lab in labels}), itertools.cycle(range(5)), strict=False))
    right = total = 0
    for k in range(5):
        train = [lab for lab in labels if folds[lab.measure] != k]
        test = [lab for lab in labels if folds[lab.measure] == k]
        right += _right(grid[best_offsets(grid, train)], test)
        total += len(test)
    return right / total


def status_labels() -> list[Label]:
    """The calibration status rows the offsets are chosen on: the four statuses (not not_applicable)."""
    return [lab for lab in read_labels(CALIBRATION) if lab.status in FOUR]


def cross_validate(X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    """Accuracy of the three-way unit call on each group's rows, fitted on the other groups' rows."""
    right = 0
    for g in np.unique(groups):
        train = groups != g
        right += int((predict(fit(X[train], y[train]), X[~train]) == y[~train]).sum())
    return right / len(y)


def main(argv: list[str]) -> int:
    labels = read_unit_labels(UNITS_CALIBRATION)
    assert not any(is_held_out(lab.plan, lab.measure) for lab in labels)
    found = alignments()
    models = {}
    for name, features in (("lexical", um.LEXICAL), ("semantic", um.SEMANTIC)):
        X, y, city, measure = rows(found, labels, features)
        W = fit(X, y)
        inside = float((predict(W, X) == y).mean())
        by_city = cross_validate(X, y, city)
        folds = _measure_folds(measure)
        by_measure = cross_validate(X, y, folds)
        print(
            f"{name}: {len(y)} calibration units; 3-way unit accuracy in-sample {inside:.3f}, "
            f"leave-one-city-out {by_city:.3f}, 5 folds by measure {by_measure:.3f}"
        )
        model = as_model(W, features)
        grid = status_grid(model, use_semantic=name == "semantic")
        statuses = [lab for lab in status_labels() if grid[(0.0, 0.0)].get((lab.plan, lab.measure)) != "not_applicable"]
        weaker, missing = best_offsets(grid, statuses)
        right, unshifted = _right(grid[(weaker, missing)], statuses), _right(grid[(0.0, 0.0)], statuses)
        print(
            f"  offsets weaker {weaker:+.1f}, missing {missing:+.1f}: statuses {right}/{len(statuses)} right (none: "
            f"{unshifted}); chosen on the other folds of measures: {offsets_cross_validated(grid, statuses):.3f}"
        )
        models[name] = replace(model, offset={"covered": 0.0, "weaker": weaker, "missing": missing})
    if "--write" in argv:
        note = (
            f"fitted {date.today()} on {len(labels)} calibration unit labels (L2 {L2}); offsets on the calibration "
            "status labels"
        )
        (MATCH_DATA / "unit_model.toml").write_text(um.model_toml(models, note), encoding="utf-8")
        print("wrote compare/match/data/unit_model.toml")
    return 0


def leave_one_city_out() -> dict[str, float]:
    """Four-status accuracy on each city's calibration status rows, with the (default, lexical) unit model fitted
    on the other two cities' calibration units (the held-out part is not read)."""
    labels = read_unit_labels(UNITS_CALIBRATION)
    found = alignments(use_semantic=False)
    X, y, city, _ = rows(found, labels, um.LEXICAL)
    lib = open_library()
    base = lib.load("national")
    statuses = [lab for lab in read_labels(CALIBRATION) if lab.status in FOUR]
    out = {}
    for c in CITIES:
        offset = um.unit_model(False).offset  # the offsets as fitted on all three cities' statuses
        model = replace(as_model(fit(X[city != c], y[city != c]), um.LEXICAL), offset=offset)
        got = {m.measure.id: m.status for m in align(base, lib.load(c), DEFAULTS, model=model).measures}
        mine = [lab for lab in statuses if lab.plan == c and got[lab.measure] != "not_applicable"]
        out[c] = sum(got[lab.measure] == lab.status for lab in mine) / len(mine)
    return out


def _measure_folds(measure: np.ndarray, k: int = 5) -> np.ndarray:
    """Five folds of whole measures (every city's units of a measure in one fold), in a fixed order."""
    order = {m: n % k for n, m in enumerate(sorted(set(measure.tolist())))}
    return np.array([order[m] for m in measure])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
