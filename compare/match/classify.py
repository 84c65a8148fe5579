"""Turn a base measure's action units and the plan's sentences into a status, with the evidence to check it.

Each base measure is split into action units with key terms (match/units.py); a unit is key unless it only
frames (以…为导向, 坚持…, 提升…水平). For each unit the unit model (match/unit_model.py, learned from the
calibration unit labels) reads its key-term coverage, character bigrams, the best sentence, its clause, its
list items, the covering sentence's obligation words and, when vectors are at hand, the closest plan text in
meaning (match/semantic.py), and calls it covered, weaker (in part or only softly) or missing. The status is a
rule over those calls (unit_status):

adopted         every key unit covered (a measure with no key unit: every unit)
strengthened    adopted, and the plan goes further on the same point (match/strength.py): a stricter or
                earlier target on the same indicator, a quantified target or a dated goal on a covered unit's
                own subject where the base has none, or a tentative action (研究, 探索, 鼓励) answered with a
                firm one (纳入, 实行)
partial         some key unit covered or weaker, not all covered; or every key unit covered but the plan
                weakens it (a laxer target, the base's target left out, 严禁 made 鼓励, 大力 made 稳妥)
omitted         no key unit covered or weaker
not_applicable  the measure is bound to regions the plan's province lies outside, or only the central
                government can carry it out (data/applicability.csv, reviewed); never counted in coverage

So a cell is never adopted while a key unit is not covered. Its confidence is the least sure of its key units'
calls; below `check_below` it is flagged for an analyst to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from jtcompare.match import semantic, strength
from jtcompare.match import units as unit_mod
from jtcompare.match.highlights import highlighted
from jtcompare.match.regions import not_applicable
from jtcompare.match.results import (
    COVERAGE_STATUSES,
    STATUSES,
    Alignment,
    ClauseResult,
    LocalMeasure,
    Match,
    MeasureResult,
    PlanClauseResult,
    Status,
    Target,
    TargetPair,
    UnitResult,
    coverage_share,
)
from jtcompare.match.scoring import Scores, Sentence, clause_role, score
from jtcompare.match.settings import Settings
from jtcompare.match.targets import extract_targets
from jtcompare.match.unit_model import UnitModel, unit_model
from jtcompare.plans.cache import memo
from jtcompare.plans.model import Plan
from jtcompare.text.tokens import canonical, jieba_instance, pos_tagger
from rapidfuzz import fuzz, process

# --- action units of the base --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseUnits:
    """Every base measure's units, and the term index the coverage matrix is built on."""

    units: tuple[tuple[unit_mod.Unit, ...], ...]  # per base sentence, in Scores.base order
    terms: tuple[unit_mod.Term, ...]  # every distinct key term, the rows of the coverage matrix


def base_units(base: Plan, sentences: list[Sentence], settings: Settings) -> BaseUnits:
    """The base's action units, from the on-disk cache when the base is unchanged (no jieba on a warm run)."""
    texts = tuple(u.measure.text for u in sentences)
    return memo("units", (texts, settings.idf_power), lambda: _base_units(texts, settings.idf_power))


@lru_cache(maxsize=4)
def _base_units(texts: tuple[str, ...], power: float) -> BaseUnits:
    cut, search = pos_tagger(), jieba_instance().lcut_for_search
    words = {t for text in texts for part in unit_mod.split_parts(text) for t in unit_mod.key_terms(part, cut)}
    words |= {x for w in words for x in unit_mod.sub_words(w, search)}
    idf, top = unit_mod.term_idf(texts, words)
    per = tuple(unit_mod.build_units(text, cut, search, idf, power, top) for text in texts)
    terms = {t.text: t for us in per for u in us for t in u.terms}
    return BaseUnits(per, tuple(terms.values()))


# --- the alignment --------------------------------------------------------------------------------------------


