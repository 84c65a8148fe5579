"""`jtcompare matrix`, `jtcompare report` and `jtcompare override`: many plans, gap reports, analyst pins."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer
from jtcompare.cli.align import render_one
from jtcompare.cli.app import app, errors, fail_on_problems, note, one_line, say, state, words
from jtcompare.cli.matrix_output import STREAMED, PlanPart, Reduce, write_matrix
from jtcompare.cli.options import (
    DEFAULT_BASE,
    Base,
    BaseArgument,
    BaseOption,
    CheckBelow,
    Config,
    Force,
    Jobs,
    Lang,
    NoCache,
    NoOverrides,
    Out,
    PlansDir,
    Quiet,
    pick_base,
)
from jtcompare.cli.output import TextStream, emit, precheck, resolve_format
from jtcompare.cli.progress import cores, progress_bar
from jtcompare.cli.view import Views, precheck_views, write_heatmap
from jtcompare.errors import BadOption, JtError, Message, message, plan_ref

if TYPE_CHECKING:  # the engine is imported by the commands that run it (see cli/align.py)
    from jtcompare.api import Library, Progress, Result, ReviewImport, Stream
    from jtcompare.report.i18n import Lang as LangCode

FORMATS = ("table", "md", "json", "csv", "xlsx", "html")


@app.command("matrix")
def matrix_cmd(
    first: Annotated[
        str | None,
        typer.Argument(
            metavar="BASE",
            help="The plan to compare against (default: national) when it is a national plan (national, 国家); "
            "else the first plan to compare. A base of another level is given with --base.",
            show_default=False,
        ),
    ] = None,
    plans: Annotated[
        list[str] | None,
        typer.Argument(metavar="PLAN", help="Plans to compare (default: every plan but the base).", show_default=False),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            "-b",
            help="The plan to compare against, of any level; with it every argument is a plan to compare.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="table, md, json, csv, xlsx or html.")] = None,
    out: Out = None,
    force: Force = False,
    lang: Lang = None,
    views: Views = True,
    paper: Annotated[
        bool,
        typer.Option(
            "--print",
            help="xlsx: the matrix sheet alone, laid out for paper: a few landscape A4 pages, the header row on each, "
            "a status symbol a cell and their legend in the footer.",
        ),
    ] = False,
    plans_dir: PlansDir = None,
    config: Config = None,
    check_below: CheckBelow = None,
    jobs: Jobs = None,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    quiet: Quiet = False,
) -> None:
    """Coverage matrix of several plans against the base: which measures each adopted, strengthened or left out.

    xlsx gives sheets Summary (with a chart and where the figures come from), Clauses, Measures, Gaps
    per plan, Targets, Local, Review (every cell, with analyst review columns) and Legend, set up to print on A4;
    with --print, the Measures sheet alone (157 measures x 3 plans on 5 pages).

    Examples:

    \b
      jtcompare matrix national
      jtcompare matrix wuhan chengdu --format md --lang zh
      jtcompare matrix --out matrix.xlsx
      jtcompare matrix --out matrix-print.xlsx --print --lang zh
    """
    from jtcompare.report.i18n import resolve_lang

    with errors(lang):
        fmt = resolve_format(fmt, out, FORMATS)
        language = resolve_lang(lang, "zh" if fmt == "html" else "en")
        precheck(out, force)
        if paper and fmt != "xlsx":
            raise BadOption(
                f"--print lays out the xlsx workbook; the {fmt} output has no pages",
                message("error.print_xlsx_only", format=fmt),
            )
        base, plans = split_base([first, *(plans or [])] if first else plans, base, plans_dir, config)
        if fmt == "html" and views:
            precheck_views(out, plans, base, plans_dir, force)
        run = _Run(plans, base, plans_dir, config, jobs, no_cache, no_overrides, check_below)
        with progress_bar(run.total, not quiet) as progress:
            stale, problems = _write_matrix(
                run, progress, fmt, language, out, views=views, paper=paper, force=force, quiet=quiet
            )
        _notes(stale, quiet)
        fail_on_problems(problems)


def _write_matrix(
    run: _Run,
    progress: Progress | None,
    fmt: str,
    lang: LangCode,
    out: Path | None,
    *,
    views: bool,
    paper: bool = False,
    force: bool,
    quiet: bool,
) -> tuple[list[str], list[JtError]]:
    """Align and write in `fmt`; the stale overrides and the plans left out."""
    if fmt in STREAMED:  # each plan cut down to its rows as it finishes
        stream = run.stream(Reduce(fmt, lang), progress)
        emit(
            TextStream(lambda write: write_matrix(stream, fmt, lang, write)),
            out,
            force=force,
            quiet=quiet,
            bom=fmt == "csv",
        )
        return stream.stale, stream.problems
    result = run.all(progress)  # the workbook and the heatmap are built from every alignment at the end
    if fmt == "html":  # the heatmap, with each plan's view beside it
        write_heatmap(result.alignments, out, lang=lang, views=views, force=force, quiet=quiet)
    else:
        emit(_workbook(result, lang, paper), out, force=force, quiet=quiet)
    return result.stale, result.problems


def split_base(
    args: list[str] | None, option: str | None, plans_dir: Path | None, config: Path | None
) -> tuple[str, list[str] | None]:
    """The base and the plans of `matrix [BASE] [PLAN]...`: the first argument is the base when it names a
    national plan and --base is not given (with --base, every argument is a plan to compare, as before)."""
    if option is not None or not args:
        return option or DEFAULT_BASE, args or None
    from jtcompare.api import Library

    lib = Library(plans_dir, config=config)  # a bad --config is named before a bad --plans-dir, as everywhere
    try:
        first = lib.find(args[0])
    except JtError:  # not a plan: named as one, as any plan argument is, when the plans are loaded
        return DEFAULT_BASE, args
    return (args[0], args[1:] or None) if first.level == "national" else (DEFAULT_BASE, args)


@app.command("report")
def report_cmd(
    plan: Annotated[str, typer.Argument(metavar="PLAN", help="The plan to report on, by id or Chinese name.")],
    base: BaseArgument = None,
    base_option: BaseOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="md, json, csv, xlsx, docx (the brief) or html (the view).")
    ] = None,
    out: Out = None,
    force: Force = False,
    lang: Lang = None,
    plans_dir: PlansDir = None,
    config: Config = None,
    check_below: CheckBelow = None,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    quiet: Quiet = False,
) -> None:
    """Gap report of one plan: omitted and partial measures with the nearest plan text, targets, local additions.

    The workbook's Gaps sheet has an analyst status (drop-down) and note column: fill them in and
    read them back with `jtcompare override --import`. A .docx is the Word brief (see `jtcompare brief`).
    The confidence column (置信度) is the probability the engine gives each status; below check_below
    (0.6 by default; --check-below or --config changes it) the status is flagged to check.

    Examples:

    \b
      jtcompare report wuhan national
      jtcompare report chongqing --out chongqing-gaps.xlsx
    """
    from jtcompare.report.i18n import resolve_lang

    with errors(lang):
        fmt = resolve_format(fmt or (None if out else "md"), out, ("md", "json", "csv", "xlsx", "docx", "html"))
        language = resolve_lang(lang, "zh" if fmt in ("docx", "html") else "en")
        precheck(out, force)
        from jtcompare.api import Library

        lib = Library(plans_dir, config=config, check_below=check_below)
        a = lib.align(plan, pick_base(base, base_option, lib), use_cache=not no_cache, overrides=not no_overrides)
        emit(render_one(a, fmt, language, gaps=True), out, force=force, quiet=quiet, bom=fmt == "csv")
        _notes(list(a.stale), quiet)
        if fmt == "docx" and not quiet:
            from jtcompare.cli.brief import say_if_chart_in_english

            say_if_chart_in_english(language)


@app.command("override")
def override_cmd(
    plan: Annotated[str | None, typer.Argument(metavar="PLAN", help="The plan whose judgement you correct.")] = None,
    measure: Annotated[str | None, typer.Argument(metavar="MEASURE", help="The base measure id, e.g. N08.03.")] = None,
    status: Annotated[
        str | None,
        typer.Argument(
            metavar="STATUS",
            help="adopted, strengthened, partial, omitted or not_applicable, or the name the outputs print: "
            "采纳, 强化, 部分采纳, 未采纳, 不适用.",
            show_default=False,
        ),
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
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove the override of PLAN MEASURE: the engine's call applies again.")
    ] = False,
    base: Base = DEFAULT_BASE,
    lang: Lang = None,
    plans_dir: PlansDir = None,
) -> None:
    """Pin the status (and optionally the match) of one base measure for a plan, with a note; or import a review.

    Written to <plan>.overrides.csv in your library (made from the shipped one by the first change that succeeds)
    or in --plans-dir; align, matrix and report apply it and mark the cell. --clear removes it again.
    A review's statuses, too, may be ids or the names the outputs print, in either language.

    Examples:

    \b
      jtcompare override wuhan N08.05 adopted --note "WH06 takes it up in other words"
      jtcompare override wuhan N10.02 部分采纳 --note "WH08 只写了装配式建筑" --by LM
      jtcompare override wuhan N08.05 --clear
      jtcompare override --import chongqing-gaps.xlsx
    """
    from jtcompare.api import Library
    from jtcompare.report.i18n import label, resolve_lang
    from jtcompare.report.vocab import parse_status, status_word, typed_lang

    with errors(lang):
        lib = Library(plans_dir)  # writes go to your own library (made by the first that succeeds), not the shipped
        if clear:
            if not (plan and measure) or status or note or by or match or import_file is not None:
                raise BadOption(
                    "--clear takes PLAN MEASURE alone: no STATUS, --note, --by, --match or --import",
                    message("error.override_clear"),
                )
            _clear(lib, plan, measure, base)
            return
        if import_file is not None:
            if plan or measure or status:
                raise BadOption(
                    "give either PLAN MEASURE STATUS or --import FILE, not both", message("error.override_both")
                )
            _report_import(lib.import_review(import_file, base=base))
            return
        missing = [w for w, v in (("plan", plan), ("measure", measure), ("status", status), ("note", note)) if not v]
        if missing:
            english = ", ".join(label(f"word.arg.{w}", "en") for w in missing)
            raise BadOption(
                f"give PLAN MEASURE STATUS and --note (or --import FILE): missing {english}",
                message("error.override_args", missing=[message(f"word.arg.{w}") for w in missing]),
            )
        pinned = lib.override(plan, measure, status, note=note, by=by, match=match, base=base)
        # said in the words typed: 采纳 is pinned as 采纳, adopted as adopted (unless --lang)
        word = status_word(str(parse_status(status)), resolve_lang(lang, typed_lang(status)))
        done = "cli.confirmed" if pinned.confirmed else "cli.pinned"
        found = lib.find(plan)
        say(done, measure=measure, status=word, plan=plan_ref(found.id, found.name), path=pinned.path)
        if (was := pinned.replaced) is not None:  # another call was there: say what is gone, as --clear does
            who = [x for x in (was.by, was.date) if x]  # a row written by hand may have neither
            said = message("cli.replaced_who", who=who) if who else None
            say("cli.replaced", status=message(f"status.{was.status}"), note=_gone_note(was.note), who=said)
        if pinned.framing:  # pinned all the same: the view and the workbooks show it by the cell
            say("cli.pinned_not_counted", measure=measure)


def _gone_note(note: str) -> Message | None:
    """The note of an override that is gone, a confirmation said in the command's words (as the outputs do)."""
    from jtcompare.report.evidence import override_text

    return message("cli.cleared_note", note=one_line(override_text(note, state["lang"]))) if note else None


