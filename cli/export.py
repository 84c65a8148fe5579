"""`jtcompare export`: every plan's judgements as a SQLite database, for SQL, notebooks and Datasette."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from jtcompare.cli.app import app, errors, fail_on_problems, note, say
from jtcompare.cli.options import Base, CheckBelow, Config, Jobs, NoCache, NoOverrides, PlansDir, Quiet
from jtcompare.errors import BadOption, Said, message

if TYPE_CHECKING:  # the engine is imported by the command that runs it (see cli/align.py)
    from jtcompare.api import Exported

FORMATS = ("sqlite",)
SUFFIXES = (".db", ".sqlite", ".sqlite3")

SentenceLang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the sentences in the database (evidence, units not covered): zh or en (default en, or "
        "$JTCOMPARE_LANG); column names, statuses and verdicts are English ids either way.",
    ),
]
Required = Annotated[
    Path,
    typer.Option("--out", "-o", help="The database to write, or to update if it exists.", show_default=False),
]


@app.command("export")
def export_cmd(
    out: Required,
    plans: Annotated[
        list[str] | None, typer.Argument(metavar="PLAN", help="Plans to export (default: every plan but the base).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="sqlite (the default for .db, .sqlite, .sqlite3).")
    ] = None,
    base: Base = "national",
    plans_dir: PlansDir = None,
    config: Config = None,
    check_below: CheckBelow = None,
    jobs: Jobs = None,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    lang: SentenceLang = None,
    quiet: Quiet = False,
    # every other command that writes a file takes --force; an export updates its file in place, so it needs none:
    # taken, and said so, rather than refused as an unknown option
    force: Annotated[bool, typer.Option("--force", hidden=True)] = False,
) -> None:
    """Every plan's judgements against the base as a SQLite database: plans, clauses, measures, action units,
    judgements, targets, local additions and overrides, with foreign keys, indexes and full-text search.

    Exporting again into the same file updates it: rows are replaced, and those of plans or measures that no
    longer exist are removed. Statuses and verdicts are stored as their English ids (the statuses and verdicts
    tables have the words); the evidence and the units not covered are in the --lang language.

    Then, e.g.: sqlite3 plans.db "SELECT plan FROM judgements WHERE measure = 'N03.03' AND status = 'omitted'"

    Examples:

    \b
      jtcompare export --format sqlite --out plans.db
      jtcompare export wuhan chengdu --out two-cities.db --quiet
    """
    with errors(lang):
        _check_format(fmt, out)
        if force:
            note("note", Said("--force is not needed: export updates the file in place", message("note.export_force")))
        from jtcompare.api import Library
        from jtcompare.cli.progress import cores, progress_bar
        from jtcompare.report.i18n import resolve_lang

        lib = Library(plans_dir, config=config, check_below=check_below)
        total = (lambda: len(plans)) if plans else (lambda: len(lib.default_plans(base)))
        with progress_bar(total, not quiet) as progress:
            done = lib.export_sqlite(
                out,
                base,
                plans,
                use_cache=not no_cache,
                overrides=not no_overrides,
                jobs=jobs or cores(),
                progress=progress,
                lang=resolve_lang(lang, "en"),
            )
        _report(out, done, quiet)
        fail_on_problems(done.problems)


def _check_format(fmt: str | None, out: Path) -> None:
    if fmt is None and out.suffix.lower() not in SUFFIXES:
        raise BadOption(
            f"{out}: cannot tell the format from '{out.suffix}'; give --format sqlite",
            message("error.export_format_from_suffix", path=out, suffix=out.suffix),
        )
    if fmt is not None and fmt.lower() not in FORMATS:
        raise BadOption(
            f"--format: unknown format '{fmt}'; export writes {', '.join(FORMATS)}",
            message("error.export_unknown_format", format=fmt, choices=list(FORMATS)),
        )
    from jtcompare.cli.output import warn_if_named_otherwise

    warn_if_named_otherwise(out, "sqlite")  # a database under x.csv would not open as one


def _report(out: Path, done: Exported, quiet: bool) -> None:
    if quiet:
        return
    for problem in done.stale:
        note("note", problem)
    if not done.written.full_text:
        say("cli.no_full_text", err=True)
    counts = done.written.counts
    say(
        "cli.exported",
        err=True,
        path=out,
        exported=len(done.written.plans),
        plans=counts.get("plans", 0),
        judgements=counts.get("judgements", 0),
    )
