"""How far the judgement agrees with the labels, split by national measure so that nothing leaks.

Statuses are scored against two references, both made by reading the texts before the engine ran on them:

- the status labels (tests/labels/*/measures.csv), one reader's four-way call per city x measure;
- the statuses the unit labels make under the engine's own documented rule (classify.py: unit_status; a key
  unit labelled stronger, all key units covered, makes strengthened), so the rule itself is not what is scored.

Units are scored against the unit labels (covered, weaker, missing; stronger counts as covered). The difflib
baseline (benchmarks/baseline.py, thresholds grid-searched on the calibration statuses) stands beside.

    python -m benchmarks.judgement --part calibration    # while tuning: reads no held-out label
    python -m benchmarks.judgement --part heldout        # once, at the end of a round
"""

from __future__ import annotations

import argparse
import collections
from collections.abc import Iterable
from dataclasses import replace

from jtcompare.match.classify import align, unit_status
from jtcompare.match.results import Alignment, MeasureResult, UnitResult
from jtcompare.match.scoring import score
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.model import Plan
from jtcompare.plans.registry import open_library

from benchmarks import baseline
from benchmarks.evaluate import (
    CALIBRATION,
    FOUR,
    HELDOUT,
    UNITS_CALIBRATION,
    UNITS_HELDOUT,
    UNITS_SECOND,
    Label,
    Scorecard,
    UnitLabel,
    objective,
    read_labels,
    read_unit_labels,
)
from benchmarks.fit_units import CITIES


def unit_rule_statuses(units: list[UnitLabel]) -> dict[tuple[str, str], str]:
    """The status each measure's labelled units make under the engine's rule (key units by the labels' key)."""
    groups: dict[tuple[str, str], list[UnitLabel]] = collections.defaultdict(list)
    for u in units:
        groups[(u.plan, u.measure)].append(u)
    out = {}
    for k, us in groups.items():
        # the engine's own rule (classify.unit_status), fed the labelled calls, so a change of the rule reaches
        # this reference too
        calls = [UnitResult(u.text, (), 0.0, u.state == "covered", None, (), u.state, u.key) for u in us]
        made, _ = unit_status(calls)
        key = [u for u in us if u.key] or us
        if made == "taken":
            out[k] = "strengthened" if any(u.stronger for u in key) else "adopted"
        else:
            out[k] = made
    return out


def _cell(a: Alignment, measure: str) -> MeasureResult | None:
    return next((m for m in a.measures if m.measure.id == measure), None)


def card(found: dict[str, Alignment], reference: Iterable[tuple[str, str, str]], *, flagged: bool | None = None):
    """Scorecard of (label, engine status) over (plan, measure, label) rows of the four statuses; `flagged`
    keeps only the cells the engine flags (True) or is sure of (False)."""
    pairs = []
    for plan, measure, status in reference:
        m = _cell(found[plan], measure) if plan in found else None
        if m is None or status not in FOUR or m.status == "not_applicable":
            continue
        if flagged is None or m.check == flagged:
            pairs.append((status, m.status))
    return Scorecard(pairs)


def unit_scores(found: dict[str, Alignment], units: list[UnitLabel]) -> tuple[float, float, int]:
    """(three-way accuracy, covered-or-not accuracy, units) of the engine's unit calls against the labels."""
    three = two = n = 0
    for u in units:
        m = _cell(found[u.plan], u.measure)
        if m is None or u.unit > len(m.units):
            continue
        got = m.units[u.unit - 1].state
        three += got == u.state
        two += (got == "covered") == (u.state == "covered")
        n += 1
    return (three / n, two / n, n) if n else (0.0, 0.0, 0)


def counterfactual_flips(base: Plan, plans: dict[str, Plan], found: dict[str, Alignment], measures: set[str]):
    """For adopted cells: delete from the plan the sentences cited for one key unit, then for all; the cell
    should then fall to partial (then omitted) unless other sentences really cover it. (flipped one, flipped
    all, cells)."""
    one = every = n = 0
    for city, a in found.items():
        for m in a.measures:
            if m.status not in ("adopted", "strengthened") or m.measure.id not in measures:
                continue
            key = [u for u in m.units if u.key and u.by] or [u for u in m.units if u.by]
            if not key:
                continue
            n += 1
            one += _status_without(base, plans[city], m.measure.id, {key[0].by}) not in ("adopted", "strengthened")
            every += _status_without(base, plans[city], m.measure.id, {u.by for u in key}) == "omitted"
    return one, every, n


def _status_without(base: Plan, plan: Plan, measure: str, sentence_ids: set[str | None]) -> str:
    clauses = tuple(replace(c, measures=tuple(m for m in c.measures if m.id not in sentence_ids)) for c in plan.clauses)
    cut = replace(plan, clauses=clauses)
    m = _cell(align(base, cut, DEFAULTS, scores=score(base, cut, DEFAULTS)), measure)
    return m.status if m else "omitted"


