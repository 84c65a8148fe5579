"""`jtcompare view PLAN [BASE]`: the side-by-side HTML view of one plan; and the HTML output of align,
report (the same view) and matrix (the heatmap, with a view per plan beside it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from jtcompare.cli.app import app, errors, note
from jtcompare.cli.options import (
    BaseArgument,
    BaseOption,
    CheckBelow,
    Config,
    Force,
    NoCache,
    NoOverrides,
    PlansDir,
    Quiet,
    pick_base,
)
from jtcompare.cli.output import emit, precheck, resolve_format
from jtcompare.errors import AlreadyExists, BadOption, message

if TYPE_CHECKING:  # the engine is imported by the commands that run it (see cli/align.py)
    from jtcompare.match.results import Alignment
    from jtcompare.report.i18n import Lang

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang", help="Language of the labels in HTML: zh (default) or en; also $JTCOMPARE_LANG.", show_default=False
    ),
]
Views = Annotated[
    bool,
    typer.Option(
        "--views/--no-views",
        help="With --out FILE.html, also write each plan's view (PLAN.html) beside the heatmap, where its cells link.",
    ),
]


@app.command("view")
def view_cmd(
    plan: Annotated[str, typer.Argument(metavar="PLAN", help="The plan to read, by id or Chinese name (wuhan, 武汉).")],
    base: BaseArgument = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="The HTML file to write (.html).")] = None,
    base_option: BaseOption = None,
    force: Force = False,
    lang: LangOption = None,
    plans_dir: PlansDir = None,
    config: Config = None,
    check_below: CheckBelow = None,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    quiet: Quiet = False,
) -> None:
    """One HTML page comparing PLAN with BASE side by side, to read, filter and review; opens offline.

    Every national measure beside the city sentences that take it up, shared and missing key terms marked,
    targets side by side, status, key units and confidence (置信度: the probability the engine gives the status;
    below check_below, 0.6 by default, the cell is marked to check) and evidence; the local additions; both full
    texts. Set a status and a note where you disagree, export them as CSV and apply them with
    `jtcompare override --import`.

    Examples:

    \b
      jtcompare view wuhan --out wuhan.html
      jtcompare view wuhan national --out wuhan.html --lang en --force
    """
    from jtcompare.api import Library
    from jtcompare.report.i18n import resolve_lang

    with errors(lang):
        if out is None:
            raise BadOption("the view is an HTML file: give --out FILE.html", message("error.view_needs_out"))
        resolve_format(None, out, ("html",))
        chosen = resolve_lang(lang, "zh")
        precheck(out, force)
        lib = Library(plans_dir, config=config, check_below=check_below)
        a = lib.align(plan, pick_base(base, base_option, lib), use_cache=not no_cache, overrides=not no_overrides)
        emit(html_view(a, chosen), out, force=force, quiet=quiet)
        if not quiet:
            for problem in a.stale:
                note("note", problem)


def html_view(a: Alignment, lang: Lang, *, back: str | None = None) -> str:
    from jtcompare.report.html import view_html  # Jinja2: loaded only when a page is written

    return view_html(a, lang, back=back)


def view_path(out: Path, plan_id: str) -> Path:
    """Where the heatmap's links to a plan's view lead: PLAN.html beside it."""
    if not plan_id or plan_id.startswith(".") or Path(plan_id).name != plan_id or "\\" in plan_id:
        raise BadOption(
            f"plan id '{plan_id}' cannot name a file; use --no-views", message("error.plan_id_not_file", plan=plan_id)
        )
    path = out.parent / f"{plan_id}.html"
    if path.name == out.name:
        raise BadOption(
            f"{out}: the view of plan '{plan_id}' would have this name; name the heatmap otherwise",
            message("error.view_name_clash", path=out, plan=plan_id),
        )
    return path


def precheck_views(out: Path, plans: list[str] | None, base: str, plans_dir: Path | None, force: bool) -> None:
    """Before the long work: every view the heatmap will write beside it can be written."""
    from jtcompare.api import Library

    lib = Library(plans_dir)
    ids = [lib.find(p).id for p in plans] if plans else lib.default_plans(base)
    for plan_id in ids:
        path = view_path(out, plan_id)
        try:
            precheck(path, force)
        except AlreadyExists:  # a file the user did not name: say why it is written
            raise AlreadyExists(
                f"{path}: file exists; the heatmap writes each plan's view beside it: use --force to overwrite "
                "them, or --no-views to write the heatmap alone",
                message("error.view_exists", path=path),
            ) from None


def write_heatmap(alignments: list[Alignment], out: Path, *, lang: Lang, views: bool, force: bool, quiet: bool) -> None:
    """The views first (each links back), then the heatmap that links to them."""
    from urllib.parse import quote

    from jtcompare.report.heatmap import matrix_html

    if views:
        back = "./" + quote(out.name, safe="")
        for a in alignments:
            emit(html_view(a, lang, back=back), view_path(out, a.plan.id), force=force, quiet=quiet)
    emit(matrix_html(alignments, lang), out, force=force, quiet=quiet)
