"""What a judgement is: the results the engine returns and every renderer reads.

Data only, with no matching in it: a cached alignment is read back, and a report rendered, without loading the
matcher (numpy, the term index, the status model). match/classify.py makes these; report/, workflow/ and the
command line read them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from jtcompare.match.settings import Settings
from jtcompare.plans.model import Clause, Measure, Plan

if TYPE_CHECKING:
    import pandas as pd

Direction = Literal["up", "down"]  # up: more is stricter; down: less is stricter
CENTRAL_ONLY = "中央事权"  # MeasureResult.region of a measure only the central government can carry out
CENTRAL_ONLY_EN = "the central government"  # its region_en


@lru_cache(maxsize=1)
def applicability_rows() -> tuple[dict[str, str], ...]:
    """The rows of match/data/applicability.csv, the national measures that do not apply to every plan. Read here
    with the results, not in match/regions.py alone: the matcher decides with a row and writes its English reason
    into the evidence line, and an output in Chinese says that reason in Chinese (`reason_in_chinese`)."""
    lines = (resources.files("jtcompare.match") / "data" / "applicability.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(line for line in lines.splitlines() if not line.startswith("#")))


@lru_cache(maxsize=1)
def reason_in_chinese() -> dict[str, str]:
    """A reason's English words, as an evidence line holds them -> the reviewed Chinese."""
    return {row["reason_en"]: row["reason"] for row in applicability_rows()}


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


@dataclass(frozen=True)
class TargetPair:
    """A plan target set beside the base target it was compared with (None: the base has none)."""

    base: Target | None
    plan: Target
    plan_measure: str
    verdict: str  # stricter | equal | laxer | added


UnitState = Literal["covered", "weaker", "missing"]


@dataclass(frozen=True)
class UnitResult:
    """One action of a base measure and how far the plan takes it up."""

    text: str
    key_terms: tuple[str, ...]
    coverage: float  # share of the key-term weight the plan holds (one sentence, or the best few together)
    covered: bool  # the unit model's call is covered (a paraphrase may be covered at a low `coverage`)
    by: str | None  # the plan measure that holds most of it (None when nothing does)
    missing: tuple[str, ...]  # key terms the plan does not hold
    # the unit model's call (match/unit_model.py): covered, weaker (in part or only softly) or missing
    state: UnitState = "missing"
    key: bool = True  # an action of its own; False: framing (以…为导向, 坚持…, 研究…) that the status does not need
    confidence: float | None = None  # the unit model's probability of `state`
    features: dict[str, float] = field(default_factory=dict, compare=False)  # what the unit model read


Status = Literal["adopted", "strengthened", "partial", "omitted", "not_applicable"]
STATUSES: tuple[Status, ...] = ("adopted", "strengthened", "partial", "omitted", "not_applicable")
COVERAGE_STATUSES: tuple[Status, ...] = ("adopted", "strengthened", "partial", "omitted")  # n/a is left out


# Field names are one vocabulary across the outputs (JSON, CSV, frames, SQLite): `flagged`, `key_units_covered` and
# `key_units_total`, `units_missing`, `overridden`, `covered_by`. In flat outputs (CSV, frames) the units not
# covered, each marked (weaker) or (missing), are joined with this: evidence holds "; " itself.
UNITS_JOINED = " | "


