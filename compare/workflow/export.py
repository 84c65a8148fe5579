"""`jtcompare export`: every plan's alignment with one base, written to a SQLite database as it is made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jtcompare.atomic import check_target
from jtcompare.errors import JtError
from jtcompare.match.settings import Settings
from jtcompare.plans.registry import Library
from jtcompare.report.i18n import Lang
from jtcompare.report.sqlite import Row, Rows, Written, check_export_mix, check_export_target, write_sqlite
from jtcompare.workflow.batch import Progress
from jtcompare.workflow.overrides import read_overrides
from jtcompare.workflow.run import Stream


@dataclass(frozen=True)
class Exported:
    written: Written
    stale: list[str]  # overrides that no longer apply
    problems: list[JtError]  # plans left out: broken entry, missing file


def export_sqlite(
    lib: Library,
    plans: list[str] | None,
    base: str,
    settings: Settings,
    out: Path,
    *,
    use_cache: bool = True,
    overrides: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
    protected: Mapping[Path, str] | None = None,
    lang: Lang = "en",
) -> Exported:
    """Align `plans` (None: every plan but the base) with `base` and write or update the database at `out`; the
    rows of plans no longer in the library are removed. Each plan is cut down to its rows as it finishes; the
    judgements' sentences (evidence, units not covered) are written in `lang`."""
    base_id = lib.find(base).id
    # refused before any alignment: a folder, a FIFO or a library file; a file that is not one of our databases;
    # an update that would mix two languages or two settings
    check_target(out, force=True, protected=protected)
    check_export_target(out)
    check_export_mix(out, lang, settings, None if plans is None else [lib.find(p).id for p in plans])
    stream = Stream(
        lib,
        plans,
        base_id,
        settings,
        Rows(lang=lang),
        use_cache=use_cache,
        overrides=overrides,
        jobs=jobs,
        progress=progress,
    )

    def analyst_rows(plan_id: str) -> list[Row]:
        return [
            {"plan": plan_id, "base": base_id, "measure": o.measure, "status": o.status, "match": o.match}
            | {"note": o.note, "analyst": o.by, "date": o.date, "text": o.text, "applied": None}  # set once judged
            for o in read_overrides(lib.folder, plan_id)
            if o.base in ("", base_id)
        ]

    library = set(lib.plans) | set(lib.broken)  # a broken entry is still the library's: its rows stay
    written = write_sqlite(
        out,
        stream,
        base=base_id,
        overrides=analyst_rows,
        library=library,
        protected=protected,
        lang=lang,
        settings=settings,
        applied=overrides,
    )
    return Exported(written, stream.stale, stream.problems)
