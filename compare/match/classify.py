"""Turn a base measure's action units and the plan's sentences into a status, with the evidence to check it.

Each base measure is split into action units with key terms (match/units.py). A unit's coverage is the share
of its key-term weight that one plan sentence holds, or the union of the measure's best-scoring sentences
(a plan often takes one measure up across two or three sentences); it is reported covered at
`unit_threshold`. The status model (match/status_model.py, fitted on the calibration labels) reads the
units' coverage and gives P(taken up), P(partial), P(omitted):

adopted         P(taken up) >= adopt_threshold
strengthened    adopted, and the plan goes further on the same point (match/strength.py): a stricter or
                earlier target on the same indicator, a quantified target or a dated goal on a covered unit's
                own subject where the base has none, or a tentative action (研究, 探索, 鼓励) answered with a
                firm one (纳入, 实行)
partial         P(taken up) + P(partial) >= partial_threshold or one unit covered, and one unit held at
                least partial_unit_floor with its anchor (条例, 天然林, 污泥: without the word that makes it this
                action, common words do not take it up in part) or, for a unit that is mostly a 、 list, one
                whole item of the list held; or adopted but weakened (a laxer target,
                严禁 made 鼓励, 大力 made 稳妥)
omitted         less
not_applicable  the measure's action is bound to a region (北方地区, 大气污染防治重点区域, 沙漠戈壁荒漠) the
                plan's province lies outside, and the plan does not take that action up anyway
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from jtcompare.match import strength
from jtcompare.match import units as unit_mod
from jtcompare.match.regions import Region, outside_region
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
from jtcompare.match.status_model import StatusModel, status_model
from jtcompare.match.targets import extract_targets
from jtcompare.plans.cache import memo
from jtcompare.plans.model import Plan
from jtcompare.text.tokens import canonical, jieba_instance, pos_tagger
from rapidfuzz import fuzz, process

# the status model's class behind each status it decides (match/status_model.py)
_MODEL_CLASS = {"adopted": "taken", "strengthened": "taken", "partial": "partial", "omitted": "omitted"}


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
    model: StatusModel | None = None,
) -> Alignment:
    """The whole comparison of `plan` against `base` (pass `scores` to reuse a scoring run; `model` replaces the
    calibrated status model, for cross-validation)."""
    scores = scores or score(base, plan, settings, workers=workers)
    bu = base_units(base, scores.base, settings)
    held = None
    if scores.plan:
        texts = [u.measure.text for u in scores.plan]
        held = unit_mod.held(bu.terms, texts, settings.part_credit, settings.sub_word_share)
    term_index = {t.text: k for k, t in enumerate(bu.terms)}
    base_targets = [t for u in scores.base for t in extract_targets(u.measure.text)]
    goals = strength.goal_sentences(scores.plan)
    ctx = _Context(
        scores,
        held,
        term_index,
        settings,
        base_targets,
        goals,
        plan.meta.province,
        model or status_model(),
        "\n".join(canonical(u.measure.text) for u in scores.base),
        {c.id: k for k, c in enumerate(scores.base_clauses)},
        {c.id: k for k, c in enumerate(scores.plan_clauses)},
        [unit_mod.bigrams(u.measure.text) for u in scores.plan],
        unit_mod.gram_weights(tuple(u.measure.text for u in scores.base), settings.idf_power),
        unit_mod.idf_weight(len(scores.base), settings.target_subject_sentences, settings.idf_power),
    )
    measures = tuple(_measure_result(ctx, i, bu.units[i]) for i in range(len(scores.base)))
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
    model: StatusModel
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


def status_features(
    units: tuple[unit_mod.Unit, ...], results: list[UnitResult], best_sentence: float, settings: Settings
) -> dict[str, float]:
    """What the status model reads (match/status_model.py): mean unit coverage, the lead unit's, best sentence."""
    if not units:
        return {"mean": 0.0, "lead": 0.0, "sentence": best_sentence, "anchor": 0.0}
    mass = [u.mass * (settings.soft_weight if u.soft else 1.0) for u in units]
    total = sum(mass) or 1.0
    lead = next((r for u, r in zip(units, results, strict=True) if not u.soft), results[0])
    anchored = [u.words[u.anchor] not in r.missing for u, r in zip(units, results, strict=True)]
    return {
        "mean": sum(m * r.coverage for m, r in zip(mass, results, strict=True)) / total,
        "lead": lead.coverage,
        "sentence": best_sentence,
        "anchor": sum(m for m, a in zip(mass, anchored, strict=True) if a) / total,
    }


