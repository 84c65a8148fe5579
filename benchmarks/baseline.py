"""The baseline the engine must beat: plain difflib.SequenceMatcher over the same measures.

For each base measure, the best SequenceMatcher ratio over the plan's sentences (the parser's
measures: normalised, simplified text); adopted at >= adopt, partial at >= partial, else
omitted. It never says strengthened. A plan clause's base clause is the one whose measures
picked sentences of that clause most often (weighted by ratio); none when no measure did.

The thresholds are grid-searched on tests/labels/calibration/measures.csv with the same objective as
objective (mean of accuracy and macro-F1), as the engine's defaults were: both are fitted to the
same labels the same way, so the comparison is fair (and equally optimistic for both).

Results are real `jtcompare.match.results.Alignment`s, so benchmarks/evaluate.py scores them unchanged.

    python -m benchmarks.baseline align chongqing national --adopt 0.5 --partial 0.3
    python -m benchmarks.baseline matrix --plans-dir DIR --adopt 0.5 --partial 0.3   # CSV to stdout
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
from jtcompare.match.classify import clause_status  # the engine's roll-up rule, shared for a like-for-like record
from jtcompare.match.results import STATUSES, Alignment, ClauseResult, Match, MeasureResult, PlanClauseResult, Status
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.model import Plan

ADOPT_GRID = tuple(round(0.2 + 0.025 * k, 3) for k in range(25))  # 0.2 .. 0.8
PARTIAL_GRID = tuple(round(0.1 + 0.025 * k, 3) for k in range(25))  # 0.1 .. 0.7


@dataclass(frozen=True)
class Ratios:
    """For each base measure, the best ratio over the plan's sentences and which sentence gave it."""

    base: Plan
    plan: Plan
    best: np.ndarray  # base measures
    where: np.ndarray  # index into plan.measures, -1 when the plan has none


def best_ratios(base: Plan, plan: Plan) -> Ratios:
    """Exact best SequenceMatcher ratio per base measure (quick_ratio bounds skip hopeless pairs)."""
    sentences = [m.text for m in plan.measures]
    best = np.zeros(len(base.measures))
    where = np.full(len(base.measures), -1)
    matcher = SequenceMatcher(autojunk=False)
    for i, measure in enumerate(base.measures):
        matcher.set_seq2(measure.text)  # SequenceMatcher caches what it learns about seq2
        top, arg = -1.0, -1
        for j, sentence in enumerate(sentences):
            matcher.set_seq1(sentence)
            if matcher.real_quick_ratio() > top and matcher.quick_ratio() > top:
                ratio = matcher.ratio()
                if ratio > top:
                    top, arg = ratio, j
        best[i], where[i] = max(top, 0.0), arg
    return Ratios(base, plan, best, where)


def status_of(value: float, adopt: float, partial: float) -> Status:
    if value >= adopt:
        return "adopted"
    return "partial" if value >= partial else "omitted"


def alignment(r: Ratios, adopt: float, partial: float) -> Alignment:
    """The baseline's judgement as an Alignment (the same record the engine returns)."""
    from jtcompare.match.scoring import clause_role

    plan_measures = [(m, c) for c in r.plan.clauses for m in c.measures]
    base_measures = [(m, c) for c in r.base.clauses for m in c.measures]
    measures = []
    for i, (measure, clause) in enumerate(base_measures):
        status = status_of(float(r.best[i]), adopt, partial)
        j = int(r.where[i])
        matches = (Match(*plan_measures[j], round(float(r.best[i]), 3)),) if j >= 0 else ()
        evidence = f"{status}: difflib ratio {r.best[i]:.2f}"
        role = clause_role(clause)
        measures.append(MeasureResult(measure, clause, role, status, float(r.best[i]), matches, evidence, False, ()))
    clauses = []
    for clause in r.base.clauses:
        counts = dict.fromkeys(STATUSES, 0)
        for m in measures:
            if m.clause.id == clause.id:
                counts[m.status] += 1
        clauses.append(ClauseResult(clause, clause_role(clause), clause_status(counts, DEFAULTS), None, counts, ()))
    votes: dict[str, dict[str, float]] = {}
    for i, (_, clause) in enumerate(base_measures):
        if (j := int(r.where[i])) >= 0:
            plan_clause = plan_measures[j][1].id
            votes.setdefault(plan_clause, {}).setdefault(clause.id, 0.0)
            votes[plan_clause][clause.id] += float(r.best[i])
    by_id = {c.id: c for c in r.base.clauses}
    plan_clauses = []
    for clause in r.plan.clauses:
        mine = votes.get(clause.id)
        best = max(mine.items(), key=lambda kv: kv[1]) if mine else None
        plan_clauses.append(PlanClauseResult(clause, (by_id[best[0]], round(best[1], 3)) if best else None))
    return Alignment(r.plan, r.base, DEFAULTS, tuple(measures), tuple(clauses), tuple(plan_clauses), ())


def grid_search(ratios: dict[str, Ratios], labels: list, objective) -> tuple[float, float]:
    """The (adopt, partial) thresholds that maximise `objective` over the labels."""
    from benchmarks.evaluate import score_measures

    best_key, best_value = (ADOPT_GRID[0], PARTIAL_GRID[0]), -1.0
    for adopt in ADOPT_GRID:
        for partial in PARTIAL_GRID:
            if partial >= adopt:
                continue
            card = score_measures({c: alignment(r, adopt, partial) for c, r in ratios.items()}, labels)
            value = objective(card)
            if value > best_value:
                best_key, best_value = (adopt, partial), value
    return best_key


def main(argv: list[str] | None = None) -> None:
    """A command to time like `jtcompare align` / `jtcompare matrix --format csv`."""
    from jtcompare.plans.parse import parse
    from jtcompare.plans.registry import open_library

    ap = argparse.ArgumentParser(prog="python -m benchmarks.baseline", description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=("align", "matrix"))
    ap.add_argument("plans", nargs="*")
    ap.add_argument("--base", default="national")
    ap.add_argument("--plans-dir", type=Path, default=None)
    ap.add_argument("--adopt", type=float, required=True)
    ap.add_argument("--partial", type=float, required=True)
    args = ap.parse_args(argv)
    lib = open_library(args.plans_dir)
    plans = list(args.plans)
    base = args.base
    if args.command == "align":
        if not plans:
            ap.error("align needs a plan")
        base = plans[1] if len(plans) > 1 else base
        plans = plans[:1]
    elif not plans:
        plans = [pid for pid in lib.plans if pid != lib.find(base).id]

    def load(query: str) -> Plan:
        meta = lib.find(query)
        return parse(lib.read_text(meta), meta)

    base_plan = load(base)
    out = csv.writer(sys.stdout)
    out.writerow(["plan", "measure", "status", "ratio", "match"])
    for query in plans:
        a = alignment(best_ratios(base_plan, load(query)), args.adopt, args.partial)
        for m in a.measures:
            out.writerow(
                [a.plan.id, m.measure.id, m.status, f"{m.score:.3f}", m.matches[0].measure.id if m.matches else ""]
            )


if __name__ == "__main__":
    main()