def align(
    base: Plan,
    plan: Plan,
    settings: Settings,
    *,
    workers: int = 1,
    scores: Scores | None = None,
    model: UnitModel | None = None,
    use_semantic: bool = True,
) -> Alignment:
    """The whole comparison of `plan` against `base` (pass `scores` to reuse a scoring run; `model` replaces the
    fitted unit model, for cross-validation; `use_semantic=False` leaves sentence vectors out)."""
    scores = scores or score(base, plan, settings, workers=workers)
    bu = base_units(base, scores.base, settings)
    held = None
    if scores.plan:
        texts = [u.measure.text for u in scores.plan]
        held = unit_mod.held(bu.terms, texts, settings.part_credit, settings.sub_word_share)
    term_index = {t.text: k for k, t in enumerate(bu.terms)}
    base_targets = [t for u in scores.base for t in extract_targets(u.measure.text)]
    goals = strength.goal_sentences(scores.plan)
    sem = _semantic(bu, scores) if use_semantic and settings.semantic else None
    ctx = _Context(
        scores,
        held,
        term_index,
        settings,
        base_targets,
        goals,
        plan.meta.province,
        plan.meta.level,
        model or unit_model(sem is not None),
        sem,
        _offsets(bu),
        "\n".join(canonical(u.measure.text) for u in scores.base),
        {c.id: k for k, c in enumerate(scores.base_clauses)},
        {c.id: k for k, c in enumerate(scores.plan_clauses)},
        [unit_mod.bigrams(u.measure.text) for u in scores.plan],
        unit_mod.gram_weights(tuple(u.measure.text for u in scores.base), settings.idf_power),
        unit_mod.idf_weight(len(scores.base), settings.target_subject_sentences, settings.idf_power),
    )
    measures = tuple(highlighted(_measure_result(ctx, i, bu.units[i])) for i in range(len(scores.base)))
    return Alignment(
        plan=plan,
        base=base,
        settings=settings,
        measures=measures,
        clauses=tuple(_clause_results(scores, measures, settings)),
        plan_clauses=tuple(_plan_clause_results(scores, settings)),
        local=tuple(_local(scores, measures, settings, _rewordings(ctx, bu))),
    )


@dataclass(frozen=True)
class _Context:
    """What every base measure's judgement reads: the scores, which plan sentence holds which term, settings."""

    scores: Scores
    held: np.ndarray | None  # base terms x plan sentences, 0..1
    term_index: dict[str, int]
    settings: Settings
    base_targets: list[Target]
    goals: list[Sentence]  # the plan's targets section
    province: str | None
    level: str
    model: UnitModel
    semantic: np.ndarray | None  # every base unit (flattened in order) x plan sentences: cosine of their vectors
    unit_offset: list[int]  # base sentence -> its first row in `semantic`
    base_text: str = ""  # every base sentence, canonical, joined: what the base itself says somewhere
    base_clause: dict[str, int] = field(default_factory=dict)  # clause id -> row of scores.clause_sim
    plan_clause: dict[str, int] = field(default_factory=dict)  # clause id -> column of scores.clause_sim
    plan_grams: list[frozenset[str]] = field(default_factory=list)  # each plan sentence's character bigrams
    gram_weights: dict[str, float] = field(default_factory=dict)  # the base's bigrams, IDF**idf_power over it
    specific: float = 0.0  # the least weight of a key term specific enough to name a target (strength.py)


_TIE = 1e-4  # a sentence score (0..1) only orders sentences whose coverage is equal to four decimals


