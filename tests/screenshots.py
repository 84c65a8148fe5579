"""The README's screenshots as references: a test's screenshot is compared with the committed one, and written over
it only on request (JTCOMPARE_UPDATE_SCREENSHOTS=1, docs/DEVELOPING.md), so a run never changes docs/img."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

from tests.conftest import ROOT

SHOTS = ROOT / "docs" / "img"
# a pixel differs when a channel moves by more than this (font hinting and antialiasing move edges by a few
# levels from one Chromium build to the next); a screenshot differs when more than this share of pixels do
CHANNEL_STEP = 24
TOLERANCE = 0.01


def update_requested() -> bool:
    return os.environ.get("JTCOMPARE_UPDATE_SCREENSHOTS") == "1"


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def difference(new: bytes, old: bytes) -> float:
    """The share of pixels that differ between two PNGs (1.0 when their sizes differ)."""
    a, b = pixels(new), pixels(old)
    if a.shape != b.shape:
        return 1.0
    return float((np.abs(a - b).max(axis=2) > CHANNEL_STEP).mean())


def check(png: bytes, name: str, failed_dir: Path) -> None:
    """Compare `png` with docs/img/`name`; write it there instead when an update is requested. A mismatch fails,
    leaving the new screenshot in `failed_dir` to look at."""
    path = SHOTS / name
    if update_requested():
        if not path.exists() or path.read_bytes() != png:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
        return
    assert path.exists(), f"no reference {path}: run the test with JTCOMPARE_UPDATE_SCREENSHOTS=1 and commit it"
    share = difference(png, path.read_bytes())
    if share > TOLERANCE:
        failed_dir.mkdir(parents=True, exist_ok=True)
        (failed_dir / name).write_bytes(png)
        raise AssertionError(
            f"{name} differs from {path} in {share:.1%} of its pixels (new one: {failed_dir / name}); if the change "
            "is meant, look at it and rerun with JTCOMPARE_UPDATE_SCREENSHOTS=1"
        )
