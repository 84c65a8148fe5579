"""Whole alignments remembered on disk, so that a repeated `align`, `report`, `view` or `matrix` does no matching.

An entry is keyed by both plans' metadata and text, the settings and the engine fingerprint (every source and
data file of ingest, text, plans and match, see plans/cache.py): a change to any of them is a miss. Analyst
overrides are not part of it: they are applied on top of the cached alignment, as on a fresh one. A missing or
broken entry is computed and written again; `--no-cache` reads and writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from jtcompare.match.results import Alignment
from jtcompare.match.settings import Settings
from jtcompare.plans.cache import cache_key, cache_root, load_plan, read_pickle, write_pickle
from jtcompare.plans.model import Plan, PlanMeta
from jtcompare.plans.registry import Library


def alignment_dir() -> Path:
    return cache_root() / "alignments"


def alignment_path(base: PlanMeta, base_text: str, plan: PlanMeta, plan_text: str, settings: Settings) -> Path:
    """Where the alignment of `plan` with `base` under `settings` is kept (cache_key includes the engine)."""
    h = hashlib.sha256(cache_key(base, base_text).encode())
    h.update(cache_key(plan, plan_text).encode())
    h.update(repr(settings).encode())  # a frozen dataclass of numbers: its repr names every field and value
    return alignment_dir() / f"{h.hexdigest()[:32]}.pickle"


@dataclass
class Aligner:
    """Aligns plans of a library with one base, through the cache; picklable, so a worker process gets one.

    The base text is read at once (an unreadable base fails the run, not each plan); the base is parsed only
    when some plan's alignment is not in the cache.
    """

    lib: Library
    base_id: str
    settings: Settings
    use_cache: bool = True
    base_meta: PlanMeta = field(init=False)
    base_text: str = field(init=False)
    _base: Plan | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.base_meta = self.lib.find(self.base_id)
        self.base_text = self.lib.read_text(self.base_meta)

    @property
    def base(self) -> Plan:
        if self._base is None:
            self._base = load_plan(self.base_meta, self.base_text, use_cache=self.use_cache)
        return self._base

    def _meta(self, plan_id: str) -> PlanMeta:
        # an id as the library spells it is looked up directly: find() compares the query with every plan's
        # name, which made a matrix of N plans cost N² name comparisons
        return self.lib.plans.get(plan_id) or self.lib.find(plan_id)

    def path(self, plan_id: str) -> Path:
        meta = self._meta(plan_id)
        return alignment_path(self.base_meta, self.base_text, meta, self.lib.read_text(meta), self.settings)

    def is_cached(self, plan_id: str) -> bool:
        return self.use_cache and self.path(plan_id).is_file()

    def __call__(self, plan_id: str) -> Alignment:
        """The alignment of `plan_id`, from the cache when both texts, the settings and the engine are as then."""
        meta = self._meta(plan_id)
        text = self.lib.read_text(meta)
        if not self.use_cache:
            return self._align(load_plan(meta, text, use_cache=False))
        path = alignment_path(self.base_meta, self.base_text, meta, text, self.settings)
        found = read_pickle(path, Alignment)
        if found is not None:
            return found
        result = self._align(load_plan(meta, text))
        write_pickle(path, result)
        return result

    def _align(self, plan: Plan) -> Alignment:
        # the matcher (numpy, the term index, the status model) is imported on a miss only: a cached
        # alignment is read back without it, which is most of a warm `align`'s start-up
        from jtcompare.match.classify import align

        return align(self.base, plan, self.settings)
