"""`jtcompare matrix`, `jtcompare report` and `jtcompare override`: many plans, gap reports, analyst pins."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from jtcompare.cli.align import render_one
from jtcompare.cli.app import app, errors, fail_on_problems
from jtcompare.cli.options import Base, Config, Force, Jobs, Lang, NoCache, NoOverrides, Out, PlansDir, Quiet
from jtcompare.cli.output import emit, precheck, resolve_format
from jtcompare.cli.view import Views, precheck_views, write_heatmap
from jtcompare.errors import BadOption

if TYPE_CHECKING:  # the engine is imported by the commands that run it (see cli/align.py)
    from jtcompare.report.i18n import Lang as LangCode
    from jtcompare.workflow.review import ReviewImport
    from jtcompare.workflow.run import Result

FORMATS = ("table", "md", "json", "csv", "xlsx", "html")


class ProgressBar:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done = total, 0
        self.enabled = enabled and total > 1 and sys.stderr.isatty()

    def __call__(self, plan_id: str) -> None:
        self.done += 1
        if self.enabled:
            filled = int(30 * self.done / self.total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} {plan_id:<20}")
            sys.stderr.flush()
            if self.done == self.total:
                sys.stderr.write("\n")


@app.command("matrix")
def matrix_cmd(
    plans: Annotated[
        list[str] | None, typer.Argument(help="Plans to compare (default: every plan but the base).")
    ] = None,
    base: Base = "national",
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="table, md, json, csv, xlsx or html.")] = None,
    out: Out = None,
    force: Force = False,
    lang: Lang = None,
    views: Views = True,
    plans_dir: PlansDir = None,
    config: Config = None,
    jobs: Jobs = 1,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    quiet: Quiet = False,
) -> None:
    """Coverage matrix of several plans against the base: which measures each adopted, strengthened or left out.

    xlsx gives sheets Summary (with a chart and where the figures come from), Clauses, Measures, Gaps
    per plan (with analyst review columns), Targets, Local and Legend, set up to print on A4.

    Example: jtcompare matrix --out reports/matrix.xlsx; jtcompare matrix wuhan chengdu --format md --lang zh
    """
    from jtcompare.report.i18n import resolve_lang

    with errors():
        fmt = resolve_format(fmt, out, FORMATS)
        language = resolve_lang(lang, "zh" if fmt == "html" else "en")
        precheck(out, force)
        if fmt == "html" and views:
            precheck_views(out, plans, base, plans_dir, force)
        result = _run(plans, base, plans_dir, config, jobs, no_cache, no_overrides, quiet)
        if fmt == "html":  # the heatmap, with each plan's view beside it
            write_heatmap(result.alignments, out, lang=language, views=views, force=force, quiet=quiet)
        else:
            emit(_render_matrix(result, fmt, language), out, force=force, quiet=quiet, bom=fmt == "csv")
        _notes(result, quiet)
        fail_on_problems(result.problems)


@app.command("report")
def report_cmd(
    plan: Annotated[str, typer.Argument(help="The plan to report on, by id or Chinese name.")],
    base: Base = "national",
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="md, json, csv, xlsx, docx (the brief) or html (the view).")
    ] = None,
    out: Out = None,
    force: Force = False,
    lang: Lang = None,
    plans_dir: PlansDir = None,
    config: Config = None,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    quiet: Quiet = False,
) -> None:
    """Gap report of one plan: omitted and partial measures with the nearest plan text, targets, local additions.

    The workbook's Gaps sheet has an analyst status (drop-down) and note column: fill them in and
    read them back with `jtcompare override --import`. A .docx is the Word brief (see `jtcompare brief`).

    Example: jtcompare report chongqing --out reports/chongqing-gaps.xlsx
    """
    from jtcompare.report.i18n import resolve_lang

    with errors():
        fmt = resolve_format(fmt or (None if out else "md"), out, ("md", "json", "csv", "xlsx", "docx", "html"))
        language = resolve_lang(lang, "zh" if fmt in ("docx", "html") else "en")
        precheck(out, force)
        result = _run([plan], base, plans_dir, config, 1, no_cache, no_overrides, quiet)
        content = render_one(result.alignments[0], fmt, language, gaps=True)
        emit(content, out, force=force, quiet=quiet, bom=fmt == "csv")
        _notes(result, quiet)


@app.command("override")
def override_cmd(
    plan: Annotated[str | None, typer.Argument(help="The plan whose judgement you correct.")] = None,
    measure: Annotated[str | None, typer.Argument(help="The base measure id, e.g. N08.03.")] = None,
    status: Annotated[
        str | None, typer.Argument(help="adopted, strengthened, partial, omitted or not_applicable.")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Why: this is shown next to the cell.")] = "",
    by: Annotated[str, typer.Option("--by", help="Your name or initials.")] = "",
    match: Annotated[str, typer.Option("--match", help="Pin this plan measure id as the match.")] = "",
    import_file: Annotated[
        Path | None,
        typer.Option(
            "--import",
            help="Apply every analyst status filled in a reviewed file: the view's exported CSV or a report workbook.",
        ),
    ] = None,
    base: Base = "national",
    plans_dir: PlansDir = None,
) -> None:
    """Pin the status (and optionally the match) of one base measure for a plan, with a note; or import a review.

    Written to <plans-dir>/<plan>.overrides.csv; align, matrix and report apply it and mark the cell.

    Examples:

      jtcompare override wuhan N08.03 adopted --note "WH06 takes it up in other words"

      jtcompare override --import reports/wuhan-gaps.xlsx
    """
    from jtcompare.plans.registry import open_library
    from jtcompare.workflow.overrides import add_override
    from jtcompare.workflow.review import import_review

    with errors():
        lib = open_library(plans_dir)
        if import_file is not None:
            if plan or measure or status:
                raise BadOption("give either PLAN MEASURE STATUS or --import FILE, not both")
            _report_import(import_review(lib, import_file, default_base=base))
            return
        if not (plan and measure and status and note):
            raise BadOption("give PLAN MEASURE STATUS and --note (or --import FILE)")
        path = add_override(lib.folder, lib.load(plan), lib.load(base), measure, status, note=note, by=by, match=match)
        typer.echo(f"{measure} pinned as {status} for {lib.find(plan).id} in {path}")


def _report_import(result: ReviewImport) -> None:
    for line in result.changed:
        typer.echo(line)
    for line in result.stale:
        typer.echo(f"stale: {line}", err=True)
    files = ", ".join(str(f) for f in result.files) or "nothing written"
    typer.echo(f"{len(result.changed)} changed, {result.unchanged} unchanged, {len(result.stale)} stale; {files}")


def _run(plans, base, plans_dir, config, jobs, no_cache, no_overrides, quiet) -> Result:
    from jtcompare.match.settings import load_settings
    from jtcompare.plans.registry import open_library
    from jtcompare.workflow.batch import default_plans
    from jtcompare.workflow.run import run_many

    settings = load_settings(config)
    lib = open_library(plans_dir)
    ids = list(plans) if plans else None
    bar = ProgressBar(len(ids or default_plans(lib, base)), not quiet)
    return run_many(
        lib, ids, base, settings, use_cache=not no_cache, overrides=not no_overrides, jobs=jobs, progress=bar
    )


def _notes(result: Result, quiet: bool) -> None:
    if not quiet:
        for problem in result.stale:
            typer.echo(f"note: {problem}", err=True)


def _render_matrix(result: Result, fmt: str, lang: LangCode):  # text, or a writer of a binary stream for xlsx
    from jtcompare.cli import render
    from jtcompare.report.export import frame_csv, matrix_markdown  # pandas: imported only when a matrix is rendered
    from jtcompare.report.frames import measure_frame, summary_frame
    from jtcompare.report.records import alignment_dict

    alignments = result.alignments
    if fmt == "xlsx":
        from jtcompare.report.workbook import write_matrix

        return lambda stream: write_matrix(alignments, stream, lang=lang)
    if fmt == "json":
        return render.to_json(
            {
                "summary": summary_frame(alignments).to_dict(orient="records"),
                "plans": [alignment_dict(a) for a in alignments],
            }
        )
    if fmt == "csv":
        return frame_csv(measure_frame(alignments))
    if fmt == "md":
        return matrix_markdown(alignments, lang)
    return summary_table(summary_frame(alignments).to_dict(orient="records"), alignments, lang)


def summary_table(rows: list[dict], alignments, lang: LangCode) -> str:
    """The terminal summary: one line per plan in the language asked for, then each caveat in full."""
    from jtcompare.cli import render
    from jtcompare.match.classify import STATUSES
    from jtcompare.report.caveats import caveats
    from jtcompare.report.vocab import cell_text, column

    keys = [k for k in (rows[0] if rows else {}) if k != "kind"]
    # left out, in this order, on a narrow terminal (not_applicable last: its count explains the coverage)
    optional = ["overridden", "measures", "date", "caveats", "name", "local", "not_applicable"]
    while True:
        headers = [cell_text("status", k, lang) if k in STATUSES else column(k, lang) for k in keys]
        table = render.fit_table([[cell_text(k, r[k], lang) for k in keys] for r in rows], headers)
        if render.width_of(table) <= render.terminal_width() or not optional:
            break
        keys.remove(optional.pop(0))
    notes = [render.wrap(f"! {c.text(lang)}", indent="  ") for a in alignments for c in caveats(a)]
    return "\n".join([table, *(["", *notes] if notes else [])])
