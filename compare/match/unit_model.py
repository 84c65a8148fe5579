"""Whether a plan takes up one action unit of a base measure: covered, weaker (in part, or only softly) or missing,
as a multinomial logistic model learned from unit labels (tests/labels/*/units.csv, calibration part only).

Features of a unit against a plan (match/classify.py: unit_features):

- cover     the share of the unit's key-term weight the plan holds (one sentence, or the measure's best few)
- anchor    1 when the plan holds the unit's rarest key term (条例, 天然林, 污泥), the word that makes it this action
- grams     the IDF-weighted share of the unit's character bigrams that the sentences covering it hold: a reading
            that does not depend on how jieba cuts the words
- sentence  the measure's best sentence score (match/scoring.py)
- topic     how much the clause of the covering sentence is about the measure's clause
- soft      1 when the unit only encourages or frames (研究, 鼓励, 以…为导向)
- items     the share of a 、 list's items the plan holds whole (1 when the unit has no list)
- softer    1 when the unit binds or pushes and its covering sentence only encourages or explores
- semantic  the best cosine of the unit's multilingual-e5-small vector with a comma part of a plan sentence
            (match/semantic.py): paraphrase that shares few words. Only in the `semantic` weights, used when
            vectors are at hand for every text.

P(state) = softmax_s(bias_s + offset_s + sum_f weight_sf * feature_f), and a unit's state is the likeliest one.
The weights and biases are learned from the unit labels. The two offsets (covered's is 0) are fitted apart, on
the status labels of the same calibration measures: a reader who calls a measure adopted does not ask of each of
its comma parts what a unit reader asks, and the offsets move the line between covered, weaker and missing to where
the rule over units (classify.unit_status) best agrees with the readers' statuses. Everything lives in
data/unit_model.toml, written by `python -m benchmarks.fit_units`; inference is this file and the standard library.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from jtcompare.match.lexicon import MATCH_DATA

LEXICAL = ("cover", "anchor", "grams", "sentence", "topic", "soft", "items", "softer")
SEMANTIC = (*LEXICAL, "semantic")
STATES = ("covered", "weaker", "missing")


@dataclass(frozen=True)
class UnitModel:
    features: tuple[str, ...]
    weights: dict[str, dict[str, float]]  # state -> feature -> weight
    bias: dict[str, float]
    offset: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STATES, 0.0))

    def probabilities(self, values: dict[str, float]) -> dict[str, float]:
        z = {
            s: self.bias[s] + self.offset[s] + sum(self.weights[s][f] * values[f] for f in self.features)
            for s in STATES
        }
        top = max(z.values())
        e = {s: math.exp(v - top) for s, v in z.items()}
        total = sum(e.values())
        return {s: v / total for s, v in e.items()}


@lru_cache(maxsize=2)
def unit_model(semantic: bool) -> UnitModel:
    """The fitted model: with the semantic feature when vectors are at hand, else the lexical one."""
    raw = tomllib.loads((MATCH_DATA / "unit_model.toml").read_text(encoding="utf-8"))
    name = "semantic" if semantic else "lexical"
    part = raw[name]
    features = SEMANTIC if semantic else LEXICAL
    return UnitModel(
        features,
        {s: {f: float(part[s][f]) for f in features} for s in STATES},
        {s: float(part[s]["bias"]) for s in STATES},
        {s: float(part.get("offset", {}).get(s, 0.0)) for s in STATES},
    )


def model_toml(models: dict[str, UnitModel], note: str) -> str:
    """The data file for `models` (name -> model), as benchmarks/fit_units.py writes it."""
    lines = ["# Unit model (compare/match/unit_model.py), written by benchmarks/fit_units.py.", f"# {note}"]
    for name, m in models.items():
        for s in STATES:
            weights = (f"{f} = {m.weights[s][f]:.4f}" for f in m.features)
            lines += ["", f"[{name}.{s}]", f"bias = {m.bias[s]:.4f}", *weights]
        lines += ["", f"[{name}.offset]", *(f"{s} = {m.offset[s]:.4f}" for s in STATES if s != "covered")]
    return "\n".join(lines) + "\n"
