"""`jtcompare align PLAN [BASE]`: measure-by-measure coverage of a plan against the base."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

import typer
from jtcompare.cli.app import app, errors, note, state
from jtcompare.cli.options import (
    BaseArgument,
    BaseOption,
    CheckBelow,
    Config,
    Force,
    Lang,
    NoCache,
    NoOverrides,
    Out,
    PlansDir,
    Quiet,
    StatusFilter,
    pick_base,
)
from jtcompare.cli.output import emit, precheck, resolve_format

# The engine and the writers are imported inside the commands: `--help` and the other commands do not pay
# for them (pandas, numpy, jieba, openpyxl, jinja2 load only where a command uses them).
if TYPE_CHECKING:
    from jtcompare.cli.output import Content
    from jtcompare.match.results import Alignment
    from jtcompare.report.i18n import Lang as LangCode

FORMATS = ("table", "md", "json", "csv", "xlsx", "html")


@app.command("align")
def align_cmd(
    plan: Annotated[
        str, typer.Argument(metavar="PLAN", help="The plan to check, by id or Chinese name (chongqing, 重庆).")
    ],
    base: BaseArgument = None,
    base_option: BaseOption = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="table, md, json, csv, xlsx or html.")] = None,
    out: Out = None,
    force: Force = False,
    lang: Lang = None,
    status: StatusFilter = None,
    plans_dir: PlansDir = None,
    config: Config = None,
    check_below: CheckBelow = None,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    quiet: Quiet = False,
) -> None:
    """For every measure of BASE: adopted, strengthened, partial or omitted in PLAN, with the evidence.

    Prints a table by default; --format json gives measures, clause roll-ups, the plan's clauses
    with their best base clause, and the plan's own additions ('local'). Each status comes with its
    confidence (置信度), the probability the engine gives it: below check_below (0.6 by default) the
    cell is flagged to check (? after the status, "flagged": true in JSON).

    Examples:

    \b
      jtcompare align chongqing --lang zh
      jtcompare align wuhan national --status 部分采纳 --status omitted
      jtcompare align wuhan --out wuhan.csv
    """
    from jtcompare.api import Library
    from jtcompare.report.i18n import resolve_lang

    with errors(lang):
        fmt = resolve_format(fmt, out, FORMATS)
        language = resolve_lang(lang, "zh" if fmt == "html" else "en")
        precheck(out, force)
        shown = status_filter(status, fmt)
        lib = Library(plans_dir, config=config, check_below=check_below)
        a = lib.align(plan, pick_base(base, base_option, lib), use_cache=not no_cache, overrides=not no_overrides)
        emit(render_one(a, fmt, language, shown=shown), out, force=force, quiet=quiet, bom=fmt == "csv")
        if not quiet:
            for problem in a.stale:
                note("note", problem)


def status_filter(typed: list[str] | None, fmt: str) -> frozenset[str] | None:
    """The statuses `--status` asks for (by id or by name, 部分采纳; repeated or comma-separated), None for all."""
    if not typed:
        return None
    from jtcompare.errors import BadOption, message
    from jtcompare.match.results import STATUSES
    from jtcompare.report.vocab import parse_status, status_choices

    if fmt not in ("table", "md", "json", "csv"):
        raise BadOption(
            f"--status lists measures of the table, md, json or csv; the {fmt} output shows them all",
            message("error.status_filter_format", format=fmt),
        )
    shown = set()
    for name in (n for value in typed for n in re.split(r"[,，、]", value) if n.strip()):
        status = parse_status(name)
        if status is None:
            raise BadOption(
                f"--status: unknown status '{name.strip()}'; choose one of {status_choices()}",
                message(
                    "error.status_filter_unknown",
                    status=name.strip(),
                    choices=[message(f"status.{s}") for s in STATUSES],
                ),
            )
        shown.add(status)
    return frozenset(shown)


def render_one(
    a: Alignment, fmt: str, lang: LangCode, *, gaps: bool = False, shown: frozenset[str] | None = None
) -> Content:
    """One alignment in `fmt`: text, or a writer of a binary stream (xlsx, docx). The one format dispatch of
    `align` and `report`; `gaps` makes the Markdown the gap report (report's default) instead of every measure;
    `shown` lists only the measures of those statuses (the summary still counts them all).

    Each format imports its own writer: a table or JSON run never loads pandas, openpyxl or Jinja2.
    """
    if fmt == "html":  # the 对照 view
        from jtcompare.cli.view import html_view

        return html_view(a, lang)
    if fmt == "docx":  # the Word brief
        from jtcompare.report.brief import write_brief

        return lambda stream: write_brief(a, stream, lang=lang)
    if fmt == "json":
        from jtcompare.cli.render import to_json
        from jtcompare.report.records import alignment_dict

        data = alignment_dict(a)
        if shown is not None:
            data["measures"] = [m for m in data["measures"] if m["status"] in shown]
        return to_json(data)
    if fmt == "csv":
        from jtcompare.report.export import frame_csv
        from jtcompare.report.frames import measure_frame

        df = measure_frame([a])
        return frame_csv(df if shown is None else df[df["status"].isin(shown)], lang)
    if fmt == "md":
        from jtcompare.report.export import alignment_markdown, report_markdown

        return report_markdown(a, lang) if gaps else alignment_markdown(a, lang, shown=shown)
    if fmt == "xlsx":
        from jtcompare.report.workbook import write_report

        return lambda stream: write_report([a], stream, lang=lang)
    return table(a, lang, shown)


def counts_text(counts: dict[str, int], lang: LangCode) -> str:
    from jtcompare.match.results import STATUSES
    from jtcompare.report.vocab import status_word

    sep = "，" if lang == "zh" else ", "
    return sep.join(f"{status_word(s, lang)} {counts[s]}" for s in STATUSES if s in counts)


def table(a: Alignment, lang: LangCode, shown: frozenset[str] | None = None) -> str:
    """The terminal table: one line per base measure (of the statuses `shown`), cut to the terminal's width."""
    from jtcompare.cli import render
    from jtcompare.match.results import UNITS_JOINED
    from jtcompare.report.caveats import caveats
    from jtcompare.report.cells import pct
    from jtcompare.report.vocab import cell_text, column, text, yes_no

    head = text(
        "table.head",
        lang,
        plan=a.plan.meta.name,
        base=a.base.meta.name,
        counts=counts_text(a.counts(), lang),
        coverage=pct(a.coverage),
        local=len(a.local),
        check=a.to_check,
    )
    rows = [
        [
            m.measure.id,
            render.paint(cell_text("status", m.status, lang), m.status)
            + ("*" if m.corrected else "")
            + ("?" if m.check else ""),
            yes_no(m.counted, lang),
            m.key_units_shown,
            m.measure.text,
            m.matches[0].clause.id if m.matches else "",
            m.matches[0].measure.text if m.matches else "",
            cell_text("units_missing", UNITS_JOINED.join(m.units_missing), lang) if m.units_missing else "",
        ]
        for m in a.measures
        if shown is None or m.status in shown
    ]
    headers = [
        column("measure", lang),
        column("status", lang),
        column("counted", lang),
        column("units", lang),
        text("table.base_text", lang),
        text("table.in", lang),
        text("table.best", lang),
        column("units_missing", lang),
    ]
    notes = [render.wrap(f"! {c.text(lang)}", indent="  ") for c in caveats(a)]
    foot = render.wrap(text("table.foot", lang, threshold=f"{a.settings.check_below:g}"))
    legend = render.colour_legend(lang)
    # the units not covered are the column a narrow terminal goes without (the evidence names them too)
    body = render.fit_table(rows, headers, spare=len(headers) - 1)
    parts = [render.wrap(head), *notes, "", body, "", *([legend] if legend else []), foot]
    return "\n".join(parts)


@app.command("config")
def config_cmd(config: Config = None, lang: Lang = None) -> None:
    """Print the aligner's settings (defaults, or those of --config FILE) as an editable TOML file.

    Every setting comes with a comment saying what it does. Edit the file and give it back with --config.

    Examples:

    \b
      jtcompare config > strict.toml
      jtcompare align wuhan --config strict.toml
    """
    from jtcompare.api import settings
    from jtcompare.report.settings_file import settings_toml

    with errors(lang):
        typer.echo(settings_toml(settings(config), state["lang"]).rstrip("\n"))  # type: ignore[arg-type]
