"""Which national measures do not apply to a plan: bound to regions its province lies outside, or an action only
the central government can take (data/applicability.csv, reviewed; data/regions.toml, with public sources)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from jtcompare.match.lexicon import MATCH_DATA
from jtcompare.match.results import CENTRAL_ONLY, CENTRAL_ONLY_EN, applicability_rows
from jtcompare.plans import metadata


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    name_en: str
    provinces: frozenset[str]
    source: str


@dataclass(frozen=True)
class Applicability:
    """One reviewed row: the measure, why it does not apply everywhere, and the words that make it so."""

    measure: str
    kind: str  # region | central
    regions: tuple[Region, ...]
    reason: str  # in Chinese
    reason_en: str  # the same in English
    quote: str

    @property
    def label(self) -> str:
        """What the output says the measure is bound to: the regions' names, or 中央事权 (central only)."""
        return "、".join(r.name for r in self.regions) if self.kind == "region" else CENTRAL_ONLY

    @property
    def label_en(self) -> str:
        return ", ".join(r.name_en for r in self.regions) if self.kind == "region" else CENTRAL_ONLY_EN


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    raw = tomllib.loads((MATCH_DATA / "regions.toml").read_text(encoding="utf-8"))
    return {key: Region(key, r["name"], r["name_en"], frozenset(r["provinces"]), r["source"]) for key, r in raw.items()}


@lru_cache(maxsize=1)
def table() -> dict[str, Applicability]:
    known = regions()
    out = {}
    for row in applicability_rows():
        bound = tuple(known[k] for k in row["regions"].split(";") if k)
        reasons = (row["reason"], row["reason_en"])
        out[row["measure"]] = Applicability(row["measure"], row["kind"], bound, *reasons, row["quote"])
    return out


def short_province(province: str) -> str:
    """The short name regions.toml lists (新疆 for 新疆维吾尔自治区); a name that is no province's, as written."""
    return metadata.short_province(province) or province.strip()


def not_applicable(measure_id: str, text: str, province: str | None, level: str) -> Applicability | None:
    """The reviewed row that makes this base measure not apply to a plan (None: it applies, or cannot be told).

    Central-only measures apply to no city or province plan. A region-bound one does not apply when the plan's
    province is known and lies outside every region named; an unknown province leaves it to be judged. A row whose
    quote the measure's text does not hold belongs to another base and is not used."""
    row = table().get(measure_id)
    if row is None or row.quote not in text or level == "national":
        return None
    if row.kind == "central":
        return row
    if not province:
        return None
    short = short_province(province)
    return row if all(short not in r.provinces for r in row.regions) else None