def _clear(lib: Library, plan: str, measure: str, base: str) -> None:
    path, gone = lib.clear_override(plan, measure, base=base)
    said = _gone_note(gone.note)
    found = lib.find(plan)
    say(
        "cli.cleared",
        measure=measure,
        plan=plan_ref(found.id, found.name),
        status=message(f"status.{gone.status}"),
        note=said,
        path=path,
    )


def _report_import(result: ReviewImport) -> None:
    from jtcompare.report.i18n import error_text

    for line in (*result.changed, *result.confirmed):
        typer.echo(error_text(line, state["lang"]))  # type: ignore[arg-type]
    for line in result.stale:
        note("stale", line)
    for line in result.incomplete:
        note("incomplete", line)
    files = ", ".join(str(f) for f in result.files) or words("cli.nothing_written")
    say(
        "cli.imported",
        changed=len(result.changed),
        confirmed=len(result.confirmed),
        unchanged=result.unchanged,
        stale=len(result.stale),
        incomplete=len(result.incomplete),
        files=files,
    )


@dataclass(frozen=True)
class _Run:
    """The options of a many-plan run, as the commands got them."""

    plans: list[str] | None
    base: str
    plans_dir: Path | None
    config: Path | None
    jobs: int | None  # None: one per core
    no_cache: bool
    no_overrides: bool
    check_below: float | None = None

    def _library(self) -> Library:
        from jtcompare.api import Library

        # a bad --config is named before a bad --plans-dir
        return Library(self.plans_dir, config=self.config, check_below=self.check_below)

    def total(self) -> int:
        return len(self.plans) if self.plans else len(self._library().default_plans(self.base))

    def _options(self, progress: Progress | None) -> dict:
        return {
            "use_cache": not self.no_cache,
            "overrides": not self.no_overrides,
            "jobs": self.jobs or cores(),
            "progress": progress,
        }

    def stream(self, reduce: Reduce, progress: Progress | None) -> Stream[PlanPart]:
        return self._library().stream(self.base, self.plans, reduce, **self._options(progress))

    def all(self, progress: Progress | None) -> Result:
        return self._library().align_all(self.base, self.plans, **self._options(progress))


def _notes(stale: list[str], quiet: bool) -> None:
    if not quiet:
        for problem in stale:
            note("note", problem)


def _workbook(result: Result, lang: LangCode, paper: bool) -> Callable[[BinaryIO], None]:
    from jtcompare.report.workbook import write_matrix as write_workbook

    return lambda stream: write_workbook(result.alignments, stream, lang=lang, paper=paper)
