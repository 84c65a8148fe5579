"""Where the matcher's own word lists live (boilerplate slogans, obligation words)."""

from __future__ import annotations

from importlib import resources

MATCH_DATA = resources.files("jtcompare.match") / "data"
