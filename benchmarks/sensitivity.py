"""Which settings make a difference: each setting moved down and up from its default, one at a time, and the
effect on the CALIBRATION labels (four-status accuracy) and on every base measure's status in the three city
plans. It never reads the held-out part.

A setting that changes nothing in the three plans' alignments at either value (no measure status, clause
status, clause mapping, local addition, target compared or evidence cited) does nothing on real plans and is a
candidate for removal (issue 12: "settings that calibration shows make no difference are removed").

    python -m benchmarks.sensitivity              # prints the table (Markdown)
"""

from __future__ import annotations

import dataclasses
import sys

from jtcompare.match.classify import align
from jtcompare.match.results import Alignment
from jtcompare.match.settings import DEFAULTS, Settings, _check
from jtcompare.plans.registry import open_library

from benchmarks.evaluate import CALIBRATION, read_labels, score_measures

CITIES = ("chongqing", "wuhan", "chengdu")


def _moved(name: str, value: float) -> list[float]:
    """Two values either side of the default that the settings check accepts."""
    if isinstance(value, int):
        return [value - 1, value + 1] if value > 1 else [value + 1, value + 2]
    down, up = round(value * 0.5, 4), round(min(value * 1.5, 1.0) if value <= 1 else value * 1.5, 4)
    if value == 0:
        down, up = 0.05, 0.1
    if up == value:  # a share at 1.0 already
        up = round(value * 0.75, 4)
    return [down, up]


def _run(settings: Settings) -> dict[str, Alignment]:
    lib = open_library()
    base = lib.load("national")
    return {c: align(base, lib.load(c), settings) for c in CITIES}


def _statuses(alignments: dict[str, Alignment]) -> dict[tuple[str, str], str]:
    return {(c, m.measure.id): m.status for c, a in alignments.items() for m in a.measures}


def _outputs(alignments: dict[str, Alignment]) -> dict[tuple[str, ...], object]:
    """Everything a report shows besides the measure statuses: clause statuses and their listed matches, each plan
    clause's base clause, the local additions, the targets compared, the evidence cited."""
    out: dict[tuple[str, ...], object] = {}
    for c, a in alignments.items():
        for r in a.clauses:
            out[(c, "clause", r.clause.id)] = (r.status, tuple(m.id for m, _ in r.matches))
        for r in a.plan_clauses:
            out[(c, "plan clause", r.clause.id)] = r.best[0].id if r.best else None
        out[(c, "local")] = tuple(x.measure.id for x in a.local)
        for m in a.measures:
            out[(c, "measure", m.measure.id)] = (
                tuple(p.verdict for p in m.compared),
                tuple(x.measure.id for x in m.matches),
            )
    return out


def main() -> None:
    labels = read_labels(CALIBRATION)
    reference = _run(DEFAULTS)
    ref_status = _statuses(reference)
    ref_accuracy = score_measures(reference, labels).accuracy
    ref_outputs = _outputs(reference)
    print(f"Defaults: calibration accuracy {ref_accuracy:.3f} over {len(labels)} rows; {len(ref_status)} statuses.\n")
    print("| setting | default | value | calibration accuracy | Δ | measure statuses changed | other outputs changed |")
    print("|---|---|---|---|---|---|---|")
    for field in dataclasses.fields(Settings):
        default = getattr(DEFAULTS, field.name)
        for value in _moved(field.name, default):
            try:
                settings = _check(dataclasses.replace(DEFAULTS, **{field.name: value}))
            except Exception as exc:  # a value the check refuses: say so and go on
                print(f"| {field.name} | {default} | {value} | refused: {exc} | | | |")
                continue
            got = _run(settings)
            accuracy = score_measures(got, labels).accuracy
            changed = sum(s != ref_status[k] for k, s in _statuses(got).items())
            other = sum(v != ref_outputs.get(k) for k, v in _outputs(got).items())
            print(
                f"| {field.name} | {default} | {value} | {accuracy:.3f} | {accuracy - ref_accuracy:+.3f} "
                f"| {changed} | {other} |"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
