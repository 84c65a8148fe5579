"""Every threshold and weight of the aligner, in one place, with its documented default.

Override them with a TOML file (`--config FILE`, keys as below) or single CLI options.
Defaults were calibrated on the calibration part of the labels, tests/labels/calibration/measures.csv, never
on the held-out part (see README, "Accuracy", and benchmarks/fit_units.py).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from jtcompare.errors import BadOption, Message, detail, message, on_the_command_line, option


@dataclass(frozen=True)
class Settings:
    # --- sentence scores: which plan sentences are candidates for a base measure (match/scoring.py) ---
    # score(b, p) = idf_weight * overlap(b, p) + (1 - idf_weight) * rapidfuzz token_sort_ratio of the two token
    # strings / 100, where overlap = (1 - bigram_weight) * IDF-weighted share of b's words found in p
    #                               + bigram_weight * IDF-weighted share of b's character bigrams found in p
    idf_weight: float = 0.6
    # share of the overlap signal taken from character bigrams instead of jieba words
    bigram_weight: float = 0.3
    # IDF is raised to this power: above 1, a measure's rare key terms (污泥, 移动源) outweigh the
    # domain words every sentence shares (碳排放, 协同)
    idf_power: float = 2.0
    # added to the IDF mass of a base measure when computing the share of it found, so that a
    # two-word measure (优化技术路径) is not "fully covered" by any sentence that has those words
    short_penalty: float = 3.0
    # --- statuses from action units (match/units.py, match/classify.py) ---
    # a unit's coverage = IDF**idf_power-weighted share of its key terms held by its best plan sentence, or by
    # the measure's max_matches best-scoring sentences (those scoring >= match_floor) together; the unit model
    # (match/unit_model.py) reads it beside other features and calls the unit covered, weaker or missing.
    # unit_threshold: a plan sentence holding this share of a unit by itself rewords it (no local addition),
    # and answers a tentative base action firmly; at unit_partial a unit's best sentence is cited as evidence
    unit_threshold: float = 0.65
    unit_partial: float = 0.35
    # a judgement's confidence is the least sure of its key units' calls (the unit model's probability of the
    # state it gave, match/unit_model.py); below check_below the cell is flagged for an analyst to check (?).
    # Chosen on the calibration measures as the highest value that leaves well over half the cells (55%) unflagged:
    # at 0.6, 58% of them, right 0.80 of the time; flagged cells were right 0.58 (benchmarks/RESULTS.md).
    check_below: float = 0.6
    # 1: the unit model also reads how close in meaning the plan's nearest text is (match/semantic.py: vectors of
    # multilingual-e5-small; the shipped plans ship theirs, other plans need `pip install 'jtcompare[semantic]'`).
    # Off by default: on the held-out measures it raises unit accuracy (0.732 -> 0.811) but not the status
    # figures (four-way 0.580 -> 0.513; it raises precision of adopted 0.69 -> 0.78 and partial recall 0.48 -> 0.56)
    semantic: int = 0
    # a key term counts as held by a plan sentence when held() gives it at least this: whole, or a compound found
    # through enough of its sub-words (match/units.py:held)
    term_found: float = 0.5
    # a compound term found only through its sub-words earns part_credit x the IDF-weighted share of its
    # sub-words present, when that share is at least sub_word_share (碳排放权交易管理暂行条例 without 条例: 0)
    part_credit: float = 0.7
    sub_word_share: float = 0.5
    # how many best-scoring plan sentences may together cover one unit
    max_matches: int = 3
    # a plan sentence is a candidate for that union when it scores at least this
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
    # clause similarity = IDF cosine of the clauses' token bags, the title's tokens counted this many times
    clause_title_weight: float = 2.0
    # a plan clause titled like a base clause (rapidfuzz ratio of the titles at least this, 0-100) maps to it
    # whatever its body says: on the clause labels all 22 identical titles and all 9 at 80-99 (加强/强化生态环境
    # 分区管控, 高效能推进工业领域协同增效) name the labelled clause; below 80 titles mislead (推动交通运输体系
    # 绿色低碳转型 ~ 推动能源绿色低碳转型, 67); 100 maps identical titles only
    clause_title_match: float = 80.0
    # a plan clause titled unlike every base clause maps to the base clause k maximising
    #   clause_sim[k] / (its best clause_sim) + clause_vote_weight * votes[k],
    # votes[k] = sum, over the clause's sentences whose best sentence score reaches match_floor and whose best base
    # measure lies in k, of (that score - match_floor); it has none when that k's clause_sim is below
    # clause_threshold and no sentence votes for it. On the clause labels chengdu maps 30 of 40 at 0 to 0.7 (29
    # before votes), 32 at 0.8 to 1.5 (循环经济 -> N16, 农村用能 -> N11), 31 at 1.6 to 2.5 (技术攻关 -> N08);
    # chongqing (27/28) holds below 1.9, wuhan (25/27) below 4. Leave-one-city-out, the weight taken as
    # the middle of the other two cities' best plateau: 0.964 / 0.926 / 0.800, as in-sample (chengdu's
    # figure rests on that choice: the other two cities tie from 0 to 1.8)
    clause_vote_weight: float = 1.0
    # how many most similar plan clauses a base clause lists (those scoring >= clause_threshold)
    clause_matches: int = 3
    # a base clause is adopted when adopted + strengthened measures make at least this share of its applicable
    # measures (two thirds), omitted when all are omitted, else partial
    clause_taken_share: float = 0.66
    # --- targets (match/targets.py, match/classify.py) ---
    # two indicator names are the same indicator when they share this share of the smaller one's subject words
    # (words that are not metric words, match/data/words.toml): two thirds
    indicator_subject_share: float = 0.66
    # a plan target in a covering sentence counts as added to a covered unit when its indicator names one of the
    # unit's key terms or has this share of its character bigrams in the unit's text (a third)
    own_words_covering: float = 0.33
    # a key term is specific enough to name a target's subject (strength.py: an added target) when at most this
    # many base sentences hold it: its weight is at least (ln((n + 1) / (this + 1)) + 1) ** idf_power over the
    # base's n sentences (16.9 of the 28.8 of a term one sentence holds). On the calibration rows the named
    # terms of the targets the labels call added are held by 1-6 base sentences (秸秆, 污泥, 非化石能源, 工业), those
    # of the targets they do not by 8 or more (建筑 of 装配式建筑 30%, 城市, 生活, 排放)
    target_subject_sentences: int = 6


DEFAULTS = Settings()


def _reason(exc: Exception) -> str:
    """The system's reason alone for a file that cannot be opened ("No such file or directory", not the errno and
    the path again: the line names the file); a parser's complaint as it is."""
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def load_settings(path: Path | None = None, **overrides: float | None) -> Settings:
    """Defaults, then the TOML file's values, then explicit overrides (None means not given)."""
    settings = DEFAULTS
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # TOMLDecodeError, UnicodeDecodeError, an int of 5000 digits
            said = message("error.config_unreadable", path=path, reason=detail(exc, _reason(exc)))
            raise BadOption(f"{path}: cannot read config ({_reason(exc)})", said) from None
        settings = _apply(settings, raw.get("align", raw), str(path))
        try:  # a config file must make sense on its own; say which file does not
            _check(settings)
        except BadOption as exc:
            raise BadOption(f"{path}: {exc}", message("error.in_file", path=path, text=exc.said)) from None
    return _check(_apply(settings, {k: v for k, v in overrides.items() if v is not None}, "option"))