@dataclass(frozen=True)
class Highlight:
    """What a view marks (match/highlights.py): the measure's key terms the city sentences hold and those they
    lack, as the national text writes them, and the words to mark in the city sentences."""

    shared: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    city: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    measure: Measure
    clause: Clause
    score: float


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    clause: Clause
    role: str  # action | framing | situation
    status: Status
    score: float  # the unit mass taken up, 0..1
    matches: tuple[Match, ...]
    evidence: str
    weakened: bool
    targets: tuple[Target, ...]
    nearest: Match | None = None  # the best plan sentence even when it is below match_floor (never a match)
    compared: tuple[TargetPair, ...] = ()  # the target comparisons behind the status
    overridden: str | None = None  # the analyst's note when an override set the status
    confirmed: bool = False  # that override only confirms the engine's call (a review's agreement)
    engine_status: Status | None = None  # the engine's own call when an override set the status
    engine_confidence: float | None = None  # and how sure the engine was of it (a correction's own is None)
    units: tuple[UnitResult, ...] = field(default=())
    region: str | None = None  # the region the measure is bound to when not_applicable
    region_en: str | None = None  # the same in English
    features: dict[str, float] = field(default_factory=dict, compare=False)  # what the status score read
    # the status model's probability of the status's class (taken up / partial / omitted); None when no model
    # decided it (not_applicable, an analyst override)
    confidence: float | None = None
    check: bool = False  # counted, and confidence below Settings.check_below: an analyst should read this cell
    highlight: Highlight = field(default_factory=Highlight)  # the terms a view marks (match/highlights.py)

    @property
    def corrected(self) -> bool:
        """An analyst changed the engine's call (or pinned it without saying they agree): the * outputs show and
        the count of overrides. A confirmation is not a correction: its note shows, not the *."""
        return bool(self.overridden) and not self.confirmed

    @property
    def counted(self) -> bool:
        return self.role == "action" and self.status != "not_applicable"

    @property
    def key_units(self) -> tuple[UnitResult, ...]:
        """The units the status needs (every unit when none is key)."""
        return tuple(u for u in self.units if u.key) or self.units

    @property
    def key_units_covered(self) -> int:
        return sum(u.state == "covered" for u in self.key_units) if self.applies else 0

    @property
    def key_units_total(self) -> int:
        """0 for a measure that does not apply to the plan: its units' calls (kept in `units`) are no finding, and
        a reader would take 0/1 for a gap the status denies."""
        return len(self.key_units) if self.applies else 0

    @property
    def applies(self) -> bool:
        return self.status != "not_applicable"

    @property
    def targets_not_set(self) -> tuple[Target, ...]:
        """The base's targets the plan sets no counterpart of (verdict not_in_plan in every output); none where the
        measure does not apply: a target of a measure bound elsewhere is none the plan left out."""
        if not self.applies:
            return ()
        paired = {id(p.base) for p in self.compared if p.base is not None}
        return tuple(t for t in self.targets if id(t) not in paired)

    @property
    def key_units_shown(self) -> str:
        """Key units covered out of key units, as every output shows it to a reader: "2/3" ("" for a measure with
        no units, or one that does not apply); data outputs give the two numbers (key_units_covered,
        key_units_total)."""
        return f"{self.key_units_covered}/{self.key_units_total}" if self.key_units_total else ""

    @property
    def units_missing(self) -> tuple[str, ...]:  # joined with UNITS_JOINED in flat outputs (CSV, frames)
        """The key units the plan does not cover, each marked weaker or missing: what to look for. None when the
        measure does not apply to the plan: a reader would take "missing" for a gap that the status denies."""
        if not self.applies:
            return ()
        return tuple(f"{u.text.rstrip('。,;')} ({u.state})" for u in self.key_units if u.state != "covered")


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


@dataclass(frozen=True, repr=False)
class Alignment:
    """One plan against a base: a MeasureResult per base measure (`measures`), the clause roll-ups, each plan
    clause's nearest base clause, the plan's own additions (`local`) and the overrides gone stale. `to_frame()`
    is the same as a table."""

    plan: Plan
    base: Plan
    settings: Settings
    measures: tuple[MeasureResult, ...]
    clauses: tuple[ClauseResult, ...]
    plan_clauses: tuple[PlanClauseResult, ...]
    local: tuple[LocalMeasure, ...]
    stale: tuple[str, ...] = ()  # the analyst overrides that no longer apply (the measure's text has changed)

    def counts(self) -> dict[str, int]:
        """Statuses of the action measures (not_applicable ones included, though coverage leaves them out)."""
        out = dict.fromkeys(STATUSES, 0)
        for m in self.measures:
            if m.role == "action":
                out[m.status] += 1
        return out

    @property
    def coverage(self) -> float:
        return coverage_share(self.counts())

    @property
    def to_check(self) -> int:
        """Counted measures whose status the engine is unsure of (confidence below check_below)."""
        return sum(1 for m in self.measures if m.counted and m.check)

    def to_frame(self) -> pd.DataFrame:
        """One row per measure of the base: its chapter, status (an ordered category: adopted, strengthened,
        partial, omitted, not_applicable), key units covered, the units not covered, the plan sentences cited and
        the evidence line, with English column names and status ids, for scripts (the outputs word them in
        either language). No value is missing but `confidence`, which an analyst's override leaves empty, and
        `engine_confidence`, which only an override fills (both float columns: NaN where empty)."""
        return frame_of(cell_rows(self)).set_index("measure")

    @property
    def stale_measures(self) -> tuple[str, ...]:
        """The base measures whose analyst override no longer applies (`stale` says why, one line each), for a
        script that wants the ids rather than the sentences."""
        ids = (getattr(getattr(line, "said", None), "params", {}).get("measure") for line in self.stale)
        return tuple(dict.fromkeys(i for i in ids if i))

    def __hash__(self) -> int:
        # The generated hash would hash the plans' texts and dicts (unhashable). Equal alignments have the same
        # plans and calls, so these agree with ==, and an Alignment can key a dict or sit in a set.
        return hash((self.plan.meta.id, self.base.meta.id, tuple((m.measure.id, m.status) for m in self.measures)))

    def __repr__(self) -> str:  # the plans' texts would be a million characters in a notebook
        counts = ", ".join(f"{s}={n}" for s, n in self.counts().items())
        return f"Alignment(plan={self.plan.id!r}, base={self.base.id!r}, {counts}, coverage={self.coverage:.3f})"


