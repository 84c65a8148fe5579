"""Turn match scores into a status per base measure, with the evidence a reader needs to check it.

adopted       the status score (best sentence, union of top matches, share of parts covered) >= adopt_threshold
strengthened  adopted, and the plan goes further: a stricter or earlier target on the same
              indicator, a quantified target where the base has none, or 鼓励/探索 made 确保/严禁
partial       status score >= partial_threshold, or adopted but weakened (laxer target, 严禁 made 鼓励)
omitted       the status score is below partial_threshold
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from jtcompare.match.lexicon import MATCH_DATA
from jtcompare.match.scoring import Scores, Unit, clause_role, score
from jtcompare.match.settings import Settings
from jtcompare.match.targets import Target, compare_targets, extract_targets, indicator_similarity
from jtcompare.plans.model import Clause, Measure, Plan
from jtcompare.text.tokens import data_lines

Status = Literal["adopted", "strengthened", "partial", "omitted"]
STATUSES: tuple[Status, ...] = ("adopted", "strengthened", "partial", "omitted")


@dataclass(frozen=True)
class Match:
    measure: Measure
    clause: Clause
    score: float


@dataclass(frozen=True)
class TargetPair:
    """A plan target set beside the base target it was compared with (None: the base has none)."""

    base: Target | None
    plan: Target
    plan_measure: str
    verdict: str  # stricter | equal | laxer | added


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    clause: Clause
    role: str  # action | framing | situation
    status: Status
    score: float
    matches: tuple[Match, ...]
    evidence: str
    weakened: bool
    targets: tuple[Target, ...]
    nearest: Match | None = None  # the best plan sentence even when it scores below match_floor
    compared: tuple[TargetPair, ...] = ()  # the target comparisons behind the status
    overridden: str | None = None  # the analyst's note when an override set the status

    @property
    def counted(self) -> bool:
        return self.role == "action"


@dataclass(frozen=True)
class ClauseResult:
    clause: Clause
    role: str
    status: Status
    coverage: float | None  # (adopted + strengthened + partial/2) / measures; None when not counted
    counts: dict[str, int]
    matches: tuple[tuple[Clause, float], ...]


@dataclass(frozen=True)
class PlanClauseResult:
    clause: Clause
    best: tuple[Clause, float] | None


@dataclass(frozen=True)
class LocalMeasure:
    measure: Measure
    clause: Clause
    nearest: float


@dataclass(frozen=True)
class Alignment:
    plan: Plan
    base: Plan
    settings: Settings
    measures: tuple[MeasureResult, ...]
    clauses: tuple[ClauseResult, ...]
    plan_clauses: tuple[PlanClauseResult, ...]
    local: tuple[LocalMeasure, ...]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for m in self.measures:
            if m.counted:
                out[m.status] += 1
        return out

    @property
    def coverage(self) -> float:
        return coverage_share(self.counts())


def coverage_share(counts: dict[str, int]) -> float:
    total = sum(counts.values())
    if not total:
        return 0.0
    return (counts["adopted"] + counts["strengthened"] + counts["partial"] / 2) / total


@lru_cache(maxsize=1)
def obligation_levels() -> dict[str, int]:
    out = {}
    for line in data_lines("obligation.txt", MATCH_DATA):
        word, level = line.split()
        out[word] = int(level)
    return out


def obligation(text: str) -> tuple[set[str], set[str]]:
    """The binding (level 3) and soft (level 1) obligation words in a sentence."""
    levels = obligation_levels()
    strong = {w for w, lv in levels.items() if lv == 3 and w in text}
    soft = {w for w, lv in levels.items() if lv == 1 and w in text}
    return strong, soft


def align(base: Plan, plan: Plan, settings: Settings, *, workers: int = 1, scores: Scores | None = None) -> Alignment:
    """The whole comparison of `plan` against `base` (pass `scores` to reuse a scoring run)."""
    scores = scores or score(base, plan, settings, workers=workers)
    base_targets = [t for u in scores.base for t in extract_targets(u.measure.text)]
    measures = tuple(_measure_result(scores, i, settings, base_targets) for i in range(len(scores.base)))
    return Alignment(
        plan=plan,
        base=base,
        settings=settings,
        measures=measures,
        clauses=tuple(_clause_results(scores, measures, settings)),
        plan_clauses=tuple(_plan_clause_results(scores, settings)),
        local=tuple(_local(scores, settings)),
    )


def _measure_result(scores: Scores, i: int, settings: Settings, base_targets: list[Target]) -> MeasureResult:
    unit = scores.base[i]
    row = scores.score[i]
    order = [int(j) for j in np.argsort(-row, kind="stable")[: max(1, settings.max_matches)]]
    chosen = [j for j in order[: settings.max_matches] if row[j] >= settings.match_floor]
    best = float(row[order[0]]) if order else 0.0
    union = scores.union_coverage(i, chosen, settings.short_penalty)
    value = max(best, settings.idf_weight * union + (1 - settings.idf_weight) * best) if chosen else best
    if settings.part_weight:
        candidates = [int(j) for j in np.argsort(-row, kind="stable")[: settings.part_candidates]]
        parts = scores.part_share(i, candidates, settings.part_threshold)
        value = (1 - settings.part_weight) * value + settings.part_weight * parts
    value = round(value, 3)
    matches = tuple(Match(scores.plan[j].measure, scores.plan[j].clause, round(float(row[j]), 3)) for j in chosen)
    targets = tuple(extract_targets(unit.measure.text))
    compared: list[TargetPair] = []
    if value >= settings.adopt_threshold:
        chosen_units = [scores.plan[j] for j in chosen]
        status, notes, weakened, compared = _adopted(unit, targets, chosen_units, settings, base_targets)
    elif value >= settings.partial_threshold:
        status, notes, weakened = "partial", ["only partly taken up"], False
        compared = _compare_targets(targets, _context([scores.plan[j] for j in chosen]), settings)
        if laxer := [p for p in compared if p.verdict == "laxer"]:
            notes, weakened = [*notes, f"weakened: laxer target {_pair(laxer[0])}"], True
    else:
        status, notes, weakened = "omitted", [], False
    nearest = Match(scores.plan[order[0]].measure, scores.plan[order[0]].clause, round(best, 3)) if order else None
    evidence = _evidence(status, value, matches, notes, nearest)
    return MeasureResult(
        unit.measure,
        unit.clause,
        clause_role(unit.clause),
        status,
        value,
        matches,
        evidence,
        weakened,
        targets,
        nearest,
        tuple(compared),
    )


def _adopted(
    unit: Unit, targets: tuple[Target, ...], chosen: list[Unit], settings: Settings, base_targets: list[Target]
) -> tuple[Status, list[str], bool, list[TargetPair]]:
    """Adopted, or strengthened / weakened by targets and obligation words; with the target pairs compared."""
    context = _context(chosen)
    pairs = _compare_targets(targets, context, settings)
    by = {v: [p for p in pairs if p.verdict == v] for v in ("stricter", "laxer", "equal")}
    if by["laxer"] and not by["stricter"]:
        return "partial", [f"weakened: laxer target {_pair(by['laxer'][0])}"], True, pairs
    if by["stricter"]:
        return "strengthened", [f"stricter target {_pair(by['stricter'][0])}"], False, pairs
    notes = [f"same target {_pair(by['equal'][0])}"] if by["equal"] else []
    if not targets:
        added = _added_target(unit, context, len(chosen), settings.indicator_threshold, base_targets)
        if added:
            note = f"adds a quantified target: {added.plan.describe()} (base has none)"
            return "strengthened", [note], False, [added]
    return (*_obligation_change(unit, chosen, notes), pairs)


def _compare_targets(targets: tuple[Target, ...], context: list[Measure], settings: Settings) -> list[TargetPair]:
    """Each base target beside the one plan target most like it (not every target around)."""
    pairs: list[TargetPair] = []
    found = [(t, sentence.id) for sentence in context for t in extract_targets(sentence.text)]
    for base_t in targets:
        ranked = sorted((indicator_similarity(base_t.indicator, t.indicator), k) for k, (t, _) in enumerate(found))
        if ranked and ranked[-1][0] >= settings.indicator_threshold:
            plan_t, mid = found[ranked[-1][1]]
            verdict = compare_targets(base_t, plan_t)
            if verdict != "different":
                pairs.append(TargetPair(base_t, plan_t, mid, verdict))
    return pairs


def _pair(p: TargetPair) -> str:
    return f"{p.plan.describe()} vs {p.base.describe() if p.base else 'none'}"


def _context(chosen: list[Unit]) -> list[Measure]:
    """The matched plan sentences, then the rest of the best match's clause (its targets often sit apart)."""
    if not chosen:
        return []
    seen = {u.measure.id for u in chosen}
    return [u.measure for u in chosen] + [m for m in chosen[0].clause.measures if m.id not in seen]