def _unit_results(
    ctx: _Context, units: tuple[unit_mod.Unit, ...], candidates: list[int], row: np.ndarray
) -> list[tuple[UnitResult, list[int]]]:
    """Each unit's coverage by its best plan sentence or by the candidates together, with the sentences that
    hold it (the one holding its anchor first: that is the sentence cited as `by`).

    Of the plan sentences that hold a unit's terms equally, the best is the one most like the whole base
    measure (`row`, its sentence scores), not the first in the plan: 组织开展…业务培训 is taken up by the
    city's training sentence, not by an earlier 畜禽…新技术培训 that also says 培训."""
    out: list[tuple[UnitResult, list[int]]] = []
    for unit in units:
        if ctx.held is None or not unit.terms:
            out.append((UnitResult(unit.text, unit.words, 0.0, False, None, unit.words), []))
            continue
        rows = ctx.held[[ctx.term_index[t] for t in unit.words]]
        w = np.asarray(unit.weights, dtype=np.float32)
        per_sentence = (w @ rows) / w.sum()
        best = int(np.argmax(per_sentence + _TIE * row))
        cover, found, where = float(per_sentence[best]), rows[:, best], [best]
        if candidates:
            together = rows[:, candidates].max(axis=1)
            union = float(w @ together / w.sum())
            if union > cover + 1e-6:
                cover, found = union, together
                where = [j for j in candidates if rows[:, j].max() >= ctx.settings.term_found]
                where.sort(key=lambda j: (-rows[unit.anchor, j], -per_sentence[j]))
        missing = tuple(t for t, f in zip(unit.words, found, strict=True) if f < ctx.settings.term_found)
        taken = cover >= ctx.settings.unit_partial and bool(where)
        by = ctx.scores.plan[where[0]].measure.id if taken else None
        result = UnitResult(unit.text, unit.words, round(cover, 3), cover >= ctx.settings.unit_threshold, by, missing)
        out.append((result, where if taken else []))
    return out


def unit_features(
    ctx: _Context, i: int, k: int, unit: unit_mod.Unit, result: UnitResult, where: list[int], order: list[int]
) -> dict[str, float]:
    """What the unit model reads of one unit against the plan (match/unit_model.py documents each)."""
    sentences = where or order
    held = frozenset().union(*(ctx.plan_grams[j] for j in sentences)) if sentences and ctx.plan_grams else None
    row = ctx.scores.score[i]
    out = {
        "cover": result.coverage,
        "anchor": float(bool(unit.terms) and unit.words[unit.anchor] not in result.missing),
        "grams": unit_mod.gram_share(unit.text, ctx.gram_weights, held) if held else 0.0,
        "sentence": float(row.max()) if len(row) else 0.0,
        "topic": _topic(ctx, ctx.scores.base[i], sentences[:1]),
        "soft": float(unit.soft),
        "items": _items_held(unit, result),
        "softer": _softer(unit, [ctx.scores.plan[j] for j in where[:1]]),
    }
    if ctx.semantic is not None:
        sims = ctx.semantic[ctx.unit_offset[i] + k]
        out["semantic"] = float(sims.max()) if sims.size else 0.0
    return out


def _items_held(unit: unit_mod.Unit, result: UnitResult) -> float:
    """The share of a 、 list's items (风能、太阳能、生物质能) the plan holds whole; 1 for a unit with no list: a
    plan naming one or two of five sectors takes the unit up in part."""
    if not unit.items:
        return 1.0
    missing = set(result.missing)
    return sum(not {unit.words[k] for k in item} & missing for item in unit.items) / len(unit.items)


def _softer(unit: unit_mod.Unit, covering: list[Sentence]) -> float:
    """1 when the unit binds or pushes (严禁, 推进: not soft) and the sentence covering it only encourages or
    explores (鼓励, 探索, 研究, and no binding word): taken up only softly."""
    if unit.soft or not covering:
        return 0.0
    strong, soft = strength.obligation(covering[0].measure.text)
    return float(bool(soft) and not strong)


