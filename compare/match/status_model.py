"""How far a plan takes a base measure up: probabilities of taken up / partial / omitted from unit coverage.

A multinomial logistic model over four features of a base measure against a plan:

- mean     unit coverage averaged by unit mass (soft add-ons weigh `soft_weight`): how much of what the
           measure asks for the plan holds, action by action
- lead     the coverage of its first unit, the headline action of a national sentence
- sentence the best sentence score (match/scoring.py): how alike the closest plan sentence reads
- anchor   the mass share of units whose anchor, their rarest key term (条例, 再生铝, 天然林), the plan holds
- topic    how much the clause of the best covering sentence is about the base measure's clause (1: the plan
           clause most like it), so terms picked up in an unrelated chapter count for less
- weakest  the character-bigram share of the least-held firm unit in the best sentences together: one action
           of the measure missing (焚烧管控 beside 秸秆综合利用) keeps it low, however well the rest is held

P(class) = softmax_c(bias_c + sum_f weight_cf * feature_f). Its weights are fitted on the calibration part of
the labels by benchmarks/calibrate.py, which writes data/status_model.toml; the held-out labels never take
part. The status score shown to users is P(taken up) + P(partial) / 2, the expected credit.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from jtcompare.match.lexicon import MATCH_DATA

FEATURES = ("mean", "lead", "sentence", "anchor", "topic", "weakest")
CLASSES = ("taken", "partial", "omitted")


@dataclass(frozen=True)
class StatusModel:
    weights: dict[str, dict[str, float]]  # class -> feature -> weight
    bias: dict[str, float]

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        z = {c: self.bias[c] + sum(self.weights[c][f] * features[f] for f in FEATURES) for c in CLASSES}
        top = max(z.values())
        e = {c: math.exp(v - top) for c, v in z.items()}
        total = sum(e.values())
        return {c: v / total for c, v in e.items()}


@lru_cache(maxsize=1)
def status_model() -> StatusModel:
    raw = tomllib.loads((MATCH_DATA / "status_model.toml").read_text(encoding="utf-8"))
    return StatusModel(
        {c: {f: float(raw[c][f]) for f in FEATURES} for c in CLASSES}, {c: float(raw[c]["bias"]) for c in CLASSES}
    )


def model_toml(weights: dict[str, dict[str, float]], bias: dict[str, float], note: str) -> str:
    lines = ["# Status model (compare/match/status_model.py), written by benchmarks/calibrate.py.", f"# {note}"]
    for c in CLASSES:
        lines += ["", f"[{c}]", f"bias = {bias[c]:.4f}", *(f"{f} = {weights[c][f]:.4f}" for f in FEATURES)]
    return "\n".join(lines) + "\n"
