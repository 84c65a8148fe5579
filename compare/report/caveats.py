"""Warnings a reader needs before quoting a coverage figure: the plan is of another kind than the base
(碳达峰 vs 减污降碳), it has no issue date, it is much shorter than the base, or some national measures do not
apply to it (bound to regions outside its province, or only the central government's to carry out).

"成都 only 37%" beside two 减污降碳 plans would mislead: chengdu's is a 碳达峰实施方案 without a date.
Every report (Summary sheet, Markdown, terminal, brief) shows the same caveats, computed here once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from string import Formatter

from jtcompare.match.results import CENTRAL_ONLY, Alignment
from jtcompare.plans.model import Plan
from jtcompare.report.i18n import Lang, label

# a plan whose measure text is under this share of the base's is "much shorter"
SHORT_SHARE = 0.5


@dataclass(frozen=True)
class Caveat:
    code: str  # kind | no_date | short (JSON and CSV carry the code)
    plan: str
    values: dict[str, str] = field(default_factory=dict, compare=False)

    def text(self, lang: Lang, name: str | None = None) -> str:
        """In `lang`, the plan called `name` (a table's name for it, 武汉市（w2） where two share 武汉市)."""
        values = {**_in_lang(self.values, lang), "name": name or self.values["name"]}
        return label(f"caveat.{self.code}", lang).format(**values)

    def short(self, lang: Lang) -> str:
        return label(f"caveat.{self.code}_short", lang)


def caveats(a: Alignment) -> list[Caveat]:
    """The caveats of one plan against its base, in a fixed order."""
    plan, base = a.plan, a.base
    values = {"name": plan.meta.name, "kind": plan.meta.kind, "base_kind": base.meta.kind}
    out = []
    if _kind(plan.meta.kind) != _kind(base.meta.kind):
        out.append(Caveat("kind", plan.id, values))
    if not plan.meta.date:
        out.append(Caveat("no_date", plan.id, values))
    share = text_share(plan, base)
    if share < SHORT_SHARE:
        out.append(Caveat("short", plan.id, {**values, "ratio": f"{share:.0%}"}))
    bound = [m for m in a.measures if m.role == "action" and m.status == "not_applicable"]
    if bound:
        central = [m.measure.id for m in bound if m.region == CENTRAL_ONLY]
        regional = [m.measure.id for m in bound if m.region != CENTRAL_ONLY]
        listed = {"n": str(len(bound)), "regional": "、".join(regional) or "-", "central": "、".join(central) or "-"}
        out.append(Caveat("not_applicable", plan.id, {**values, **listed}))
    return out


def _in_lang(values: dict[str, str], lang: Lang) -> dict[str, str]:
    """Lists of measure ids joined as the language joins them (、 in Chinese, commas in English); an empty one
    ("-") said as none (无), not as a dash after "bound to regions outside its province"."""
    out = dict(values)
    for k in ("regional", "central"):
        if k in out:
            out[k] = label("word.none", lang) if out[k] == "-" else out[k].replace("、", "、" if lang == "zh" else ", ")
    return out


def said_once(found: Sequence[Caveat], plans: int, lang: Lang, names: Mapping[str, str] | None = None) -> list[str]:
    """The caveats of several plans as a matrix prints them: one that says the same of several plans (the same
    national measures not applying to each) is said once, naming them, or `every plan` when all `plans` share it;
    in the order each was first found. `names`: plan id -> the name the table shows (vocab.distinct_names), so
    that a note names two versions of one city's plan apart as the rows do."""
    names = names or {}
    groups: dict[tuple, list[Caveat]] = {}
    for c in found:
        groups.setdefault(said_of(c), []).append(c)
    return [
        group[0].text(lang, names.get(group[0].plan))
        if len(group) == 1
        else _many(group, len(group) == plans, lang, names)
        for group in groups.values()
    ]


def alike(found: Sequence[Caveat], plans: int) -> set[tuple]:
    """What every one of `plans` plans' caveats says alike (said_of keys; none for one plan): said once, for every
    plan, it marks none of them apart."""
    if plans < 2:
        return set()
    return {k for k, n in Counter(said_of(c) for c in found).items() if n == plans}


def apart(rows: Sequence[dict], found: Sequence[Caveat]) -> list[dict]:
    """Summary rows whose caveat codes leave out what every plan has alike (`found`, said once under the table):
    the column marks what sets a plan apart, in the terminal, the Markdown and the workbook alike."""
    shared = alike(found, len(rows))
    same = {c.code for c in found if said_of(c) in shared}
    return [
        {**r, "caveats": ";".join(c for c in str(r.get("caveats") or "").split(";") if c and c not in same)}
        for r in rows
    ]


def said_of(c: Caveat) -> tuple:
    """What a caveat says, the plan's name left out: two plans' caveats that say the same are said once."""
    return (c.code, *sorted((k, c.values[k]) for k in _fields(f"caveat.{c.code}") if k != "name"))


@cache
def _fields(key: str) -> frozenset[str]:
    return frozenset(f for _, f, _, _ in Formatter().parse(label(key, "en")) if f)


def _many(group: list[Caveat], every: bool, lang: Lang, shown: Mapping[str, str]) -> str:
    names = [shown.get(c.plan, c.values["name"]) for c in group]
    listed = "、".join(names) if lang == "zh" else ", ".join(names[:-1]) + " and " + names[-1]
    who = label("caveat.every_plan", lang) if every else label("caveat.plans", lang).format(names=listed)
    return label(f"caveat.{group[0].code}_many", lang).format(**{**_in_lang(group[0].values, lang), "names": who})


def text_share(plan: Plan, base: Plan) -> float:
    """The plan's measure text as a share of the base's (characters)."""
    base_len = sum(len(m.text) for m in base.measures)
    return sum(len(m.text) for m in plan.measures) / base_len if base_len else 1.0


def _kind(kind: str) -> str:
    return kind.strip().removesuffix("实施方案").removesuffix("方案")


def codes(a: Alignment) -> str:
    """The caveat codes of a plan as one CSV cell: 'kind;no_date' (a list in JSON: records.json_summary)."""
    return ";".join(c.code for c in caveats(a))


def short_words(cell: str, lang: Lang) -> str:
    """A codes cell as words for a table: 'kind;no_date' -> 类型不同、无日期."""
    parts = [label(f"caveat.{c}_short", lang) for c in cell.split(";") if c]
    return ("、" if lang == "zh" else ", ").join(parts)