def _judge_units(ctx: _Context, i: int, units: tuple[unit_mod.Unit, ...], order: list[int]) -> list[UnitResult]:
    """Each unit's coverage, features and the unit model's call (covered / weaker / missing)."""
    row = ctx.scores.score[i]
    candidates = [j for j in order if row[j] >= ctx.settings.match_floor]
    out = []
    for k, (unit, (result, where)) in enumerate(zip(units, _unit_results(ctx, units, candidates, row), strict=True)):
        features = unit_features(ctx, i, k, unit, result, where, order)
        chance = ctx.model.probabilities(features)
        state = max(chance, key=chance.__getitem__) if order else "missing"  # a plan with no sentence holds nothing
        by = result.by if state != "missing" else None
        if state != "missing" and by is None:  # taken up in other words: cite the sentence closest in meaning
            j = int(np.argmax(ctx.semantic[ctx.unit_offset[i] + k])) if ctx.semantic is not None else order[0]
            by = ctx.scores.plan[j].measure.id
        out.append(
            replace(
                result,
                covered=state == "covered",
                by=by,
                state=state,
                key=is_key(unit),
                confidence=round(chance[state], 3),
                features={f: round(v, 3) for f, v in features.items()},
            )
        )
    return out


def is_key(unit: unit_mod.Unit) -> bool:
    """An action of its own, which the status needs: not an orientation or a goal (以…为导向, 坚持…, 宜林则林,
    提升…水平, 各司其职; units.py `framing`). A tentative action (研究, 探索, 鼓励) is still an action: the unit
    labels call it key (93% agreement with the labels' key column on the calibration units)."""
    return not unit.framing


def unit_status(results: list[UnitResult]) -> tuple[str, float]:
    """The status the units make, before targets and obligation words, and how sure the engine is of it.

    taken    every key unit covered (a measure with no key unit: every unit)
    partial  some key unit covered or weaker, but not all covered
    omitted  no key unit covered or weaker

    The confidence is the least sure of the key units' calls: one doubtful call makes a doubtful cell (on the
    calibration measures this sorted right from wrong cells far better than the product of the units' odds)."""
    key = [r for r in results if r.key] or results
    if not key:
        return "omitted", 1.0
    sure = min(r.confidence if r.confidence is not None else 1.0 for r in key)
    if all(r.state == "covered" for r in key):
        return "taken", sure
    if all(r.state == "missing" for r in key):
        return "omitted", sure
    return "partial", sure


def _measure_result(ctx: _Context, i: int, units: tuple[unit_mod.Unit, ...]) -> MeasureResult:
    scores, settings = ctx.scores, ctx.settings
    sentence, row = scores.base[i], scores.score[i]
    order = [int(j) for j in np.argsort(-row, kind="stable")[: settings.max_matches]]
    results = _judge_units(ctx, i, units, order)
    best_of = {r.by for r in results if r.by}
    covering = [j for j in order if scores.plan[j].measure.id in best_of]
    covering += [j for j, u in enumerate(scores.plan) if u.measure.id in best_of and j not in covering]
    matches = tuple(Match(scores.plan[j].measure, scores.plan[j].clause, round(float(row[j]), 3)) for j in covering)
    nearest = None
    if order:
        nearest = Match(scores.plan[order[0]].measure, scores.plan[order[0]].clause, round(float(row[order[0]]), 3))
    targets = tuple(extract_targets(sentence.measure.text))
    chosen = [scores.plan[j] for j in covering]
    taking = strength.Taking(sentence, targets, units, results, chosen, ctx.goals, ctx.specific)
    compared: list[TargetPair] = []
    notes: list[str] = []
    weakened = False
    status: Status
    made, chance = unit_status(results)
    bound = not_applicable(sentence.measure.id, sentence.measure.text, ctx.province, ctx.level)
    if bound:
        status, notes = "not_applicable", [bound.reason_en]
    elif made == "taken":
        status, notes, weakened, compared = strength.taken_up(taking, settings, ctx.base_targets, ctx.base_text)
    elif made == "partial":
        status = "partial"
        notes, weakened, compared = strength.weakened_in_part(taking, settings)
    else:
        status = "omitted"
    covered = [r for r in results if r.key and r.state == "covered"]
    share = round(sum(1 for _ in covered) / max(1, sum(1 for r in results if r.key)), 3)
    if status == "not_applicable":  # its units' calls are no finding (results.MeasureResult.key_units_total)
        share = 0.0
    evidence = _evidence(status, share, matches, notes, results, nearest, settings)
    confidence = None if status == "not_applicable" else round(chance, 3)
    role = clause_role(sentence.clause)
    if status == "omitted":  # words of it may be about, but nothing takes an action up: no match, no `by`
        matches, results = (), [replace(r, by=None) for r in results]
    return MeasureResult(
        sentence.measure,
        sentence.clause,
        role,
        status,
        share,
        matches,
        evidence,
        weakened,
        targets,
        nearest,
        tuple(compared),
        units=tuple(results),
        region=bound.label if bound else None,
        region_en=bound.label_en if bound else None,
        features={},
        confidence=confidence,
        # only a counted cell asks to be checked: a framing or situation measure's status is listed, never counted
        check=role == "action" and confidence is not None and confidence < settings.check_below,
    )