def frame_of(records: list[dict[str, object]]) -> pd.DataFrame:
    """Records of cell_row as a DataFrame, the status an ordered category (sorting follows STATUSES)."""
    import pandas as pd  # only when asked for: an align from the command line never loads pandas

    frame = pd.DataFrame(records)
    for column in ("confidence", "engine_confidence"):  # numbers even where every cell is empty (None -> NaN), so
        if column in frame:  # frames of several plans concatenate to one float column
            frame[column] = frame[column].astype("float64")
    if "status" in frame:
        frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES), ordered=True)
    return frame


def cell_rows(a: Alignment) -> list[dict[str, object]]:
    """The plan's judgements as flat records (Alignment.to_frame, Matrix.to_frame(long=True)), in the base's order."""
    return [cell_row(a.plan.meta.id, m, a.base, seq) for seq, m in enumerate(a.measures, 1)]


def cell_row(plan_id: str, m: MeasureResult, base: Plan, seq: int) -> dict[str, object]:
    """One judgement as a flat record; the chapter as the base writes it and `seq` the measure's place in the
    base, as the SQLite export has them."""
    return {
        "plan": plan_id,
        "base": base.meta.id,
        "measure": m.measure.id,
        "seq": seq,
        "chapter": base.chapter_label(m.clause),
        "clause_id": m.clause.id,
        "clause": m.clause.label,
        "departments": "、".join(m.clause.departments),
        "role": m.role,
        "status": m.status,
        "counted": m.counted,
        "score": m.score,
        "confidence": m.confidence,
        "flagged": m.check,
        "key_units_covered": m.key_units_covered,
        "key_units_total": m.key_units_total,
        "units_missing": UNITS_JOINED.join(m.units_missing),
        "plan_measures": " ".join(x.measure.id for x in m.matches),
        "evidence": m.evidence,
        "overridden": m.overridden or "",
        "engine_status": m.engine_status or "",
        "engine_confidence": m.engine_confidence,
        "confirmed": m.confirmed,
        "region": m.region or "",  # a measure bound to a region the plan is outside, or 中央事权
        "text": m.measure.text,
    }


@dataclass(frozen=True, repr=False)
class Matrix:
    """Every plan against one base (jtcompare.Library.matrix): each plan's cells as flat records, its counts and
    coverage, the overrides gone stale and the plans that could not be read."""

    base: str
    plans: tuple[str, ...]
    cells: tuple[dict[str, object], ...]
    summary: tuple[dict[str, object], ...]
    stale: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def to_frame(self, *, long: bool = False, framing: bool = True) -> pd.DataFrame:
        """The coverage matrix: a row per measure of the base, a column per plan, the status in each cell; with
        `long=True` one row per plan x measure with every field of `Alignment.to_frame`. The measures of framing
        and situation clauses (指导思想, 面临形势) have a status but count in no coverage: `framing=False` leaves
        them out, so that counting the statuses gives `summary_frame()`'s counts."""
        frame = frame_of(list(self.cells))
        if not framing and not frame.empty:
            frame = frame[frame["role"] == "action"]
        if long or frame.empty:
            return frame
        wide = frame.pivot(index="measure", columns="plan", values="status")
        return wide.loc[list(dict.fromkeys(frame["measure"])), list(self.plans)]

    def summary_frame(self) -> pd.DataFrame:
        """A row per plan, as every report's summary has it: name, kind, date, counts by status, the measures
        counted, coverage, local additions, overridden cells, caveat codes ('kind;no_date') and cells to check."""
        import pandas as pd

        return pd.DataFrame(list(self.summary)).set_index("plan")

    def __hash__(self) -> int:  # its cells are dicts: hash what == compares them by
        return hash((self.base, self.plans, tuple((c["plan"], c["measure"], c["status"]) for c in self.cells)))

    def __repr__(self) -> str:
        return f"Matrix(base={self.base!r}, plans={list(self.plans)!r}, cells={len(self.cells)})"


def coverage_share(counts: dict[str, int]) -> float:
    """(adopted + strengthened + partial/2) / measures that apply (not_applicable ones are left out)."""
    total = sum(counts.get(s, 0) for s in COVERAGE_STATUSES)
    if not total:
        return 0.0
    return (counts["adopted"] + counts["strengthened"] + counts["partial"] / 2) / total
