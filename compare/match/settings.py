"""Every threshold and weight of the aligner, in one place, with its documented default.

Override them with a TOML file (`--config FILE`, keys as below) or single CLI options.
Defaults were calibrated on tests/labels/measures.csv (see README, "Accuracy").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from jtcompare.errors import BadOption


@dataclass(frozen=True)
class Settings:
    # score(b, p) = idf_weight * IDF-weighted share of b's tokens found in p
    #             + (1 - idf_weight) * rapidfuzz token_set_ratio of the two token strings
    idf_weight: float = 0.6
    # share of the overlap signal taken from character bigrams instead of jieba words
    bigram_weight: float = 0.3
    # IDF is raised to this power: above 1, a measure's rare key terms (污泥, 移动源) outweigh the
    # domain words every sentence shares (碳排放, 协同)
    idf_power: float = 2.0
    # added to the IDF mass of a base measure when computing the share of it found, so that a
    # two-word measure (优化技术路径) is not "fully covered" by any sentence that has those words
    short_penalty: float = 3.0
    # a base measure is taken up when its best plan sentence (or the union of its top matches) scores this
    adopt_threshold: float = 0.5
    # below adopt but at least this: partial
    partial_threshold: float = 0.25
    # status score = (1 - part_weight) * sentence score + part_weight * share of the measure's
    # comma-separated parts covered (a part is covered when part_threshold of its IDF mass is found
    # in one of the part_candidates best plan sentences)
    part_weight: float = 0.3
    part_threshold: float = 0.4
    part_candidates: int = 8
    # how many plan sentences may jointly cover one base measure
    max_matches: int = 3
    # a plan sentence joins the evidence when it scores at least this
    match_floor: float = 0.25
    # bonus for plan sentences in the plan clauses that best match the base measure's clause
    clause_prior: float = 0.05
    # plan clauses ranked this high for a base clause get the prior
    prior_clauses: int = 2
    # score multiplier for plan sentences in framing clauses (指导思想, 基本原则 ...)
    framing_weight: float = 0.6
    # a plan sentence scoring below this against every base measure is a local addition
    local_threshold: float = 0.3
    # a plan clause's best base clause must score at least this, else it has none
    clause_threshold: float = 0.1
    # indicator names this similar (0..1) are the same indicator
    indicator_threshold: float = 0.6


DEFAULTS = Settings()


def load_settings(path: Path | None = None, **overrides: float | None) -> Settings:
    """Defaults, then the TOML file's values, then explicit overrides (None means not given)."""
    settings = DEFAULTS
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadOption(f"{path}: cannot read config ({exc})") from None
        settings = _apply(settings, raw.get("align", raw), str(path))
    return _check(_apply(settings, {k: v for k, v in overrides.items() if v is not None}, "option"))


_SHARES = ("idf_weight", "bigram_weight", "part_weight", "part_threshold", "match_floor", "framing_weight")
_COUNTS = ("max_matches", "part_candidates", "prior_clauses")


def _check(s: Settings) -> Settings:
    """Refuse settings that make the statuses meaningless."""
    if not 0 <= s.partial_threshold <= s.adopt_threshold <= 1:
        raise BadOption(
            f"thresholds must satisfy 0 <= partial ({s.partial_threshold}) <= adopt ({s.adopt_threshold}) <= 1"
        )
    for name in _SHARES:
        if not 0 <= getattr(s, name) <= 1:
            raise BadOption(f"setting '{name}' must be between 0 and 1, not {getattr(s, name)}")
    for name in _COUNTS:
        if getattr(s, name) < 1:
            raise BadOption(f"setting '{name}' must be at least 1, not {getattr(s, name)}")
    return s


def _apply(settings: Settings, values: dict, where: str) -> Settings:
    known = {f.name: f.type for f in fields(Settings)}
    for key, value in values.items():
        if key not in known:
            raise BadOption(f"{where}: unknown setting '{key}'; known: {', '.join(known)}")
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise BadOption(f"{where}: setting '{key}' must be a number")
        if known[key] == "int" and value != int(value):
            raise BadOption(f"{where}: setting '{key}' must be a whole number, not {value}")
        settings = replace(settings, **{key: int(value) if known[key] == "int" else float(value)})
    return settings


def as_dict(settings: Settings) -> dict[str, float]:
    return {f.name: getattr(settings, f.name) for f in fields(settings)}


def as_toml(settings: Settings) -> str:
    """The settings as a config file a user can edit and pass with --config."""
    lines = ["# jtcompare align settings; pass this file with --config FILE", "[align]"]
    lines += [f"{k} = {v}" for k, v in as_dict(settings).items()]
    return "\n".join(lines) + "\n"