def _semantic(bu: BaseUnits, scores: Scores) -> np.ndarray | None:
    """Base units (flattened) x plan sentences: the best cosine of the unit's e5 vector with one comma part of the
    sentence (a unit is one action, a plan sentence often several: 禁止…新增自备燃煤机组 sits in a part); None
    when some text has no vector (match/semantic.py)."""
    texts = [u.text for units in bu.units for u in units]
    if not texts or not scores.plan:
        return None
    parts, owner = [], []
    for j, sentence in enumerate(scores.plan):
        for part in unit_mod.split_parts(sentence.measure.text) or [sentence.measure.text]:
            parts.append(part)
            owner.append(j)
    left = semantic.vectors(texts)
    right = semantic.vectors(parts) if left is not None else None
    if left is None or right is None:
        return None
    out = np.full((len(scores.plan), len(texts)), -1.0, dtype=np.float32)
    np.maximum.at(out, np.asarray(owner), right @ left.T)
    return out.T


def _offsets(bu: BaseUnits) -> list[int]:
    out, at = [], 0
    for units in bu.units:
        out.append(at)
        at += len(units)
    return out


def _topic(ctx: _Context, sentence: Sentence, covering: list[int]) -> float:
    """How much the plan clause of the best covering sentence is about the base measure's clause: its clause
    similarity over that of the plan clause most like the base clause (1: the very clause, 0: nothing cited).
    Key terms found in an unrelated chapter (污泥's 处置/综合利用 in an industry paragraph) rarely take a measure
    up; the labels' omitted rows mostly cite nothing in the clause that treats the subject."""
    sim = ctx.scores.clause_sim
    if not covering or not sim.size:
        return 0.0
    k = ctx.base_clause[sentence.clause.id]
    top = float(sim[k].max())
    j = ctx.plan_clause[ctx.scores.plan[covering[0]].clause.id]
    return float(sim[k, j]) / top if top > 0 else 0.0


