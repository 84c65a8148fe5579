"""`jtcompare brief PLAN --out FILE.docx`: a one-to-two-page Word brief of a plan against the base."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
from jtcompare.cli.output import emit, precheck
from jtcompare.errors import BadOption, Said, message


@app.command("brief")
def brief_cmd(
    plan: Annotated[str, typer.Argument(metavar="PLAN", help="The plan to brief on, by id or Chinese name.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The Word file to write (.docx).")],
    base: BaseArgument = None,
    base_option: BaseOption = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh (default, or $JTCOMPARE_LANG) or en.", show_default=False)
    ] = None,
    force: Force = False,
    plans_dir: PlansDir = None,
    config: Config = None,
    check_below: CheckBelow = None,
    no_cache: NoCache = False,
    no_overrides: NoOverrides = False,
    quiet: Quiet = False,
) -> None:
    """A Word brief of one or two pages: headline figures, caveats, a chart of statuses by chapter, the main
    gaps by national lead department, the targets.

    In Chinese unless --lang en. Convert it to PDF with `libreoffice --headless --convert-to pdf FILE.docx`.

    Examples:

    \b
      jtcompare brief wuhan --out wuhan-brief.docx
      jtcompare brief wuhan national --out wuhan-brief-en.docx --lang en
    """
    from jtcompare.api import Library  # the engine: only when the command runs
    from jtcompare.report.i18n import resolve_lang

    with errors(lang):
        if out.suffix.lower() != ".docx":
            raise BadOption(f"{out}: the brief is a Word file; name it .docx", message("error.brief_docx", path=out))
        language = resolve_lang(lang, "zh")
        precheck(out, force)
        lib = Library(plans_dir, config=config, check_below=check_below)
        a = lib.align(plan, pick_base(base, base_option, lib), use_cache=not no_cache, overrides=not no_overrides)
        from jtcompare.report.brief import write_brief  # python-docx and matplotlib: only when a brief is made

        emit(lambda stream: write_brief(a, stream, lang=language), out, force=force, quiet=quiet)
        if not quiet:
            for problem in a.stale:
                note("note", problem)
            say_if_chart_in_english(language)


def say_if_chart_in_english(language: str) -> None:
    """A Chinese brief made where no Chinese font is installed has its chart in English: the user is told why
    and what to install, rather than finding it in the document."""
    from jtcompare.report.chart import chart_in_english
    from jtcompare.report.i18n import label

    if chart_in_english(language):  # type: ignore[arg-type]
        note("note", Said(label("note.chart_no_font", "en"), message("note.chart_no_font")))