_SHARES = (
    "idf_weight",
    "bigram_weight",
    "unit_threshold",
    "unit_partial",
    "check_below",
    "match_floor",
    "framing_weight",
    "term_found",
    "part_credit",
    "sub_word_share",
    "clause_taken_share",
    "indicator_subject_share",
    "own_words_covering",
    # scores and similarities, which run from 0 to 1
    "clause_prior",
    "local_threshold",
    "clause_threshold",
)
_COUNTS = ("max_matches", "prior_clauses", "clause_matches", "target_subject_sentences")
# the allowed range of every setting, inclusive. Beyond the shares and counts, bounds that keep the arithmetic
# finite: IDF (at most about 7 over a plan) raised to idf_power stays well inside float32, and a weight or a
# penalty far past its bound already decides as it would at the bound
_RANGES: dict[str, tuple[float, float]] = {
    **dict.fromkeys(_SHARES, (0.0, 1.0)),
    **dict.fromkeys(_COUNTS, (1, 1000)),
    "semantic": (0, 1),
    "idf_power": (0.0, 10.0),
    "short_penalty": (0.0, 1000.0),
    "clause_title_weight": (0.0, 100.0),
    "clause_title_match": (0.0, 100.0),
    "clause_vote_weight": (0.0, 100.0),
}