def _evidence(
    status: str,
    value: float,
    matches: tuple[Match, ...],
    notes: list[str],
    results: list[UnitResult],
    nearest: Match | None,
    settings: Settings,
) -> str:
    """Starts with the status and how many key units the plan covers (none said for a measure that does not
    apply: its reason follows), then where, then what is missing and why."""
    key = [r for r in results if r.key] or results
    head = f"{status} ({sum(r.state == 'covered' for r in key)}/{len(key)} key units covered)"
    if status == "not_applicable":
        head = status
    if matches and status == "omitted":  # words of it are there, no action is: the sentence is not a match
        head += f": no action taken up (at most words of one in {matches[0].measure.id})"
    elif matches:
        head += f": best match {matches[0].measure.id} in {matches[0].clause.label}"
        if len(matches) > 1:
            head += f", +{len(matches) - 1} more"
    elif nearest is not None and status != "not_applicable":
        head += ": no plan sentence holds enough of its key terms"  # some may hold a few (the view marks them)
    elif nearest is None:
        head += ": the plan has no measures"
    key = [r for r in results if r.key] or results
    missing = [r for r in key if r.state == "missing"]
    weaker = [r for r in key if r.state == "weaker"]
    if status not in ("omitted", "not_applicable") and len(results) > 1:
        if missing:
            notes = [*notes, "missing: " + "; ".join(strength.clip(r.text) for r in missing)]
        if weaker:
            notes = [*notes, "weaker: " + "; ".join(strength.clip(r.text) for r in weaker)]
    elif status == "omitted" and results:
        terms = list(dict.fromkeys(t for r in results for t in r.missing))[:6]
        if terms:
            notes = [*notes, "key terms missing from its closest sentences: " + "、".join(terms)]
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
        ranked = []
        if scores.plan_clauses:
            ranked = np.argsort(-scores.clause_sim[k], kind="stable")[: settings.clause_matches]
        matches = tuple(
            (scores.plan_clauses[j], round(float(scores.clause_sim[k, j]), 3))
            for j in ranked
            if scores.clause_sim[k, j] >= settings.clause_threshold
        )
        out.append(
            ClauseResult(
                clause, role, clause_status(counts, settings), cov if role == "action" else None, counts, matches
            )
        )
    return out


def clause_status(counts: dict[str, int], settings: Settings) -> Status:
    """omitted when every applicable measure is; adopted (strengthened if any is) when adopted + strengthened
    make at least `clause_taken_share` of them; else partial."""
    applicable = {s: counts.get(s, 0) for s in COVERAGE_STATUSES}
    total = sum(applicable.values())
    if not total:
        return "not_applicable" if counts.get("not_applicable") else "omitted"
    if applicable["omitted"] == total:
        return "omitted"
    taken = applicable["adopted"] + applicable["strengthened"]
    if taken >= settings.clause_taken_share * total:
        return "strengthened" if applicable["strengthened"] else "adopted"
    return "partial"


def _plan_clause_results(scores: Scores, settings: Settings) -> list[PlanClauseResult]:
    """Each plan clause's base clause: the one titled like it (`clause_title_match`), else the one its body is most
    like, where its sentences' matches fall weighing in (`clause_vote_weight`).

    Cities keep the national headings (主要目标, 推进水环境治理协同控制) or change only the verb, and then the
    heading says more than the body: chengdu's 主要目标 lists 碳达峰 numbers that read like the energy clause.

    A clause titled otherwise is weighed on two things. Its similarity to each base clause (IDF cosine of their
    words, titles counted twice), relative to its best one. And the votes of its sentences: a sentence whose best
    sentence score reaches `match_floor` votes for the base clause of the measure it scores best against, by as much
    as it clears the floor, so a sentence that barely matches barely counts and the vote is continuous in the
    scores. The similarity of a whole clause follows its most frequent words and its title; the votes follow the
    measures its sentences take up. chengdu's 大力发展循环经济 reads most like the industrial-park clause (园区,
    循环化: 0.36 against 0.23) but its two sentences that match clearly take up 无废城市 and 生活垃圾 measures of
    the solid-waste clause; 推进农村用能结构低碳转型 reads like 城乡建设 while its one clear sentence is the
    agricultural renewable-energy measure; 打造青山绿道蓝网碳汇体系 is below `clause_threshold` with every base
    clause but its one clear sentence is an ecology measure. A clause has none when its best is below
    `clause_threshold` and no sentence votes for it.

    On the clause labels: chongqing 27/28, wuhan 25/27, chengdu 32/40 (29 on similarity alone), the same
    leave-one-city-out (settings.py). Plain voting, one sentence one vote whatever its score, mapped worse
    (chongqing 0.89): most sentences of a clause match nothing clearly and their votes are noise. What it cannot
    tell: a clause of the city's own (壮大绿色低碳优势产业, 生态价值转化, 碳达峰行动) whose sentences each touch a
    different base clause weakly looks like one whose topic the base spreads the same way, and a clause whose
    sentences match no measure of its labelled clause (城市新区近零碳 -> N18) is mapped by its words.
    """
    titles = [c.title for c in scores.base_clauses]
    votes = _clause_votes(scores, settings)
    out = []
    for j, clause in enumerate(scores.plan_clauses):
        best = None
        named = process.extractOne(clause.title, titles, scorer=fuzz.ratio) if clause.title and titles else None
        if named and named[1] >= settings.clause_title_match:
            k = named[2]
            best = (scores.base_clauses[k], round(float(scores.clause_sim[k, j]), 3))
        elif scores.base_clauses:
            sim = scores.clause_sim[:, j]
            top = float(sim.max())
            relative = sim / top if top > 0 else np.zeros_like(sim)
            k = int(np.argmax(relative + settings.clause_vote_weight * votes[:, j]))
            if sim[k] >= settings.clause_threshold or votes[k, j] > 0:
                best = (scores.base_clauses[k], round(float(sim[k]), 3))
        out.append(PlanClauseResult(clause, best))
    return out


