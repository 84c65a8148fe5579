"""`jtcompare align PLAN [BASE]`: measure-by-measure coverage of a plan against the base."""

from __future__ import annotations

from typing import Annotated

import typer
from jtcompare.cli import render
from jtcompare.cli.app import app, errors
from jtcompare.cli.options import Config, Force, NoCache, NoOverrides, Out, PlansDir, Quiet
from jtcompare.cli.output import emit, precheck, resolve_format
from jtcompare.cli.view import LangOption, html_lang, html_view
from jtcompare.match.classify import Alignment
from jtcompare.match.settings import as_toml, load_settings
from jtcompare.plans.registry import open_library
from jtcompare.report.cells import pct
from jtcompare.report.records import alignment_dict
from jtcompare.workflow.run import run_alignment
from tabulate import tabulate

FORMATS = ("table", "md", "json", "csv", "xlsx", "html")


@app.command("align")
def align_cmd(
    plan: Annotated[str, typer.Argument(help="The plan to check, by id or Chinese name (chongqing, 重庆).")],
    base: Annotated[str, typer.Argument(help="The plan to check it against.")] = "national",
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="table, md, json, csv, xlsx or html.")] = None,
    out: Out = None,
    force: Force = False,
    lang: LangOption = None,
    plans_dir: PlansDir = None,
    config: Config = None,
    adopt_threshold: Annotated[float | None, typer.Option(help="Score at which a measure counts as adopted.")] = None,
    partial_threshold: Annotated[float | None, typer.Option(help="Score at which it counts as partial.")] = None,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    quiet: Quiet = False,
) -> None:
    """For every measure of BASE: adopted, strengthened, partial or omitted in PLAN, with the evidence.

    Prints a table by default; --format json gives measures, clause roll-ups, the plan's clauses
    with their best base clause, and the plan's own additions ('local').
    """
    with errors():
        fmt = resolve_format(fmt, out, FORMATS)
        chosen = html_lang(fmt, lang)
        precheck(out, force)
        settings = load_settings(config, adopt_threshold=adopt_threshold, partial_threshold=partial_threshold)
        lib = open_library(plans_dir)
        result = run_alignment(lib, plan, base, settings, use_cache=not no_cache, overrides=not no_overrides)
        if fmt == "html":  # the 对照 view
            emit(html_view(result.alignments[0], chosen), out, force=force, quiet=quiet)
        else:
            emit(_render(result.alignments[0], fmt), out, force=force, quiet=quiet)
        if not quiet:
            for problem in result.stale:
                typer.echo(f"note: {problem}", err=True)


def _render(a: Alignment, fmt: str):  # returns text, or a writer of a binary stream for xlsx
    # pandas-based exporters are imported only when needed: a table or JSON run starts faster
    from jtcompare.report.export import alignment_markdown, frame_csv
    from jtcompare.report.frames import measure_frame

    if fmt == "json":
        return render.to_json(alignment_dict(a))
    if fmt == "csv":
        return frame_csv(measure_frame([a]))
    if fmt == "md":
        return alignment_markdown(a)
    if fmt == "xlsx":
        from jtcompare.report.workbook import write_report

        return lambda stream: write_report([a], stream)
    return _table(a)


def _table(a: Alignment) -> str:
    c = a.counts()
    head = (
        f"{a.plan.meta.name} vs {a.base.meta.name}: adopted {c['adopted']}, strengthened {c['strengthened']}, "
        f"partial {c['partial']}, omitted {c['omitted']}; coverage {pct(a.coverage)}; local additions {len(a.local)}"
    )
    rows = [
        [
            m.measure.id,
            m.status + ("*" if m.overridden else ""),
            "yes" if m.counted else "no",
            f"{m.score:.2f}",
            _short(m.measure.text, 28),
            m.matches[0].clause.id if m.matches else "",
            _short(m.matches[0].measure.text, 28) if m.matches else "",
        ]
        for m in a.measures
    ]
    table = tabulate(
        rows, headers=["measure", "status", "counted", "score", "base text", "in", "best plan match"], tablefmt="simple"
    )
    foot = "counted: 面临形势 and framing clauses (指导思想, 原则) are listed but not in coverage; * = analyst override"
    return f"{head}\n\n{table}\n\n{foot}; --format json for full evidence"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("config")
def config_cmd(config: Config = None) -> None:
    """Print the aligner's settings (defaults, or those of --config FILE) as an editable TOML file.

    Example: jtcompare config > strict.toml; edit it; jtcompare align wuhan --config strict.toml
    """
    with errors():
        typer.echo(as_toml(load_settings(config)).rstrip("\n"))
