"""The engine's entry points for commands: load plans, align, apply overrides."""

from __future__ import annotations

from compare.classify import Alignment, align
from compare.registry import Library
from compare.settings import Settings


def run_alignment(
    lib: Library, plan: str, base: str, settings: Settings, *, use_cache: bool = True, overrides: bool = True
) -> Alignment:
    base_plan = lib.load(base, use_cache=use_cache)
    the_plan = lib.load(plan, use_cache=use_cache)
    return align(base_plan, the_plan, settings)