def _fmt(card_: Scorecard) -> str:
    lo, hi = card_.interval()
    return f"{card_.accuracy:.3f} (95% interval {lo:.2f}-{hi:.2f}, {len(card_.pairs)} cells)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("calibration", "heldout"), required=True)
    parser.add_argument("--counterfactual", action="store_true", help="also delete cited sentences (slow)")
    args = parser.parse_args(argv)
    for line in report_lines(args.part, counterfactual=args.counterfactual):
        print(line, flush=True)
    return 0


def report_lines(part: str, *, counterfactual: bool = False) -> Iterable[str]:
    """The figures of one part of the labels, line by line (benchmarks/run.py puts the held-out ones in RESULTS.md)."""
    held = part == "heldout"
    statuses: list[Label] = read_labels(HELDOUT if held else CALIBRATION)
    units = read_unit_labels(UNITS_HELDOUT if held else UNITS_CALIBRATION)
    lib = open_library()
    base = lib.load("national")
    plans = {c: lib.load(c) for c in CITIES}
    engines = {}
    for name, semantic in (("lexical (the default)", 0), ("semantic (setting semantic = 1)", 1)):
        settings = replace(DEFAULTS, semantic=semantic)
        engines[name] = {c: align(base, p, settings, scores=score(base, p, settings)) for c, p in plans.items()}
    ratios = {c: baseline.best_ratios(base, p) for c, p in plans.items()}
    adopt, partial = baseline.grid_search(ratios, read_labels(CALIBRATION), objective)
    fitted = {c: baseline.alignment(r, adopt, partial) for c, r in ratios.items()}
    by_label = [(r.plan, r.measure, r.status) for r in statuses]
    by_units = [(p, m, s) for (p, m), s in unit_rule_statuses(units).items()]
    yield f"{part}: {len({r.measure for r in statuses})} national measures x 3 cities"
    yield ""
    for name, found in (*engines.items(), ("difflib baseline", fitted)):
        a, b = card(found, by_label), card(found, by_units)
        yield f"- {name}: status labels {_fmt(a)}; unit-rule statuses {_fmt(b)}"
        if name == "difflib baseline":
            continue
        three, two, n = unit_scores(found, units)
        yield f"  - units ({n}): three-way {three:.3f}, covered or not {two:.3f}"
        yield (
            f"  - precision of adopted {a.precision('adopted') or 0:.2f}, recall of partial "
            f"{a.recall('partial') or 0:.2f} (status labels); {b.precision('adopted') or 0:.2f}, "
            f"{b.recall('partial') or 0:.2f} (unit-rule statuses)"
        )
        sure, flag = card(found, by_label, flagged=False), card(found, by_label, flagged=True)
        total = len(sure.pairs) + len(flag.pairs)
        yield (
            f"  - sure cells {len(sure.pairs)} of {total} ({len(sure.pairs) / max(1, total):.0%}), right "
            f"{sure.accuracy:.3f}; flagged cells right {flag.accuracy:.3f}"
        )
        yield f"  - confusion, status labels (label: engine counts): {_confusion(a)}"
    found = engines["lexical (the default)"]
    bad = [
        (c, m.measure.id)
        for c, a in found.items()
        for m in a.measures
        if m.status in ("adopted", "strengthened") and any(u.state != "covered" for u in m.key_units)
    ]
    yield f"- adopted or strengthened cells with a key unit not covered, all measures, three cities: {len(bad)}"
    if counterfactual:
        one, every, n = counterfactual_flips(base, plans, found, {r.measure for r in statuses})
        yield (
            f"- counterfactual on the {n} adopted or strengthened cells: without the sentences cited for one key unit, "
            f"{one / max(1, n):.0%} are no longer adopted; without those of every key unit, {every / max(1, n):.0%} "
            "are omitted"
        )
    if not held:
        second = read_unit_labels(UNITS_SECOND)
        first = {(u.plan, u.measure, u.unit): u for u in read_unit_labels(UNITS_CALIBRATION)}
        first |= {(u.plan, u.measure, u.unit): u for u in read_unit_labels(UNITS_HELDOUT)}
        same = [first[(u.plan, u.measure, u.unit)].state == u.state for u in second]
        yield f"- two unit readings agree on {sum(same)}/{len(same)} units ({sum(same) / len(same):.3f})"


def _confusion(card_: Scorecard) -> str:
    conf = card_.confusion()
    return "; ".join(f"{s}: " + ", ".join(f"{k} {v}" for k, v in conf[s].items() if v) for s in FOUR)


if __name__ == "__main__":
    raise SystemExit(main())
