"""Fit the unit model (compare/match/unit_model.py) on the calibration part of the unit labels, honestly.

Each labelled unit of a calibration national measure in each city (tests/labels/calibration/units.csv: covered,
stronger, weaker or not) is one row: the engine's features of that unit against that city's plan, and the label
(stronger counts as covered: strengthening is decided apart, from targets and obligation words). A multinomial
logistic model is fitted by gradient descent, once with the lexical features and once with the semantic one too;
both are written to compare/match/data/unit_model.toml. The held-out measures are never read here.

Leave-one-city-out within the calibration part shows how a fit carries to a city it has not seen.

    python -m benchmarks.fit_units            # prints the cross-validated figures
    python -m benchmarks.fit_units --write    # and writes the fit to unit_model.toml
"""

from __future__ import annotations

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

from benchmarks.evaluate import UNITS_CALIBRATION, UnitLabel, is_held_out, read_unit_labels

CITIES = ("chongqing", "wuhan", "chengdu")
L2 = 1.0


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


def as_model(W: np.ndarray, features: tuple[str, ...]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    weights = {s: {f: float(W[i, k]) for i, f in enumerate(features)} for k, s in enumerate(um.STATES)}
    return weights, {s: float(W[-1, k]) for k, s in enumerate(um.STATES)}


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
        models[name] = as_model(W, features)
    if "--write" in argv:
        note = f"fitted {date.today()} on {len(labels)} calibration unit labels; L2 {L2}"
        (MATCH_DATA / "unit_model.toml").write_text(um.model_toml(models, note), encoding="utf-8")
        print("wrote compare/match/data/unit_model.toml")
    return 0


def leave_one_city_out() -> dict[str, float]:
    """Four-status accuracy on each city's calibration status rows, with the (default, lexical) unit model fitted
    on the other two cities' calibration units (the held-out part is not read)."""
    from benchmarks.evaluate import CALIBRATION, FOUR, read_labels

    labels = read_unit_labels(UNITS_CALIBRATION)
    found = alignments(use_semantic=False)
    X, y, city, _ = rows(found, labels, um.LEXICAL)
    lib = open_library()
    base = lib.load("national")
    statuses = [lab for lab in read_labels(CALIBRATION) if lab.status in FOUR]
    out = {}
    for c in CITIES:
        weights, bias = as_model(fit(X[city != c], y[city != c]), um.LEXICAL)
        model = um.UnitModel(um.LEXICAL, weights, bias)
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
