"""What produced a report: tool version, settings, base, plans, date and a fingerprint of the texts compared.

A workbook or brief that travels by e-mail can be traced back: the same fingerprint means the same plan
texts and metadata, the settings line says whether the calibrated defaults were used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from jtcompare.match.results import Alignment
from jtcompare.match.settings import DEFAULTS, as_dict
from jtcompare.plans.model import Plan
from jtcompare.version import __version__


@dataclass(frozen=True)
class Provenance:
    version: str
    base: str  # id
    plans: tuple[str, ...]
    made: str  # ISO date
    settings: dict[str, float]
    changed: dict[str, float]  # settings that differ from the defaults
    fingerprint: str

    def settings_line(self, defaults_word: str) -> str:
        """`defaults` or the changed settings, `adopt_threshold=0.6, ...`."""
        if not self.changed:
            return defaults_word
        return ", ".join(f"{k}={v:g}" for k, v in self.changed.items())


def provenance(alignments: list[Alignment]) -> Provenance:
    first = alignments[0]
    settings = as_dict(first.settings)
    defaults = as_dict(DEFAULTS)
    return Provenance(
        version=__version__,
        base=first.base.id,
        plans=tuple(a.plan.id for a in alignments),
        made=date.today().isoformat(),
        settings=settings,
        changed={k: v for k, v in settings.items() if defaults.get(k) != v},
        fingerprint=fingerprint([first.base, *(a.plan for a in alignments)]),
    )


def fingerprint(plans: list[Plan]) -> str:
    """16 hex digits of a SHA-256 over each plan's metadata and text as received."""
    digest = hashlib.sha256()
    for p in plans:
        m = p.meta
        for part in (m.id, m.name, m.kind, m.title, m.date or "", m.doc_number or "", p.norm.original):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
    return digest.hexdigest()[:16]