_WEAK_ONLY = frozenset({"全面", "严格", "依法"})  # too common to signal a firmer obligation on their own


def _obligation_change(unit: Unit, chosen: list[Unit], notes: list[str]) -> tuple[Status, list[str], bool]:
    b_strong, b_soft = obligation(unit.measure.text)
    p_strong, p_soft = obligation(chosen[0].measure.text) if chosen else (set(), set())
    if b_soft and not b_strong and (p_strong - _WEAK_ONLY) and not p_soft:
        firmer = "/".join(sorted(p_strong))
        return "strengthened", [*notes, f"firmer obligation: {'/'.join(sorted(b_soft))} -> {firmer}"], False
    if (b_strong - _WEAK_ONLY) and not p_strong and p_soft:
        softer = "/".join(sorted(p_soft))
        return "partial", [*notes, f"weakened: {'/'.join(sorted(b_strong))} -> {softer}"], True
    return "adopted", notes, False


def _added_target(
    unit: Unit, context: list[Measure], chosen: int, threshold: float, base_targets: list[Target]
) -> TargetPair | None:
    """A plan target, in the matched sentences or their clause, on something the base measure names."""
    from jtcompare.match.scoring import match_tokens

    base_tokens = set(unit.tokens)
    for k, sentence in enumerate(context):
        for t in extract_targets(sentence.text):
            # a target the base sets anywhere is not one "where the base has none"
            if any(indicator_similarity(b.indicator, t.indicator) >= threshold for b in base_targets):
                continue
            words = set(match_tokens(t.indicator))
            shared = base_tokens & words
            # in a matched sentence one shared word suffices; elsewhere in the clause, the target's
            # indicator must be mostly made of the measure's words (森林蓄积量 for 森林面积和蓄积量)
            if shared and (k < chosen or len(shared) * 2 >= len(words)):
                return TargetPair(None, t, sentence.id, "added")
    return None