def _range_said(name: str) -> Message:
    """`_range` as a Message, for the error that names it."""
    low, high = _RANGES[name]
    if name == "semantic":
        return message("error.range.switch")
    return message("error.range.count" if name in _COUNTS else "error.range.between", low=f"{low:g}", high=f"{high:g}")


def _out_of_range(at: str | None, name: str, value: object) -> BadOption:
    text = f"setting '{name}' must be {_range(name)}, not {_shown(value)}"
    said = message("error.setting_range", name=name, range=_range_said(name), value=_shown(value))
    return BadOption(f"{at}: {text}", message("error.in_file", path=at, text=said)) if at else BadOption(text, said)


def _range(name: str) -> str:
    low, high = _RANGES[name]
    if name == "semantic":
        return "0 (off) or 1 (on)"
    if name in _COUNTS:
        return f"a whole number from {low:g} to {high:g}"
    return f"between {low:g} and {high:g}"


def _shown(value: object) -> str:
    """A refused value as the message shows it: a string quoted, an absurdly long number cut short."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 24 else f"{text[:20]}… ({len(text)} characters)"


def _check(s: Settings) -> Settings:
    """Refuse settings that make the statuses meaningless, or the arithmetic overflow: each names its range."""
    for name, (low, high) in _RANGES.items():
        value = getattr(s, name)
        if not low <= value <= high:  # NaN too
            raise _out_of_range(None, name, value)
    if s.unit_partial > s.unit_threshold:
        raise BadOption(
            f"unit_partial ({s.unit_partial}) must not exceed unit_threshold ({s.unit_threshold})",
            message("error.partial_over_threshold", partial=s.unit_partial, threshold=s.unit_threshold),
        )
    return s


# settings that changed no output on the three city plans at any value tried (benchmarks/sensitivity.py)
_REMOVED = {
    "indicator_threshold": "the subject-word test (indicator_subject_share) decides whether two indicators match",
    **dict.fromkeys(
        ("adopt_threshold", "partial_threshold", "partial_unit_floor", "enumeration_share", "soft_weight"),
        "a status is now a rule over the action units' calls (covered, weaker, missing) of the unit model "
        "(compare/match/unit_model.py); check_below sets which cells are flagged",
    ),
}


def _apply(settings: Settings, values: object, where: str) -> Settings:
    """`values` over `settings`; `where` is the config file, or "option" for single CLI options."""
    if not isinstance(values, dict):
        raise BadOption(
            f"{where}: [align] must be a table of settings, e.g. check_below = 0.5",
            message("error.align_not_table", path=where),
        )
    known = {f.name: f.type for f in fields(Settings)}
    for key, value in values.items():
        if key in _REMOVED:
            why = message(
                "error.removed_why", en=_REMOVED[key], zh=message(f"error.removed.{key == 'indicator_threshold'}")
            )
            raise BadOption(
                f"{where}: setting '{key}' was removed: {_REMOVED[key]}; delete it from your config",
                message("error.setting_removed", path=where, setting=key, why=why),
            )
        if key not in known:
            raise BadOption(
                f"{where}: unknown setting '{key}'; known: {', '.join(known)}",
                message("error.unknown_setting", path=where, setting=key, known=list(known)),
            )
        # a value given as an option is named as the reader gave it: --check-below, or (Python) by the setting's name
        at = (option(key) if on_the_command_line() else None) if where == "option" else where
        low, high = _RANGES[key]
        # a string, nan, inf (1e309 in TOML) or an integer past any float (10**400) is refused before it is
        # converted or reaches the arithmetic
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not (isinstance(value, int) or math.isfinite(value)) or not low <= value <= high:
            raise _out_of_range(at, key, value)
        if known[key] == "int" and value != int(value):
            raise _out_of_range(at, key, value)
        settings = replace(settings, **{key: int(value) if known[key] == "int" else float(value)})
    return settings


def as_dict(settings: Settings) -> dict[str, float]:
    return {f.name: getattr(settings, f.name) for f in fields(settings)}
