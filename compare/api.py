"""jtcompare's Python API: a library of plans and what can be done with it. The command line is built on it: each
command parses its options, makes one call here and renders what comes back.

    >>> import jtcompare
    >>> lib = jtcompare.Library()                    # your library, else the one shipped; or Library(path)
    >>> a = lib.align("chongqing", "national")       # an Alignment: a cell per national measure
    >>> a.plan.meta.name, len(a.measures)
    ('重庆市', 157)
    >>> cell = next(m for m in a.measures if m.measure.id == "N10.02")
    >>> cell.status in ("adopted", "strengthened", "partial", "omitted"), cell.key_units_shown
    (True, '2/2')
    >>> df = a.to_frame()                            # pandas, one row per national measure
    >>> df.loc["N10.02", ["status", "key_units_covered", "key_units_total"]].tolist() == [cell.status, 2, 2]
    True
    >>> m = lib.matrix("national")                   # every plan; m.to_frame() is the coverage matrix
    >>> m.to_frame().loc["N10.02"].index.tolist()
    ['chongqing', 'wuhan', 'chengdu']

Adding a plan writes to your own library (made from the shipped plans by the first write that succeeds, never
inside the package):

    lib.import_plan("path/to/plan.docx", id="xiangyang", name="襄阳市", province="湖北")

Results are frozen dataclasses (jtcompare.match.results): everything a renderer shows is in them. Errors are
`jtcompare.errors.JtError`s, each with a one-line message naming the file and the problem.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from jtcompare.errors import JtError
from jtcompare.match.results import Alignment, Matrix, cell_rows
from jtcompare.match.settings import Settings, load_settings
from jtcompare.plans.registry import default_plans_dir, describe_library, library_files, open_library, shipped_plans_dir

# The rest of the engine is imported by the methods that use it: a warm `align` from the command line, which goes
# through this module, must not load the importer's readers, the review's workbook reader or the SQLite writer.
if TYPE_CHECKING:  # the types the command line annotates with, named here so that it imports the API alone
    from jtcompare.plans.importer import Imported
    from jtcompare.plans.model import Plan, PlanMeta
    from jtcompare.plans.registry import Library as _Folder
    from jtcompare.report.i18n import Lang
    from jtcompare.workflow.batch import Progress
    from jtcompare.workflow.export import Exported
    from jtcompare.workflow.overrides import Override
    from jtcompare.workflow.reimport import Moved
    from jtcompare.workflow.review import ReviewImport
    from jtcompare.workflow.run import Result, Stream

__all__ = ["Alignment", "Library", "Matrix", "Pinned", "parse_size", "settings"]

T = TypeVar("T")
PathLike = str | os.PathLike[str]


def settings(config: PathLike | None = None, **values: float) -> Settings:
    """The aligner's settings: the defaults, those of a TOML `config` file, then `values` (e.g. check_below=0.6)."""
    return load_settings(Path(config) if config else None, **values)


@dataclass(frozen=True)
class Pinned:
    """What `Library.override` did: the overrides file written; whether the status given was the engine's own call
    (kept as a confirmation, not a correction); whether the measure is of a framing or situation clause, which no
    coverage counts (`Library.framing`); the override it replaced, if the cell had one."""

    path: Path
    confirmed: bool
    framing: bool
    replaced: Override | None = None  # the override the cell had before (its status, note, by and date)