def _clause_votes(scores: Scores, settings: Settings) -> np.ndarray:
    """Base clauses x plan clauses: for each plan sentence whose best score reaches match_floor, score - match_floor
    credited to the clause of the base measure it scores best against, in the plan sentence's clause."""
    votes = np.zeros((len(scores.base_clauses), len(scores.plan_clauses)))
    if not scores.base or not scores.plan:
        return votes
    base_row = {c.id: k for k, c in enumerate(scores.base_clauses)}
    plan_col = {c.id: k for k, c in enumerate(scores.plan_clauses)}
    best = np.argmax(scores.score, axis=0)
    clear = scores.score[best, np.arange(len(scores.plan))] - settings.match_floor
    for p in np.flatnonzero(clear >= 0):
        votes[base_row[scores.base[best[p]].clause.id], plan_col[scores.plan[p].clause.id]] += clear[p]
    return votes


def _local(
    scores: Scores, measures: tuple[MeasureResult, ...], settings: Settings, rewordings: set[int]
) -> list[LocalMeasure]:
    """Plan sentences that take up no base measure: not the evidence of any, unlike every base sentence, and
    not a rewording of a base action (`_rewordings`)."""
    if not scores.plan:
        return []
    used = {m.measure.id for r in measures if r.status not in ("omitted", "not_applicable") for m in r.matches}
    best = scores.score.max(axis=0) if scores.base else np.zeros(len(scores.plan))
    return [
        LocalMeasure(u.measure, u.clause, round(float(best[j]), 3))
        for j, u in enumerate(scores.plan)
        if best[j] < settings.local_threshold
        and clause_role(u.clause) == "action"
        and u.measure.id not in used
        and j not in rewordings
    ]


def _rewordings(ctx: _Context, bu: BaseUnits) -> set[int]:
    """Plan sentences that by themselves hold an action of a base action measure: at least two of its key terms
    and unit_threshold of its key-term weight. A sentence can score low against the whole base sentence (it
    words the action its own way, or the base sentence lists several) and still take one of its actions up
    (武汉's 强化快递包装绿色转型 against 推广绿色包装): it is no local addition. Two terms, so that one
    shared word (技术, 创新, 基础设施) is not enough."""
    if ctx.held is None:
        return set()
    out: set[int] = set()
    for sentence, units in zip(ctx.scores.base, bu.units, strict=True):
        if clause_role(sentence.clause) != "action":
            continue
        for unit in units:
            if len(unit.terms) < 2:
                continue
            rows = ctx.held[[ctx.term_index[t] for t in unit.words]]
            w = np.asarray(unit.weights, dtype=np.float32)
            cover = (w @ rows) / w.sum()
            found = (rows >= ctx.settings.term_found).sum(axis=0)
            out.update(int(j) for j in np.flatnonzero((cover >= ctx.settings.unit_threshold) & (found >= 2)))
    return out
