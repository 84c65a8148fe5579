"""Quantified targets in policy sentences: 到2025年,非化石能源消费比重达到25%.

A target has a year (or period), an indicator, a comparator, a value and a unit. Two targets
on the same indicator compare as stricter / equal / laxer, using the comparator's direction:
for 达到/提高/不低于/以上/下降 a larger value is stricter, for 以内/以下/不高于/控制在 a smaller one;
an earlier year is stricter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from jtcompare.text.numerals import CHARS as CN
from jtcompare.text.numerals import cn_to_int
from rapidfuzz import fuzz

CN_NO_WAN = CN.replace("万", "")  # 三十万千瓦 is 三十 + 万千瓦

Direction = Literal["up", "down"]  # up: more is stricter; down: less is stricter

UNITS = (
    "个百分点|%|‰|万亿元|亿元|万元|元|亿立方米|万立方米|立方米|万平方米|平方米|万亩|亩|公顷|平方公里|公里|千米"
    "|万千瓦时|亿千瓦时|万千瓦|千瓦|兆瓦|吉瓦|万吨标准煤|万吨标煤|吨标准煤|万吨|亿吨|吨|万辆|辆|万台|台|万个|个|座|家|处|条|艘|项|所|倍|年"
)
_NUMBER = rf"(\d+(?:\.\d+)?|[{CN_NO_WAN}]+(?:点[{CN_NO_WAN}]+)?)"
_TARGET = re.compile(rf"{_NUMBER}\s*({UNITS})(以上|以内|以下|左右|及以上)?")
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
_DOWN_WORDS = ("控制在", "不高于", "不超过", "低于", "压减到", "压减至", "降至", "降到", "减少到")
_REDUCE_WORDS = ("下降", "降低", "减少", "削减", "压减")
_INDICATOR_TRIM = re.compile(
    r"^(?:全市|全省|全国|我市|到|力争|确保|累计|新增|年均|其中|每年|完成|建设|建成|新建|实现|推广)+|(?:力争|确保|要|将|基本|均|总体)+$"
)


@dataclass(frozen=True)
class Target:
    indicator: str
    comparator: str
    value: float
    unit: str
    direction: Direction
    year: str | None
    text: str  # the words the target was read from

    def describe(self) -> str:
        year = f"{self.year}: " if self.year else ""
        value = f"{self.value:g}"
        return f"{year}{self.indicator} {self.comparator} {value}{self.unit}".strip()


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


def extract_targets(sentence: str) -> list[Target]:
    """Every quantified target in a sentence, in order."""
    out: list[Target] = []
    year = None
    for m in _PERIOD_RE.finditer(sentence):
        year = _PERIOD[m.group(1)]
        break
    for m in _TARGET.finditer(sentence):
        unit = m.group(2)
        if unit == "年" or _is_year(sentence, m):
            continue
        value = _value(m.group(1))
        if value is None or (not m.group(1).isascii() and unit in ("个", "项", "条", "家")):
            continue  # 一个 / 两项 are words, not targets
        clause_start = max(sentence.rfind(p, 0, m.start()) for p in ",;:。、") + 1
        left = sentence[clause_start : m.start()]
        comparator, direction, indicator = _read_left(left, m.group(3) or "")
        y = _year_before(sentence, m.start()) or year
        indicator = _INDICATOR_TRIM.sub("", re.sub(r"[较比]20\d{2}年(?:基础上)?", "", indicator)).strip('“”"')
        if not indicator:
            continue
        out.append(Target(indicator, comparator, value, unit, direction, y, sentence[clause_start : m.end()]))
    return out


_PERIOD_RE = re.compile(r"“?(十四五|十五五|十三五)”?(?:期间|时期|末)")


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
        comp = f"{word}…{suffix}" if suffix else word
        return comp, direction, left[: end - length]  # type: ignore[return-value]
    if suffix in ("以内", "以下"):
        return suffix, "down", left
    return (suffix or "="), "up", left


def indicator_similarity(a: str, b: str) -> float:
    """How likely two indicator names mean the same thing, 0..1."""
    from jtcompare.match.scoring import match_tokens
    from jtcompare.text.tokens import canonical

    ca, cb = canonical(a), canonical(b)
    if not ca or not cb:
        return 0.0
    # the subject must be shared, not just the measure word: 农药利用率 is not 建筑垃圾利用率
    wa, wb = set(match_tokens(ca)) - _METRIC_WORDS, set(match_tokens(cb)) - _METRIC_WORDS
    if not wa or not wb or len(wa & wb) * 3 < 2 * min(len(wa), len(wb)):
        return 0.0
    return max(fuzz.ratio(ca, cb), fuzz.partial_ratio(ca, cb) * 0.9) / 100


# words that say how something is measured, not what: two indicators sharing only these differ
_METRIC_WORDS = frozenset(
    [
        "利用率",
        "利用",
        "比重",
        "占比",
        "比例",
        "浓度",
        "总量",
        "面积",
        "数量",
        "水平",
        "覆盖率",
        "覆盖",
        "增加值",
        "单位",
        "消费",
        "规模",
        "能力",
        "强度",
        "达标率",
        "达到",
    ]
)


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
