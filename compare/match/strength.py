"""Whether a plan that takes a base measure up goes further, or less far: strengthened, weakened, or adopted.

Read once the status model has said the measure is taken up (classify.py), from the sentences that take its
units up (`chosen`), the rest of the best one's clause and the plan's targets section (主要目标):

stricter        a target on the same indicator that asks for more or sooner (targets.py: compare_targets)
added           a quantified target, or a dated goal, on a covered unit's own subject where the base has none
firmer          a tentative base action (研究, 探索, 鼓励) answered with a firm one (纳入, 实行, 载入)
weakened        a laxer target, 严禁 made 鼓励, 大力发展 made 稳妥推进: taken up in part
                (and a base target with no counterpart at all: the number is part of what the measure asks)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from jtcompare.match import units as unit_mod
from jtcompare.match.lexicon import concepts, obligation_levels, words
from jtcompare.match.scoring import Sentence, clause_role
from jtcompare.match.settings import Settings
from jtcompare.match.targets import Target, compare_targets, extract_targets, indicator_similarity
from jtcompare.match.units import UnitResult
from jtcompare.plans.model import Measure
from jtcompare.text.tokens import canonical

Taken = Literal["adopted", "strengthened", "partial"]


@dataclass(frozen=True)
class TargetPair:
    """A plan target set beside the base target it was compared with (None: the base has none)."""

    base: Target | None
    plan: Target
    plan_measure: str
    verdict: str  # stricter | equal | laxer | added


def obligation(text: str) -> tuple[set[str], set[str]]:
    """The binding (level 3) and soft (level 1) obligation words in a sentence."""
    levels = obligation_levels()
    strong = {w for w, lv in levels.items() if lv == 3 and w in text}
    soft = {w for w, lv in levels.items() if lv == 1 and w in text}
    return strong, soft


@dataclass(frozen=True)
class Taking:
    """One base measure as a plan takes it up: what the rules below read."""

    sentence: Sentence  # the base measure
    targets: tuple[Target, ...]  # its quantified targets
    units: tuple[unit_mod.Unit, ...]
    results: list[UnitResult]  # each unit's coverage, in the order of `units`
    chosen: list[Sentence]  # the plan sentences that take its units up, the best first
    goals: list[Sentence]  # the plan's targets section (主要目标)

    def covered(self) -> list[tuple[unit_mod.Unit, UnitResult]]:
        return [(u, r) for u, r in zip(self.units, self.results, strict=True) if r.covered]


def taken_up(
    taking: Taking, settings: Settings, base_targets: list[Target], base_text: str
) -> tuple[Taken, list[str], bool, list[TargetPair]]:
    """Adopted, or strengthened / weakened by targets and obligation words; with the target pairs compared.
    `base_targets`: every target the base sets; `base_text`: every base sentence, canonical, joined."""
    targets = taking.targets
    context = _context(taking.chosen, taking.goals)
    pairs = _compare_targets(targets, context, settings)
    by = {v: [p for p in pairs if p.verdict == v] for v in ("stricter", "laxer", "equal")}
    if by["laxer"] and not by["stricter"]:
        return "partial", [f"weakened: laxer target {_pair(by['laxer'][0])}"], True, pairs
    if by["stricter"]:
        return "strengthened", [f"stricter target {_pair(by['stricter'][0])}"], False, pairs
    if targets and not _any_counterpart(targets, context, settings):
        # the number is part of what the measure asks: taking up the action without it is taking it up in part
        return "partial", [f"target not taken up: {targets[0].describe()}"], False, pairs
    notes = [f"same target {_pair(by['equal'][0])}"] if by["equal"] else []
    if softened := _softened(taking.sentence, taking.chosen):
        return "partial", [*notes, softened], True, pairs
    if not targets:
        added = _added_target(taking, settings, base_targets)
        if added:
            note = f"adds a quantified target: {added.plan.describe()} (base has none)"
            return "strengthened", [*notes, note], False, [*pairs, added]
        if dated := _dated_goal(taking, base_text):
            return "strengthened", [*notes, dated], False, pairs
    if firmer := _firmer(taking, settings.unit_threshold):
        return "strengthened", [*notes, firmer], False, pairs
    return "adopted", notes, False, pairs


def _softened(sentence: Sentence, chosen: list[Sentence]) -> str | None:
    """严禁 made 鼓励: the base binds (a level-3 word of obligation.txt, not one of words.toml's weak_binding),
    the best covering sentence does not bind and only encourages. 大力发展 made 稳妥推进: the base pushes, the
    best covering sentence only tempers (words.toml's pushing and tempering words)."""
    if not chosen:
        return None
    w, base_text, plan_text = words(), sentence.measure.text, chosen[0].measure.text
    b_strong, _ = obligation(base_text)
    p_strong, p_soft = obligation(plan_text)
    if (b_strong - w.weak_binding) and not (p_strong - w.weak_binding) and p_soft:
        return f"weakened: {'/'.join(sorted(b_strong))} -> {'/'.join(sorted(p_soft))}"
    pushed = [x for x in w.pushing if x in base_text]
    tempered = [x for x in w.tempering if x in plan_text and x not in base_text]
    if pushed and tempered and not any(x in plan_text for x in pushed):
        return f"weakened: {'/'.join(pushed)} -> {'/'.join(tempered)}"
    return None


def _firmer(taking: Taking, threshold: float) -> str | None:
    """A tentative base action (研究, 探索, 鼓励) that a covering action sentence, holding the unit's key terms,
    answers with a firm one (纳入, 实行, 载入) and no tentative word of its own."""
    for unit, _ in taking.covered():
        tentative = [w for w in words().tentative if w in unit.text]
        if not tentative or any(w in unit.text for w in concepts().firm_words):
            continue
        for s in taking.chosen:
            text = s.measure.text
            firm = [w for w in concepts().firm_words if w in text]
            if not firm or any(w in text for w in words().tentative) or clause_role(s.clause) != "action":
                continue
            held = sum(t.weight for t in unit.terms if t.text in canonical(text))
            if held >= threshold * unit.mass:
                return f"firmer action: {'/'.join(tentative)} -> {'/'.join(firm)} ({s.measure.id})"
    return None


def _added_target(taking: Taking, settings: Settings, base_targets: list[Target]) -> TargetPair | None:
    """A quantified target on the subject of a covered unit, where the base sets none.

    In a covering sentence the target's indicator must name the unit's subject (hold one of its key terms, or
    have `own_words_covering` of its character bigrams in the unit's text); in the covering sentences' clauses
    it must hold one of the unit's two heaviest key terms; in the plan's targets section (主要目标) it must hold
    the unit's anchor (three characters or more).
    So a vehicle target in a ship sentence, or the neighbouring measure's
    装配式建筑 30%, is no target of this measure.
    """
    covered, chosen = taking.covered(), taking.chosen
    if not covered:
        return None
    own = {t for u, _ in covered for t in u.words if len(t) >= 2}
    heads = {t for u, _ in covered for t in _heaviest(u, 2)}
    anchors = {u.words[u.anchor] for u, _ in covered}
    covering = {s.measure.id for s in chosen}
    clauses = {s.clause.id for s in chosen}
    places = [(s.measure, "covering") for s in chosen]
    places += [(m, "clause") for s in chosen for m in s.clause.measures if m.id not in covering]
    places += [(g.measure, "goals") for g in taking.goals if g.clause.id not in clauses]
    seen: set[str] = set()
    for m, where in places:
        if m.id in seen:
            continue
        seen.add(m.id)
        for t in extract_targets(m.text):
            similar = (indicator_similarity(b.indicator, t.indicator, settings) for b in base_targets)
            if any(s > 0 for s in similar):
                continue  # a target the base sets anywhere is not one "where the base has none"
            indicator = canonical(t.indicator)
            names = {w for w in own if w in indicator}
            if where == "covering":
                ok = bool(names) or any(_share_in(indicator, u.text) >= settings.own_words_covering for u, _ in covered)
            elif where == "clause":
                ok = bool(names & heads)
            else:
                ok = any(len(n) >= 3 for n in names & anchors)
            if ok:
                return TargetPair(None, t, m.id, "added")
    return None


def _heaviest(unit: unit_mod.Unit, k: int) -> list[str]:
    return [t.text for t in sorted(unit.terms, key=lambda t: -t.weight)[:k]]


def _share_in(indicator: str, text: str) -> float:
    grams = {indicator[k : k + 2] for k in range(len(indicator) - 1)}
    return sum(g in text for g in grams) / len(grams) if grams else 0.0


_YEAR = re.compile(r"(?:到|至|在)?(20\d{2})年(?:底|前|末|之前)?[,,]?")


def _dated_goal(taking: Taking, base_text: str) -> str | None:
    """A dated goal the base does not set: the sentence that takes a unit up says by when it will be done
    (到2025年…快递包装基本实现绿色转型, 至2023年底实现原生生活垃圾零填埋, 到2025年…园区实现循环化改造全覆盖)
    and the goal, the words after the year up to the sentence's end, names that unit's key term and says
    something is achieved (words.toml's goal_verbs), not merely under way. The base measure names no year."""
    if _YEAR.search(taking.sentence.measure.text):
        return None
    by_id = {s.measure.id: s for s in taking.chosen}
    for unit, result in taking.covered():
        s = by_id.get(result.by or "")
        if s is None or clause_role(s.clause) != "action":
            continue
        own = [t for t in unit.words if len(t) >= 2]
        text = canonical(s.measure.text)
        for m in _YEAR.finditer(text):
            goal = re.split(r"[。;;]", text[m.end() :], maxsplit=1)[0]
            if goal in base_text:  # the base sets this goal elsewhere: not one "the base does not set"
                continue
            if any(v in goal for v in words().goal_verbs) and (named := [t for t in own if t in goal]):
                return f"adds a dated goal: {m.group(1)}: {clip(goal, 40)} ({s.measure.id}, on {named[0]})"
    return None


def _compare_targets(targets: tuple[Target, ...], context: list[Measure], settings: Settings) -> list[TargetPair]:
    """Each base target beside the one plan target most like it (not every target around)."""
    pairs: list[TargetPair] = []
    found = [(t, sentence.id) for sentence in context for t in extract_targets(sentence.text)]
    for base_t in targets:
        ranked = sorted(
            (indicator_similarity(base_t.indicator, t.indicator, settings), k) for k, (t, _) in enumerate(found)
        )
        if ranked and ranked[-1][0] > 0:
            plan_t, mid = found[ranked[-1][1]]
            verdict = compare_targets(base_t, plan_t)
            if verdict != "different":
                pairs.append(TargetPair(base_t, plan_t, mid, verdict))
    return pairs


def weakened_in_part(taking: Taking, settings: Settings) -> tuple[list[str], bool, list[TargetPair]]:
    """For a measure taken up in part: its targets beside the plan's, and a note when the plan's is laxer."""
    pairs = _compare_targets(taking.targets, _context(taking.chosen, taking.goals), settings)
    if laxer := [p for p in pairs if p.verdict == "laxer"]:
        return [f"weakened: laxer target {_pair(laxer[0])}"], True, pairs
    return [], False, pairs


def _any_counterpart(targets: tuple[Target, ...], context: list[Measure], settings: Settings) -> bool:
    """Whether the plan sets any target (of any value or year) on the indicator of one of the base's targets."""
    found = [t for m in context for t in extract_targets(m.text)]
    return any(indicator_similarity(b.indicator, t.indicator, settings) > 0 for b in targets for t in found)


def _pair(p: TargetPair) -> str:
    return f"{p.plan.describe()} vs {p.base.describe() if p.base else 'none'}"


def _context(chosen: list[Sentence], goals: list[Sentence]) -> list[Measure]:
    """Where a plan's counterpart of a base target can stand: the covering sentences, the rest of the best one's
    clause, and the plan's own targets section (主要目标), where cities gather their numbers."""
    if not chosen:
        return []
    seen = {u.measure.id for u in chosen}
    rest = [m for m in chosen[0].clause.measures if m.id not in seen]
    seen |= {m.id for m in rest}
    return [u.measure for u in chosen] + rest + [g.measure for g in goals if g.measure.id not in seen]


def goal_sentences(plan_sentences: list[Sentence]) -> list[Sentence]:
    """The sentences of the plan's targets section (主要目标, or 总体要求 holding the targets: data/words.toml)."""
    return [s for s in plan_sentences if any(g in s.clause.title for g in words().goal_titles)]


def clip(text: str, limit: int = 30) -> str:
    text = text.strip(",;:。")
    return text if len(text) <= limit else text[: limit - 1] + "…"
