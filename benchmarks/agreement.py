"""Agreement between the two independent readings of the labels (Cohen's kappa): the ceiling for the engine.

tests/labels/second_reading.csv was made by a second reader, blind to the first labels and to the engine,
on 120 rows drawn by a salted hash (40 per city). Rows where the readings differ are marked borderline in
the label files by `mark_borderline` (run once when a second reading is added).

    python -m benchmarks.agreement
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "labels"
PARTS = (LABELS / "calibration" / "measures.csv", LABELS / "heldout" / "measures.csv")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def first_reading() -> dict[tuple[str, str], str]:
    return {(r["plan"], r["base_measure"]): r["status"] for p in PARTS for r in _rows(p)}


def second_reading() -> dict[tuple[str, str], str]:
    return {(r["plan"], r["base_measure"]): r["status"] for r in _rows(LABELS / "second_reading.csv")}


def cohen_kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa of two readers' categorical calls: (observed - chance) / (1 - chance)."""
    n = len(pairs)
    if not n:
        return 0.0
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[c] * second[c] for c in first) / (n * n)
    return (observed - chance) / (1 - chance) if chance < 1 else 1.0


def paired() -> list[tuple[str, str]]:
    one, two = first_reading(), second_reading()
    return [(one[k], two[k]) for k in two if k in one]


def mark_borderline() -> int:
    """Append 'borderline (second reading: X)' to the reason of every row the readers disagree on."""
    two = second_reading()
    changed = 0
    for path in PARTS:
        rows = _rows(path)
        for r in rows:
            other = two.get((r["plan"], r["base_measure"]))
            note = f"borderline (second reading: {other})"
            if other and other != r["status"] and note not in r["reason"]:
                r["reason"] = f"{r['reason']}; {note}"
                changed += 1
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return changed


def summary() -> dict[str, float]:
    pairs = paired()
    four = [(a, b) for a, b in pairs if "not_applicable" not in (a, b)]
    taken = [(a in ("omitted", "not_applicable"), b in ("omitted", "not_applicable")) for a, b in pairs]
    return {
        "rows": len(pairs),
        "exact": sum(a == b for a, b in pairs) / len(pairs),
        "kappa": cohen_kappa(pairs),
        "exact_four": sum(a == b for a, b in four) / len(four),
        "kappa_four": cohen_kappa(four),
        "taken_up": sum(a == b for a, b in taken) / len(taken),
    }


if __name__ == "__main__":
    for key, value in summary().items():
        print(f"{key:<12} {value:.3f}" if isinstance(value, float) else f"{key:<12} {value}")