def _measure_result(ctx: _Context, i: int, units: tuple[unit_mod.Unit, ...]) -> MeasureResult:
    scores, settings = ctx.scores, ctx.settings
    sentence, row = scores.base[i], scores.score[i]
    order = [int(j) for j in np.argsort(-row, kind="stable")[: settings.max_matches]]
    candidates = [j for j in order if row[j] >= settings.match_floor]
    unit_pairs = _unit_results(ctx, units, candidates, row)
    results = [r for r, _ in unit_pairs]
    best = float(row.max()) if len(row) else 0.0
    covering = sorted(dict.fromkeys(j for _, js in unit_pairs for j in js), key=lambda j: -row[j])
    features = status_features(units, results, best, settings)
    features["topic"] = _topic(ctx, sentence, covering)
    features["weakest"] = _weakest(ctx, units, order)
    chance = ctx.model.probabilities(features)
    share = round(chance["taken"] + chance["partial"] / 2, 3)
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
    region = outside_region(sentence.measure.text, ctx.province)
    if region and not any(
        r.coverage >= settings.unit_partial for u, r in zip(units, results, strict=True) if _bound(u, region)
    ):
        status, notes = "not_applicable", [f"bound to {region.name}; {ctx.province} lies outside it"]
    elif chance["taken"] >= settings.adopt_threshold:
        status, notes, weakened, compared = strength.taken_up(taking, settings, ctx.base_targets, ctx.base_text)
    elif (chance["taken"] + chance["partial"] >= settings.partial_threshold or any(r.covered for r in results)) and any(
        r.covered
        or (r.coverage >= settings.partial_unit_floor and u.words[u.anchor] not in r.missing)
        or _item_held(u, r, settings)
        for u, r in zip(units, results, strict=True)
    ):  # a covered unit is never omitted, a measure with no unit held halfway never partial
        status = "partial"
        notes, weakened, compared = strength.weakened_in_part(taking, settings)
    else:
        status = "omitted"
    evidence = _evidence(status, share, matches, notes, results, nearest, settings)
    confidence = None if status == "not_applicable" else round(chance[_MODEL_CLASS[status]], 3)
    if status == "omitted":  # words of it may be about, but nothing takes an action up: no match, no `by`
        matches, results = (), [replace(r, by=None) for r in results]
    return MeasureResult(
        sentence.measure,
        sentence.clause,
        clause_role(sentence.clause),
        status,
        share,
        matches,
        evidence,
        weakened,
        targets,
        nearest,
        tuple(compared),
        units=tuple(results),
        region=region.name if status == "not_applicable" and region else None,
        features={k: round(v, 3) for k, v in features.items()},
        confidence=confidence,
        check=confidence is not None and confidence < settings.check_below,
    )


def _item_held(unit: unit_mod.Unit, result: UnitResult, settings: Settings) -> bool:
    """A unit that is mostly a list of things (严禁新增钢铁、焦化、炼油…产能; 推广光储直柔、…、智慧交通) is
    taken up in part when the plan holds one whole item, however little of the list's weight that is. A list
    that only qualifies the action (与建材、石化、化工行业耦合) carries less than enumeration_share of the
    unit's weight and does not count: without its head, the action is not taken up."""
    if not unit.items:
        return False
    listed = {k for item in unit.items for k in item}
    if sum(unit.weights[k] for k in listed) < settings.enumeration_share * unit.mass:
        return False
    missing = set(result.missing)
    return any(not {unit.words[k] for k in item} & missing for item in unit.items)


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


def _weakest(ctx: _Context, units: tuple[unit_mod.Unit, ...], order: list[int]) -> float:
    """How far the least taken-up firm action of the measure is held, read by character bigrams: the smallest
    IDF-weighted share of a unit's bigrams that the measure's best-scoring sentences (max_matches) hold together.
    Soft units (研究, 鼓励, 以…为导向) are left out unless all are soft.

    A measure whose every action is there reads high even when the city words it differently (jieba cuts 慢行交通
    系统 and 慢行系统 differently; bigrams do not care), and a measure one of whose actions is simply absent
    (强化秸秆焚烧管控 beside 推进秸秆综合利用) reads low, however well the other actions are held: labels call
    that partial. Key-term coverage of the weakest unit did not separate the two (docs/DEVELOPING.md)."""
    read = [u for u in units if unit_mod.base_grams(u.text)]
    firm = [u for u in read if not u.soft] or read
    if not firm or not order or not ctx.plan_grams:
        return 0.0
    held = frozenset().union(*(ctx.plan_grams[j] for j in order))
    return min(unit_mod.gram_share(u.text, ctx.gram_weights, held) for u in firm)


def _bound(unit: unit_mod.Unit, region: Region) -> bool:
    return any(t in unit.text for t in region.triggers)


def _evidence(
    status: str,
    value: float,
    matches: tuple[Match, ...],
    notes: list[str],
    results: list[UnitResult],
    nearest: Match | None,
    settings: Settings,
) -> str:
    """Starts with the status and the share taken up, then where, then what is missing and why."""
    head = f"{status} (status score {value:.2f})"
    if matches and status == "omitted":  # words of it are there, no action is: the sentence is not a match
        head += f": no action taken up (at most words of one in {matches[0].measure.id})"
    elif matches:
        head += f": best match {matches[0].measure.id} in {matches[0].clause.label}"
        if len(matches) > 1:
            head += f", +{len(matches) - 1} more"
    elif nearest is not None and status != "not_applicable":
        head += ": no plan sentence holds its key terms"
    elif nearest is None:
        head += ": the plan has no measures"
    missing = [r for r in results if not r.covered]
    if missing and status not in ("omitted", "not_applicable") and len(results) > 1:
        notes = [*notes, "missing: " + "; ".join(strength.clip(r.text) for r in missing)]
    elif status == "omitted" and results:
        terms = list(dict.fromkeys(t for r in results for t in r.missing))[:6]
        if terms:
            notes = [*notes, "key terms not found: " + "、".join(terms)]
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
