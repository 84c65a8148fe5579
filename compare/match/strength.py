"""Whether a plan that takes a base measure up goes further, or less far: strengthened, weakened, or adopted.

Read once the status model has said the measure is taken up (classify.py), from the sentences that take its
units up (`chosen`), the rest of their clauses and the plan's targets section (主要目标):

stricter        a target on the same indicator that asks for more or sooner (targets.py: compare_targets)
added           a quantified target, or a dated goal, where the base has none, whose indicator (read with the
                、 list it closes) or goal names a specific key term of a unit the plan takes up: one at most
                `target_subject_sentences` base sentences hold (秸秆, 污泥, 非化石能源, 工业; not 建筑, 城市, 排放)
firmer          a tentative base action (研究, 探索, 鼓励) answered with a firm one (纳入, 实行, 载入)
weakened        a laxer target, 严禁 made 鼓励 (read in the units the plan covers), 大力发展 made 稳妥推进: taken
                up in part (and a base target with no counterpart at all: the number is part of what the
                measure asks)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from jtcompare.match import units as unit_mod
from jtcompare.match.lexicon import concepts, obligation_levels, words
from jtcompare.match.results import Target, TargetPair, UnitResult
from jtcompare.match.scoring import Sentence, clause_role
from jtcompare.match.settings import Settings
from jtcompare.match.targets import compare_targets, extract_targets, indicator_similarity
from jtcompare.plans.model import Measure
from jtcompare.text.tokens import canonical

Taken = Literal["adopted", "strengthened", "partial"]


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
    specific: float = 0.0  # the least weight of a key term specific enough to name a target's subject

    def covered(self) -> list[tuple[unit_mod.Unit, UnitResult]]:
        return [(u, r) for u, r in zip(self.units, self.results, strict=True) if r.covered]

    def held(self) -> list[tuple[unit_mod.Unit, UnitResult]]:
        """The units the plan takes up at least in part: held at unit_partial (a `by`) with their anchor."""
        return [
            (u, r)
            for u, r in zip(self.units, self.results, strict=True)
            if r.by is not None and u.terms and u.words[u.anchor] not in r.missing
        ]

    def weight(self, term: str) -> float:
        return next((t.weight for u in self.units for t in u.terms if t.text == term), 0.0)


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
    if softened := _softened(taking):
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


def _softened(taking: Taking) -> str | None:
    """严禁 made 鼓励: the base binds (a level-3 word of obligation.txt, not one of words.toml's weak_binding),
    the best covering sentence does not bind and only encourages. 大力发展 made 稳妥推进: the base pushes, the
    best covering sentence only tempers (words.toml's pushing and tempering words).

    The base's words are read in the units the plan covers (the whole measure when it covers none): a plan does
    not soften an action it does not take up (a 确保 that binds one action of a list is not softened by a plan that
    leaves that action out and tempers another)."""
    chosen = taking.chosen
    if not chosen:
        return None
    covered = [u.text for u, _ in taking.covered()]
    w, plan_text = words(), chosen[0].measure.text
    base_text = "".join(covered) if covered else taking.sentence.measure.text
    b_strong, b_soft = obligation(base_text)
    p_strong, p_soft = obligation(plan_text)
    # a soft word the base itself uses beside its binding one (a 有序 next to a 确保) is no softening of it
    p_soft -= b_soft
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
    """A quantified target on the subject of a unit the plan takes up, where the base sets none.

    The target's indicator, read with the whole 、 list it closes (铁路单元化、集装化比重, not 集装化比重), must
    name the subject: hold a specific key term of a unit the plan takes up (one at most
    `target_subject_sentences` base sentences hold, so 秸秆, 污泥, 非化石能源, 工业 but not 建筑, 城市, 排放).
    Where it stands decides which units and terms count:
    - in a sentence that takes a unit up (held at unit_partial with its anchor): a specific term of such a
      unit, or `own_words_covering` of the indicator's character bigrams in a covered unit's text;
    - elsewhere in those sentences' clauses: a specific term among a covered unit's two heaviest;
    - in the plan's targets section (主要目标): a covered unit's anchor (three characters or more).
    So a vehicle target in a ship sentence, the neighbouring measure's 装配式建筑 30%, or a 生活垃圾 rate beside
    城市建设 is no target of this measure. Of the targets that qualify, the one whose indicator names the most
    key-term weight is cited (the first on a tie): a target naming the measure's rarest subject rather than one
    of the clause's that names only a word every energy sentence shares.
    """
    covered, chosen = taking.covered(), taking.chosen
    if not covered and not taking.held():
        return None
    floor = taking.specific
    held = {t.text for u, _ in taking.held() for t in u.terms if t.weight >= floor}
    heads = {t for u, _ in covered for t in _heaviest(u, 2) if taking.weight(t) >= floor}
    anchors = {u.words[u.anchor] for u, _ in covered}
    covering = {s.measure.id for s in chosen}
    clauses = {s.clause.id for s in chosen}
    places = [(s.measure, "covering") for s in chosen]
    places += [(m, "clause") for s in chosen for m in s.clause.measures if m.id not in covering]
    places += [(g.measure, "goals") for g in taking.goals if g.clause.id not in clauses]
    seen: set[str] = set()
    found: list[tuple[float, int, TargetPair]] = []
    for m, where in places:
        if m.id in seen:
            continue
        seen.add(m.id)
        for t in extract_targets(m.text):
            indicator = canonical(_listed(m.text, t))
            worded = False  # in a covering sentence, an indicator worded like a covered unit names it too
            if where == "covering":
                names = _named(held, indicator)
                worded = not names and any(
                    _share_in(canonical(t.indicator), u.text) >= settings.own_words_covering for u, _ in covered
                )
            elif where == "clause":
                names = _named(heads, indicator)
            else:
                names = {n for n in _named(anchors, indicator) if len(n) >= 3}
            # a target the base sets anywhere is not one "where the base has none" (read last: it is the dear test)
            if (names or worded) and not any(
                indicator_similarity(b.indicator, t.indicator, settings) > 0 for b in base_targets
            ):
                found.append((sum(taking.weight(n) for n in names), -len(found), TargetPair(None, t, m.id, "added")))
    return max(found, key=lambda f: f[:2])[2] if found else None


def _named(terms: set[str], indicator: str) -> set[str]:
    """The key terms (two characters or more) an indicator names."""
    return {w for w in terms if len(w) >= 2 and w in indicator}


def _listed(text: str, target: Target) -> str:
    """A target's indicator with the 、 list it closes: 铁路单元化、集装化比重 rather than 集装化比重."""
    at = text.find(target.text)
    if at <= 0 or text[at - 1] != "、":
        return target.indicator
    start = max(text.rfind(p, 0, at) for p in ",，;；:：。") + 1
    return text[start:at] + target.indicator


def _heaviest(unit: unit_mod.Unit, k: int) -> list[str]:
    return [t.text for t in sorted(unit.terms, key=lambda t: -t.weight)[:k]]


def _share_in(indicator: str, text: str) -> float:
    grams = {indicator[k : k + 2] for k in range(len(indicator) - 1)}
    return sum(g in text for g in grams) / len(grams) if grams else 0.0


_YEAR = re.compile(r"(?:到|至|在)?(20\d{2})年(?:底|前|末|之前)?[,,]?")


def _dated_goal(taking: Taking, base_text: str) -> str | None:
    """A dated goal the base does not set: the sentence that takes a unit up says by when it will be done
    (到2025年…快递包装基本实现绿色转型, 至2023年底实现原生生活垃圾零填埋, 到2025年…园区实现循环化改造全覆盖)
    and the goal, the words after the year up to the sentence's end, names that unit's key term and says, in the
    same comma part, that something is achieved (words.toml's goal_verbs), not merely under way. The base measure
    names no year. The key term must be specific, as for an added target (`target_subject_sentences`): 城市 in a
    list of 城市轨道交通 kilometres is no dated goal of 城市绿色配送."""
    if _YEAR.search(taking.sentence.measure.text):
        return None
    by_id = {s.measure.id: s for s in taking.chosen}
    for unit, result in taking.covered():
        s = by_id.get(result.by or "")
        if s is None or clause_role(s.clause) != "action":
            continue
        own = [t.text for t in unit.terms if len(t.text) >= 2 and t.weight >= taking.specific]
        text = canonical(s.measure.text)
        for m in _YEAR.finditer(text):
            goal = re.split(r"[。;;]", text[m.end() :], maxsplit=1)[0]
            if goal in base_text:  # the base sets this goal elsewhere: not one "the base does not set"
                continue
            for part in re.split(r"[,，:：]", goal):
                if _says_achieved(part) and (named := [t for t in own if t in part]):
                    return f"adds a dated goal: {m.group(1)}: {clip(goal, 40)} ({s.measure.id}, on {named[0]})"
    return None


def _says_achieved(part: str) -> bool:
    """A goal verb (words.toml's goal_verbs) in one comma part of a goal: the verb and the key term it names must
    be of one phrase (到2030年,…助力实现碳达峰目标,…土壤…治理水平显著提高 achieves no 土壤 goal), and 建成 is a
    verb, not the place 建成区 (城市建成区绿化覆盖率), as targets.py reads it."""
    return any(v in part.replace("建成区", "") for v in words().goal_verbs)


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