def _evidence(status: str, value: float, matches: tuple[Match, ...], notes: list[str], nearest: Match | None) -> str:
    """Starts with the status and its score, then the best match, then why."""
    head = f"{status} (status score {value:.3f})"
    if matches:
        head += f": best match {matches[0].score:.2f} in {matches[0].clause.label}"
        if len(matches) > 1:
            head += f", +{len(matches) - 1} more"
    elif nearest is not None:
        head += f": nearest plan sentence scores only {nearest.score:.2f} ({nearest.clause.label})"
    else:
        head += ": the plan has no measures"
    return "; ".join([head, *notes])


def _clause_results(scores: Scores, measures: tuple[MeasureResult, ...], settings: Settings) -> list[ClauseResult]:
    out = []
    for k, clause in enumerate(scores.base_clauses):
        mine = [m for m in measures if m.clause.id == clause.id]
        counts = dict.fromkeys(STATUSES, 0)
        for m in mine:
            counts[m.status] += 1
        role = clause_role(clause)
        cov = coverage_share(counts) if mine else 0.0
        ranked = np.argsort(-scores.clause_sim[k], kind="stable")[:3] if scores.plan_clauses else []
        matches = tuple(
            (scores.plan_clauses[j], round(float(scores.clause_sim[k, j]), 3))
            for j in ranked
            if scores.clause_sim[k, j] >= settings.clause_threshold
        )
        out.append(
            ClauseResult(clause, role, _clause_status(counts), cov if role == "action" else None, counts, matches)
        )
    return out


def _clause_status(counts: dict[str, int]) -> Status:
    total = sum(counts.values())
    if not total or counts["omitted"] == total:
        return "omitted"
    taken = counts["adopted"] + counts["strengthened"]
    if taken * 3 >= total * 2:
        return "strengthened" if counts["strengthened"] else "adopted"
    return "partial"


def _plan_clause_results(scores: Scores, settings: Settings) -> list[PlanClauseResult]:
    out = []
    for j, clause in enumerate(scores.plan_clauses):
        best = None
        if scores.base_clauses:
            k = int(np.argmax(scores.clause_sim[:, j]))
            if scores.clause_sim[k, j] >= settings.clause_threshold:
                best = (scores.base_clauses[k], round(float(scores.clause_sim[k, j]), 3))
        out.append(PlanClauseResult(clause, best))
    return out


def _local(scores: Scores, settings: Settings) -> list[LocalMeasure]:
    if not scores.plan:
        return []
    best = scores.score.max(axis=0) if scores.base else np.zeros(len(scores.plan))
    return [
        LocalMeasure(u.measure, u.clause, round(float(best[j]), 3))
        for j, u in enumerate(scores.plan)
        if best[j] < settings.local_threshold and clause_role(u.clause) == "action"
    ]
