"""Quantified targets in policy sentences: 到2025年,非化石能源消费比重达到25%.

A target has a year (or period), an indicator, a comparator, a value and a unit. Two targets
on the same indicator compare as stricter / equal / laxer, using the comparator's direction:
for 达到/提高/不低于/以上/下降 a larger value is stricter, for 以内/以下/不高于/控制在 a smaller one;
an earlier year is stricter.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Literal

from jtcompare.match.lexicon import words
from jtcompare.match.results import Direction, Target
from jtcompare.match.settings import Settings
from jtcompare.match.tokens import match_tokens
from jtcompare.text.numerals import CHARS as CN
from jtcompare.text.numerals import cn_to_int
from jtcompare.text.tokens import canonical
from rapidfuzz import fuzz

CN_NO_WAN = CN.replace("万", "")  # 三十万千瓦 is 三十 + 万千瓦


UNITS = (
    "个百分点|%|‰|万亿元|亿元|万元|元|亿立方米|万立方米|立方米|万平方米|平方米|万亩|亩|公顷|平方公里|公里|千米"
    "|万千瓦时|亿千瓦时|万千瓦|千瓦|兆瓦|吉瓦|万吨标准煤|万吨标煤|吨标准煤|万吨|亿吨|吨|万辆|辆|万台|台|万个|个|座|家|处|条|艘|项|所|倍|年"
)
_NUMBER = rf"(\d+(?:\.\d+)?|[{CN_NO_WAN}]+(?:点[{CN_NO_WAN}]+)?)"
# a rate keeps its period: 600吨/日 is not 600吨
_TARGET = re.compile(rf"{_NUMBER}\s*((?:{UNITS})(?:/(?:年|日|天))?)(以上|以内|以下|左右|及以上)?")
_YEAR = re.compile(r"(?<![较比])(?:到|至|在)?(20\d{2})年(?:前|底|末|内)?")
_PERIOD = {"十四五": "2025", "十五五": "2030", "十三五": "2020"}
_UP_WORDS = (
    "保持在",
    "稳定在",
    "达到",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增加到",
    "增至",
    "超过",
    "不低于",
    "不少于",
    "力争达到",
    "达",
)
# 下降至 30% sets a ceiling (less is stricter); 下降 30% sets a reduction (more is stricter)
_DOWN_WORDS = (
    "控制在",
    "不高于",
    "不超过",
    "低于",
    "压减到",
    "压减至",
    "降至",
    "降到",
    "下降至",
    "下降到",
    "降低至",
    "降低到",
    "减少到",
    "减少至",
    "削减至",
    "削减到",
)
_REDUCE_WORDS = ("下降", "降低", "减少", "削减", "压减")
# words around an indicator that say who acts or how, not what is measured: 全市, 力争, 分别, 执行, 提升 ...
# (建成 only as a verb: 建成区 is a place)
_LEADING_WORDS = (
    r"全市|全省|全国|我市|到|力争|确保|累计|新增|年均|其中|每年|完成|建设|建成(?!区)|新建|实现|推广"
    r"|提升|提高|执行|实施|形成|打造|积极|创建|开展"
)
_TRAILING_WORDS = r"力争|确保|要|将|基本|均|总体|分别|执行|实现|具备|累计建成|建成|累计"
_INDICATOR_LEAD = re.compile(rf"^(?:{_LEADING_WORDS})+")
_INDICATOR_TAIL = re.compile(rf"(?:{_TRAILING_WORDS})+$")
# verbs after which the measured thing follows the number: 执行不低于72%节能标准, 具备5%的尖峰负荷响应能力
_VERB_TAIL = re.compile(r"(?:执行|实现|具备|打造)$")
_CONJUNCTIONS = ("或者", "或", "和", "及", "与", "以及")
_PERIOD_PHRASE = re.compile(r"“?(?:十四五|十五五|十三五)”?(?:规划)?(?:期间|时期|末)")
_BASE_YEAR = re.compile(r"[较比]20\d{2}年(?:基础上)?")
_STOPS = ",，;；:：。、"


def _value(raw: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    if "点" in raw:
        whole, frac = raw.split("点", 1)
        w = cn_to_int(whole)
        digits = [cn_to_int(c) for c in frac]
        if w is None or any(d is None for d in digits):
            return None
        return float(f"{w}." + "".join(str(d) for d in digits))
    n = cn_to_int(raw)
    return float(n) if n is not None else None


@lru_cache(maxsize=2048)  # about the base and one plan: the memo is for one judgement, not a corpus
def extract_targets(sentence: str) -> tuple[Target, ...]:
    """Every quantified target in a sentence, in order, one entry per target.

    `A、B分别提升至15%、20%` gives two targets on the same indicator; with `2025年和2030年` before it,
    each value takes its own year. Remembered per sentence: judging one plan reads the same sentence's targets
    for every measure whose context it is in (a dozen times on average).
    """
    return tuple(_targets(sentence))


def _targets(sentence: str) -> list[Target]:
    out: list[Target] = []
    period = next((_PERIOD[m.group(1)] for m in _PERIOD_RE.finditer(sentence)), None)
    series: list[str] = []  # the years a 分别 sentence lists, handed out in order
    for m in _TARGET.finditer(sentence):
        unit = m.group(2)
        if unit == "年" or _is_year(sentence, m):
            continue
        value = _value(m.group(1))
        if value is None or (not m.group(1).isascii() and unit in ("个", "项", "条", "家")):
            continue  # 一个 / 两项 are words, not targets
        item_start = max(sentence.rfind(p, 0, m.start()) for p in _STOPS) + 1
        left = sentence[item_start : m.start()]
        prev = out[-1] if out else None
        if prev is not None and not left.strip() and sentence[item_start - 1 : item_start] == "、":
            # 15%、20%以上: the same indicator again (分别), the next year of the series
            year = series.pop(0) if series else prev.year
            comparator = _with_suffix(prev.comparator, m.group(3) or "")
            text = f"{prev.text}、{m.group(0)}"
            out.append(replace(prev, comparator=comparator, value=value, year=year, text=text))
            continue
        if _qualifier(left):
            continue
        comparator, direction, raw = _read_left(left, m.group(3) or "")
        indicator, noun = _indicator(raw, sentence[m.end() :])
        if not indicator:
            continue
        year = _year_before(sentence, m.start()) or period
        if "分别" in left:
            series = _year_series(sentence, m.start())
            year = series.pop(0) if series else year
        text = sentence[item_start : m.end() + len(noun)]
        out.append(Target(indicator, comparator, value, unit, direction, year, text))
    return out


_PERIOD_RE = re.compile(r"“?(十四五|十五五|十三五)”?(?:规划)?(?:期间|时期|末)")


def _qualifier(left: str) -> bool:
    """A quantity that describes a thing rather than sets a goal: 机场车辆及3吨以下叉车, 将能耗超过1万吨标准煤的单位."""
    left = left.strip()
    return left.endswith(_CONJUNCTIONS) or left.startswith(("将", "把", "对"))


def _indicator(raw: str, after: str) -> tuple[str, str]:
    """The measured thing, and the words after the number it took, from the words before the number without year,
    period and function words.

    When the words before end in a verb (执行, 具备 ...), the measured thing follows the number:
    新建民用建筑执行不低于72%节能标准 -> 民用建筑节能标准.
    """
    text = _PERIOD_PHRASE.sub("", _BASE_YEAR.sub("", raw)).strip().strip('“”"')
    tail = _INDICATOR_TAIL.search(text)
    removed = tail.group(0) if tail else ""
    core = text[: len(text) - len(removed)]
    verb_last = bool(_VERB_TAIL.search(core) or re.search(r"执行|实现|具备", removed))
    trimmed = _INDICATOR_LEAD.sub("", core)
    if trimmed.startswith(_CONJUNCTIONS):  # 新增或者更新车辆: 新增 is part of the subject here
        trimmed = core
    trimmed = trimmed.strip('“”"')
    noun = _noun_after(after) if verb_last or not trimmed else ""
    return trimmed + noun.removeprefix("的"), noun


def _noun_after(after: str) -> str:
    """The words right after a number up to the next stop: 节能标准 in 72%节能标准."""
    end = min((after.find(p) for p in _STOPS if p in after), default=len(after))
    noun = after[:end]
    return noun if noun.removeprefix("的") and not noun[0].isascii() else ""


def _with_suffix(comparator: str, suffix: str) -> str:
    word = comparator.split("…")[0] if "…" in comparator else comparator
    if not suffix:
        return word
    return f"{word}…{suffix}" if word and word not in ("=", suffix) else suffix


def _year_series(sentence: str, pos: int) -> list[str]:
    """The years listed together just before a 分别 target: 2025年和2030年 -> [2025, 2030]."""
    years = list(_YEAR.finditer(sentence, 0, pos))
    group: list[str] = []
    last_start = pos
    for y in reversed(years):
        if group and not re.fullmatch(r"[和、及与至]?", sentence[y.end() : last_start]):
            break
        group.insert(0, y.group(1))
        last_start = y.start()
    return group if len(group) > 1 else []


def _is_year(sentence: str, m: re.Match[str]) -> bool:
    return bool(re.fullmatch(r"20\d{2}", m.group(1))) and sentence[m.end(1) : m.end(1) + 1] == "年"


def _year_before(sentence: str, pos: int) -> str | None:
    years = [y for y in _YEAR.finditer(sentence, 0, pos) if not sentence[y.end() : y.end() + 2].startswith("基")]
    return years[-1].group(1) if years else None


def _read_left(left: str, suffix: str) -> tuple[str, Direction, str]:
    """Comparator, direction and indicator from the words before the number."""
    left = _YEAR.sub("", left).strip()
    found = [
        (left.rfind(w) + len(w), len(w), w, direction)
        for words, direction in ((_DOWN_WORDS, "down"), (_REDUCE_WORDS, "up"), (_UP_WORDS, "up"))
        for w in words
        if w in left
    ]
    if found:  # the comparator nearest the number wins; at equal end, the longest (不低于 over 低于)
        end, length, word, direction = max(found)
        if suffix in ("以内", "以下"):  # 稳定在0.9‰以下 is a ceiling, whatever verb comes before the number
            direction = "down"
        comp = f"{word}…{suffix}" if suffix else word
        return comp, direction, left[: end - length]  # type: ignore[return-value]
    if suffix in ("以内", "以下"):
        return suffix, "down", left
    return (suffix or "="), "up", left


def indicator_similarity(a: str, b: str, settings: Settings) -> float:
    """How alike two indicator names are, 0..1; above 0 they name the same indicator.

    0 unless the two share at least `indicator_subject_share` of the smaller one's subject words (tokens that
    are not metric words, data/words.toml: 农药利用率 is not 建筑垃圾利用率); else max(ratio, partial_ratio) / 100
    of the canonical names (rapidfuzz), which ranks the candidates. The subject test decides: a threshold on the
    ratio (0.3 to 0.9) or a discount of partial_ratio changed no output on the three city plans
    (benchmarks/sensitivity.py), so neither is kept.
    """
    ca, cb = canonical(a), canonical(b)
    if not ca or not cb:
        return 0.0
    metric = words().metric_words
    wa, wb = set(match_tokens(ca)) - metric, set(match_tokens(cb)) - metric
    if not wa or not wb or len(wa & wb) < settings.indicator_subject_share * min(len(wa), len(wb)):
        return 0.0
    return max(fuzz.ratio(ca, cb), fuzz.partial_ratio(ca, cb)) / 100


Verdict = Literal["stricter", "equal", "laxer", "different"]


def compare_targets(base: Target, plan: Target) -> Verdict:
    """How a plan's target on the same indicator compares with the base's."""
    if base.unit != plan.unit:  # % and 个百分点 are not the same thing either
        return "different"
    sign = 1 if base.direction == "up" else -1
    value = (plan.value - base.value) * sign  # > 0: the plan asks for more
    year = 0 if not (base.year and plan.year) else (int(base.year) - int(plan.year))  # > 0: the plan is earlier
    if value == 0 and year == 0:
        return "equal"
    if value >= 0 and year >= 0:
        return "stricter"
    if value <= 0 and year <= 0:
        return "laxer"
    return "different"  # more but later, or less but sooner: a different milestone, not comparable
