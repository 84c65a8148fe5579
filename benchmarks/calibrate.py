"""Calibrate the status score on the CALIBRATION part of the labels, honestly.

The status model (compare/match/status_model.py) is a multinomial logistic model over three unit-coverage
features. Here its weights are fitted on tests/labels/calibration/measures.csv (taken up = adopted or
strengthened, partial, omitted), for each value of the one setting that changes the features (soft_weight),
and the decision thresholds are searched on the same rows; the best fit is written to
compare/match/data/status_model.toml. The held-out part (tests/labels/heldout/) is
never read here: it measures the result afterwards (benchmarks/accuracy.py, README "Accuracy").

Leave-one-city-out within the calibration part shows how well a fit carries to a city it has not seen.

    python -m benchmarks.calibrate            # prints the table
    python -m benchmarks.calibrate --write    # and writes the best fit to status_model.toml
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import date

import numpy as np
from jtcompare.match import status_model as sm
from jtcompare.match.classify import align
from jtcompare.match.lexicon import MATCH_DATA
from jtcompare.match.scoring import score
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library

from benchmarks.evaluate import CALIBRATION, FOUR, read_labels

CITIES = ("chongqing", "wuhan", "chengdu")
SOFT_WEIGHTS = (0.3, 0.6, 1.0)
CLASS = {"adopted": 0, "strengthened": 0, "partial": 1, "omitted": 2}  # the order of status_model.CLASSES
L2 = 1.0
THRESHOLDS = [(a, p) for a in (0.4, 0.45, 0.5, 0.55, 0.6) for p in (0.4, 0.45, 0.5, 0.55, 0.6)]


def features(soft_weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, class, city) for every four-status calibration row."""
    lib = open_library()
    base = lib.load("national")
    settings = dataclasses.replace(DEFAULTS, soft_weight=soft_weight)
    labels = [lab for lab in read_labels(CALIBRATION) if lab.status in FOUR]
    X, y, city = [], [], []
    for c in CITIES:
        plan = lib.load(c)
        alignment = align(base, plan, settings, scores=score(base, plan, settings))
        feats = {m.measure.id: m.features for m in alignment.measures}
        for lab in labels:
            if lab.plan == c:
                X.append([feats[lab.measure][f] for f in sm.FEATURES])
                y.append(CLASS[lab.status])
                city.append(c)
    return np.array(X), np.array(y), np.array(city)


def fit(X: np.ndarray, y: np.ndarray, steps: int = 4000, lr: float = 0.5) -> np.ndarray:
    """Multinomial logistic regression by gradient descent, L2 on the weights (not the biases)."""
    Xb = np.c_[X, np.ones(len(X))]
    W = np.zeros((Xb.shape[1], len(sm.CLASSES)))
    onehot = np.eye(len(sm.CLASSES))[y]
    for _ in range(steps):
        p = _softmax(Xb @ W)
        W -= lr * (Xb.T @ (p - onehot) / len(y) + L2 * np.r_[W[:-1], np.zeros((1, W.shape[1]))] / len(y))
    return W


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def decide(W: np.ndarray, X: np.ndarray, adopt: float, partial: float) -> np.ndarray:
    """The engine's rule: taken up at P(taken) >= adopt, else partial at P(taken) + P(partial) >= partial."""
    p = _softmax(np.c_[X, np.ones(len(X))] @ W)
    return np.where(p[:, 0] >= adopt, 0, np.where(p[:, 0] + p[:, 1] >= partial, 1, 2))


def _best_thresholds(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    return max(THRESHOLDS, key=lambda t: ((decide(W, X, *t) == y).mean(), -abs(t[0] - 0.5) - abs(t[1] - 0.5)))


def model_of(W: np.ndarray) -> sm.StatusModel:
    """A fitted weight matrix as the engine's StatusModel."""
    weights = {c: dict(zip(sm.FEATURES, (float(v) for v in W[:-1, k]), strict=True)) for k, c in enumerate(sm.CLASSES)}
    return sm.StatusModel(weights, {c: float(W[-1, k]) for k, c in enumerate(sm.CLASSES)})


def leave_one_city_out() -> dict[str, float]:
    """Four-status accuracy on each city's calibration rows, with a model and thresholds fitted on the other two
    cities' calibration rows (the engine's soft_weight; the held-out part is not read)."""
    X, y, city = features(DEFAULTS.soft_weight)
    lib = open_library()
    base = lib.load("national")
    labels = [lab for lab in read_labels(CALIBRATION) if lab.status in FOUR]
    out = {}
    for c in CITIES:
        train = city != c
        W = fit(X[train], y[train])
        adopt, partial = _best_thresholds(W, X[train], y[train])
        settings = dataclasses.replace(DEFAULTS, adopt_threshold=adopt, partial_threshold=partial)
        alignment = align(base, lib.load(c), settings, model=model_of(W))
        got = {m.measure.id: m.status for m in alignment.measures}
        rows = [lab for lab in labels if lab.plan == c]
        out[c] = sum(got[lab.measure] == lab.status for lab in rows) / len(rows)
    return out


def main() -> None:
    results = []
    for soft in SOFT_WEIGHTS:
        X, y, city = features(soft)
        W = fit(X, y)
        adopt, partial = _best_thresholds(W, X, y)
        inside = (decide(W, X, adopt, partial) == y).mean()
        loco = {}
        for c in CITIES:
            train = city != c
            Wc = fit(X[train], y[train])
            loco[c] = (decide(Wc, X[~train], *_best_thresholds(Wc, X[train], y[train])) == y[~train]).mean()
        results.append((float(np.mean(list(loco.values()))), soft, W, adopt, partial, len(y)))
        print(
            f"soft_weight {soft}: 3-way accuracy in-sample {inside:.3f} (adopt {adopt}, partial {partial}); "
            "leave-one-city-out " + ", ".join(f"{c} {v:.3f}" for c, v in loco.items())
        )
    _, soft, W, adopt, partial, n = max(results, key=lambda r: r[0])
    model = model_of(W)
    weights, bias = model.weights, model.bias
    print(f"chosen soft_weight {soft}, adopt_threshold {adopt}, partial_threshold {partial}")
    if "--write" in sys.argv:
        note = f"fitted {date.today()} on {n} calibration rows; soft_weight {soft}; L2 {L2}"
        (MATCH_DATA / "status_model.toml").write_text(sm.model_toml(weights, bias, note))
        print("wrote compare/match/data/status_model.toml; put soft_weight and the thresholds in settings.py")


if __name__ == "__main__":
    main()