class Library:
    """A folder of plans (plans.toml and the plan texts) and the comparisons made with it.

    `path` None means the default: $JTCOMPARE_PLANS_DIR, else your own library once an import or an override made
    it, else the one shipped with the package. It is looked up at each call, so a library made meanwhile is used.
    `config` and `check_below` set the aligner's settings for every comparison this object makes."""

    def __init__(
        self, path: PathLike | None = None, *, config: PathLike | None = None, check_below: float | None = None
    ) -> None:
        self._given = Path(path) if path is not None else None
        self.settings = settings(config, **({"check_below": check_below} if check_below is not None else {}))

    def __repr__(self) -> str:
        return f"Library({str(self.path)!r})"

    # --- reading ------------------------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._given or default_plans_dir()

    def describe(self) -> str:
        """Which library this is, in words: yours, the shipped one (read-only) or a folder given."""
        return describe_library(self.path)

    def folder(self) -> _Folder:
        """The library as plans.toml now describes it (entries that fail validation are in `.broken`)."""
        return open_library(self._given)

    def plans(self) -> list[PlanMeta]:
        """What plans.toml says of every readable entry."""
        return list(self.folder().plans.values())

    def find(self, name: str) -> PlanMeta:
        """The plan called `name`: its id (wuhan) or Chinese name (武汉, 武汉市)."""
        return self.folder().find(name)

    def plan(self, name: str, *, use_cache: bool = True) -> Plan:
        """The plan called `name`, parsed into chapters, clauses and measures."""
        return self.folder().load(name, use_cache=use_cache)

    def load_all(self, *, use_cache: bool = True) -> tuple[list[Plan], list[Exception]]:
        """Every plan, parsed, and why each one that could not be read was left out."""
        plans, problems = self.folder().load_all(use_cache=use_cache)
        return plans, list(problems)

    def default_plans(self, base: str = "national") -> list[str]:
        """The ids a many-plan comparison takes when given none: every plan but the base."""
        from jtcompare.workflow.batch import default_plans

        return default_plans(self.folder(), base)

    def files(self) -> dict[Path, str]:
        """The files this library and the shipped one are made of, each with what it is: nothing may overwrite
        them (an output's --out is refused when it names one)."""
        files = library_files(shipped_plans_dir())
        files.update(library_files(self.path))
        return files

    # --- comparing ----------------------------------------------------------------------------------------------

    def align(self, plan: str, base: str = "national", *, use_cache: bool = True, overrides: bool = True) -> Alignment:
        """`plan` against `base`, measure by measure, with the analysts' overrides applied (`.stale` lists those
        that no longer apply)."""
        from jtcompare.workflow.run import run_alignment

        done = run_alignment(self.folder(), plan, base, self.settings, use_cache=use_cache, overrides=overrides)
        return done.alignments[0]

    def align_all(
        self,
        base: str = "national",
        plans: str | Sequence[str] | None = None,
        *,
        jobs: int = 1,
        use_cache: bool = True,
        overrides: bool = True,
        progress: Progress | None = None,
    ) -> Result:
        """Every plan (or `plans`) against `base`, all kept: for outputs that need every alignment at once."""
        from jtcompare.workflow.run import run_many

        return run_many(self.folder(), _ids(plans), base, self.settings, **_run(jobs, use_cache, overrides, progress))

    def stream(
        self,
        base: str,
        plans: str | Sequence[str] | None,
        reduce: Callable[[Alignment], T],
        *,
        jobs: int = 1,
        use_cache: bool = True,
        overrides: bool = True,
        progress: Progress | None = None,
    ) -> Stream[T]:
        """Each plan's alignment cut down by `reduce` as it is made (a module-level function when jobs > 1), so
        that memory does not grow with the number of plans; once iterated, `.stale` and `.problems`."""
        from jtcompare.workflow.run import Stream

        return Stream(
            self.folder(), _ids(plans), base, self.settings, reduce, **_run(jobs, use_cache, overrides, progress)
        )

    def matrix(
        self,
        base: str = "national",
        plans: str | Sequence[str] | None = None,
        *,
        jobs: int = 1,
        use_cache: bool = True,
        overrides: bool = True,
        progress: Progress | None = None,
    ) -> Matrix:
        """The coverage matrix of every plan (or `plans`) against `base`: `.to_frame()` a measure x plan table of
        statuses, `.summary_frame()` each plan's counts and coverage."""
        stream = self.stream(
            base, plans, _matrix_part, jobs=jobs, use_cache=use_cache, overrides=overrides, progress=progress
        )
        parts = list(stream)
        return Matrix(
            base=self.find(base).id,
            plans=tuple(p[0] for p in parts),
            cells=tuple(c for _, _, cells in parts for c in cells),
            summary=tuple(s for _, s, _ in parts),
            stale=tuple(stream.stale),
            problems=tuple(str(p) for p in stream.problems),
        )

    # --- changing the library -----------------------------------------------------------------------------------

    def import_plan(
        self,
        path: PathLike,
        *,
        id: str | None = None,
        name: str | None = None,
        province: str | None = None,
        level: str | None = None,
        kind: str | None = None,
        title: str | None = None,
        date: str | None = None,
        format: str | None = None,
        max_size: str | int | None = None,
        force: bool = False,
        replace_base: bool = False,
        dry_run: bool = False,
    ) -> Imported:
        """Read a plan file (.txt, .docx, .pdf, .html), check and parse it, and add it to the library (your own
        unless a path was given; nothing written when `dry_run`). What was not given is read from the text and
        listed in `Imported.guessed`. A dry run the real one would refuse returns what it read with the errors in
        `Imported.blocked` (the command prints the outline, then fails with the first); the real run raises it."""
        from jtcompare.plans.importer import import_plan

        size = parse_size(max_size) if isinstance(max_size, str) else max_size
        return import_plan(
            Path(path),
            self._given,
            plan_id=id,
            name=name,
            level=level,
            kind=kind,
            title=title,
            date=date,
            province=province,
            fmt=format,
            force=force,
            replace_base=replace_base,
            dry_run=dry_run,
            **({"max_size": size} if size is not None else {}),
        )

    def moved_cells(self, imported: Imported) -> tuple[str | None, list[Moved]]:
        """For a plan an import replaced: the library's base and the base measures whose status moved between the
        old and the new version (both aligned under the default settings); (None, []) for a new plan."""
        from jtcompare.plans.library_edit import library_now
        from jtcompare.plans.registry import open_library as open_folder
        from jtcompare.workflow.reimport import base_of, moved_cells

        if imported.previous is None:
            return None, []
        lib = open_folder(library_now(imported.folder))  # a dry run's library may not be made yet
        base = base_of(lib, imported.plan)
        return base, moved_cells(lib, base, imported.previous, imported.plan) if base else []

    def override(
        self, plan: str, measure: str, status: str, *, note: str, by: str = "", match: str = "", base: str = "national"
    ) -> Pinned:
        """Pin an analyst's status (a status id or the name the outputs print, 采纳) of one base measure for `plan`,
        with a note. The engine's own call given again is kept as a confirmation (as a review's agreement is: no
        correction, the engine's evidence kept; a pinned `match` makes it a correction). Returns the file written,
        whether it confirmed, and whether the measure is one no coverage counts (Library.framing)."""
        from jtcompare.plans.library_edit import library_now, writable_plans_dir
        from jtcompare.report.vocab import parse_status, typed_lang
        from jtcompare.workflow.overrides import add_override
        from jtcompare.workflow.review import confirmed_note, confirms

        folder = writable_plans_dir(self._given)
        lib = open_library(library_now(folder))  # checked against the plans as they are; your library made on writing
        now = parse_status(status)
        confirmed = confirms(self._engine_call(lib, plan, measure, base), str(now), match)
        if confirmed:
            note = confirmed_note(note, typed_lang(status))
        path, replaced = add_override(
            folder, lib.load(plan), lib.load(base), measure, status, note=note, by=by, match=match
        )
        return Pinned(path, confirmed, self.framing(measure, base), replaced)

    def _engine_call(self, lib: _Folder, plan: str, measure: str, base: str) -> str | None:
        """The engine's own status of one cell, as review_import's; None where there is none to give
        (add_override then says why the override cannot be taken: the base against itself, an unknown measure)."""
        from jtcompare.workflow.review import engine_calls

        try:
            return engine_calls(lib, lib.find(plan).id, lib.find(base).id, self.settings).get(measure)
        except JtError:
            return None

    def framing(self, measure: str, base: str = "national") -> bool:
        """Whether base measure `measure` is one of a framing clause (指导思想, 基本原则) or of the situation
        (面临形势): it has a status, but no plan's coverage counts it.

        >>> Library().framing("N02.01"), Library().framing("N09.04")
        (True, False)
        """
        from jtcompare.match.scoring import clause_role
        from jtcompare.workflow.overrides import no_such_measure

        plan = self.plan(base)
        clause = next((c for c in plan.clauses if any(m.id == measure for m in c.measures)), None)
        if clause is None:
            raise no_such_measure(plan.id, measure)
        return clause_role(clause) != "action"

    def clear_override(self, plan: str, measure: str, *, base: str = "national") -> tuple[Path, Override]:
        """Remove the analyst's override of one base measure for `plan` (the engine's call applies again): the
        overrides file written and the override removed; BadOption when there is none."""
        from jtcompare.plans.library_edit import library_now, writable_plans_dir
        from jtcompare.workflow.overrides import remove_override

        folder = writable_plans_dir(self._given)
        start = library_now(folder)
        lib = open_library(start)
        return remove_override(folder, start, lib.find(plan).id, lib.find(base).id, measure)

    def import_review(self, path: PathLike, *, base: str = "national") -> ReviewImport:
        """Apply every analyst status filled in a reviewed file (the view's exported CSV or a report workbook)."""
        from jtcompare.plans.library_edit import library_now, writable_plans_dir
        from jtcompare.workflow.review import import_review

        folder = writable_plans_dir(self._given)
        lib = open_library(library_now(folder))
        return import_review(lib, Path(path), default_base=base, folder=folder, settings=self.settings)

    def export_sqlite(
        self,
        out: PathLike,
        base: str = "national",
        plans: str | Sequence[str] | None = None,
        *,
        jobs: int = 1,
        use_cache: bool = True,
        overrides: bool = True,
        progress: Progress | None = None,
        lang: Lang = "en",
    ) -> Exported:
        """Write (or update in place) a SQLite database of the plans, their measures and every judgement; `lang` is
        the language of the judgements' sentences (evidence, units not covered), ids stay English."""
        from jtcompare.report.i18n import resolve_lang
        from jtcompare.workflow.export import export_sqlite

        lang = resolve_lang(lang, "en")  # "fr" is the one-line error a command gives, not a KeyError mid-export
        return export_sqlite(
            self.folder(),
            _ids(plans),
            base,
            self.settings,
            Path(out),
            **_run(jobs, use_cache, overrides, progress),
            protected=self.files(),
            lang=lang,
        )


def parse_size(text: str) -> int:
    """A size as typed (500k, 20MB, 1g), in bytes; a one-line error beyond 1 byte to 1 GB."""
    from jtcompare.ingest.readers import parse_size as parse

    return parse(text)


def _ids(plans: str | Sequence[str] | None) -> list[str] | None:
    """The plans asked for: one id or name ("wuhan"), or several; a string is one plan, not its letters."""
    if isinstance(plans, str):
        return [plans]
    return list(plans) if plans else None


def _run(jobs: int, use_cache: bool, overrides: bool, progress: Progress | None) -> dict:
    return {"jobs": jobs, "use_cache": use_cache, "overrides": overrides, "progress": progress}


def _matrix_part(a: Alignment) -> tuple[str, dict[str, object], list[dict[str, object]]]:
    """One plan's share of a Matrix: its id, its summary row and its cells (run in the worker with jobs > 1)."""
    from jtcompare.report.frames import summary_row  # the row every report's summary has, so they agree

    return a.plan.meta.id, summary_row(a), cell_rows(a)
