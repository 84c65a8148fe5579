"""How long the property tests search.

The default run (`pytest`) gives each property test a fifth of its examples, so the suite stays within a minute
on two cores; `pytest -m slow`, which CI runs (.ci/run), runs every property test again with all of them
(tests/conftest.py marks them slow for that run). `JTCOMPARE_FUZZ=long` or `quick` chooses either way by hand.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

QUICK_SHARE = 5  # the default run tries one example in this many


def long_run() -> bool:
    return os.environ.get("JTCOMPARE_FUZZ") == "long"


def fuzz(examples: int, *, slow_examples: bool = False) -> settings:
    """`examples` under the long run, a fifth (at least 2) by default; no deadline, as one example may align a
    plan. `slow_examples` also silences hypothesis's too-slow health check, for tests whose inputs take time."""
    n = examples if long_run() else max(2, examples // QUICK_SHARE)
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow] if slow_examples else [],
    )
