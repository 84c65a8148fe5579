"""Which national measures are bound to a region a plan lies outside (data/regions.toml, with sources)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from jtcompare.match.lexicon import MATCH_DATA


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    triggers: tuple[str, ...]
    provinces: frozenset[str]
    source: str
    unless: tuple[str, ...] = ()  # other places in the same sentence that make it apply more widely


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    raw = tomllib.loads((MATCH_DATA / "regions.toml").read_text(encoding="utf-8"))
    return tuple(
        Region(key, r["name"], tuple(r["triggers"]), frozenset(r["provinces"]), r["source"], tuple(r.get("unless", ())))
        for key, r in raw.items()
    )


def outside_region(text: str, province: str | None) -> Region | None:
    """The region `text` is bound to when the plan's province lies outside it (None: applicable, or unknown)."""
    if not province:
        return None
    short = province.removesuffix("省").removesuffix("市").removesuffix("自治区")
    for region in regions():
        bound = any(t in text for t in region.triggers) and not any(u in text for u in region.unless)
        if bound and short not in region.provinces:
            return region
    return None
