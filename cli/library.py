"""`jtcompare plans` and `jtcompare show`: the plan library."""

from __future__ import annotations

from typing import Annotated

import typer
from jtcompare.cli.app import app, errors, fail_on_problems, say, spoken, state, titled, words
from jtcompare.cli.options import Format, Lang, NoCache, PlansDir
from jtcompare.cli.output import resolve_format


@app.command("plans")
def plans_cmd(plans_dir: PlansDir = None, fmt: Format = None, no_cache: NoCache = False, lang: Lang = None) -> None:
    """List the plans in the library: id, name, level, kind, date, clause and measure counts, warnings.

    A plan that cannot be read (broken entry, missing file) is named on stderr; the others are listed (exit 2).
    The table and Markdown end by naming the library that answered (yours, the shipped one or --plans-dir).

    Examples:

    \b
      jtcompare plans
      jtcompare plans --format csv
      jtcompare plans --lang zh
    """
    from jtcompare.api import Library
    from jtcompare.cli import render  # tabulate and the engine: only when the command runs
    from jtcompare.report.i18n import error_text
    from jtcompare.report.outline import plan_row

    with errors(lang):
        fmt = resolve_format(fmt, None, render.FORMATS)
        lib = Library(plans_dir)
        plans, problems = lib.load_all(use_cache=not no_cache)
        rows = [plan_row(p) for p in plans]
        if fmt in ("table", "md"):  # csv and json stay data, with their English keys
            rows = [_shown_row(row) for row in rows]
        typer.echo(render.table(rows, fmt))
        if fmt in ("table", "md"):
            say("cli.library", text=error_text(lib.describe(), state["lang"]))  # type: ignore[arg-type]
        fail_on_problems(problems)


def _shown_row(row: dict) -> dict:
    """A line of the plans table as a reader sees it, in the command's language: its titles and the level."""
    from jtcompare.report.i18n import label

    lang = state["lang"]
    if lang == "en":
        return row
    return {label(f"plans.{k}", lang): label(f"level.{v}", lang) if k == "level" else v for k, v in row.items()}  # type: ignore[arg-type]


@app.command("show")
def show_cmd(
    plan: Annotated[str, typer.Argument(metavar="PLAN", help="Plan id or Chinese name, e.g. chongqing or 重庆.")],
    plans_dir: PlansDir = None,
    fmt: Format = None,
    no_cache: NoCache = False,
    lang: Lang = None,
) -> None:
    """Print a plan's outline: clauses with titles, measure counts, departments, chapter introductions, warnings,
    repairs.

    --format table, md, json (every measure's text, in simplified script) or csv (one line per clause).

    Examples:

    \b
      jtcompare show wuhan
      jtcompare show 重庆 --format md
    """
    from jtcompare.api import Library
    from jtcompare.cli import render
    from jtcompare.report.outline import outline

    with errors(lang):
        fmt = resolve_format(fmt, None, render.FORMATS)
        data = outline(Library(plans_dir).plan(plan, use_cache=not no_cache))
        if fmt == "json":
            typer.echo(render.to_json(data))
            return
        if fmt == "csv":
            rows = [{**row, "no.": "" if row["no."] == "-" else row["no."]} for row in _clause_rows(data)]
            typer.echo(render.table(rows, "csv"))
            return
        typer.echo(render_outline(data, fmt))


def _clause_rows(data: dict) -> list[dict]:
    return [
        {
            "id": c["id"],
            "no.": c["number"] or "-",
            "title": c["title"],
            "chapter": c["chapter"],
            "group": c["group"] or "",
            "measures": len(c["measures"]),
            "departments": "、".join(c["departments"]),
        }
        for c in data["clauses"]
    ]


def render_outline(data: dict, fmt: str) -> str:
    from jtcompare.cli import render

    head = words("show.head", name=data["name"], id=data["id"], title=data["title"])
    facts = [str(x) for x in (data["kind"], data["date"], data["doc_number"]) if x]
    rows = _clause_rows(data)
    if fmt != "md":  # the terminal shows the first four departments; Markdown and CSV all of them
        for row, c in zip(rows, data["clauses"], strict=True):
            row["departments"] = "、".join(c["departments"][:4]) + (" …" if len(c["departments"]) > 4 else "")
    numbered = sum(1 for c in data["clauses"] if c["number"] is not None)
    measures = sum(len(c["measures"]) for c in data["clauses"])
    counts = words("import.counts", numbered=numbered, other=len(data["clauses"]) - numbered, measures=measures)
    lines = [f"# {head}" if fmt == "md" else head, words("show.facts", facts=facts), counts, ""]
    lines.append(render.table(titled(rows, "show.col"), fmt))
    lines += _introductions(data["chapters"], fmt)
    for key, items in (("warnings", data["warnings"]), ("repairs", data["repairs"])):
        if items:
            lines += ["", heading(f"show.{key}", fmt)]
            lines += [f"- {spoken(w)}" for w in items]
    return "\n".join(lines)


def heading(key: str, fmt: str) -> str:
    """A list's heading: `warnings:` on the terminal, `## warnings` in Markdown (警告：, ## 警告)."""
    return f"## {words(key)}" if fmt == "md" else words("show.list", title=words(key))


def _introductions(chapters: list[dict], fmt: str) -> list[str]:
    """The chapters' introductory paragraphs (framing, not measures: the table counts none of them)."""
    from jtcompare.report.cells import md_cell  # plan text: Markdown specials escaped as in the table

    found = [c for c in chapters if c["intro"]]
    if not found:
        return []
    lines = ["", heading("show.intros", fmt)]
    for c in found:
        head = f"{c['number']}、{c['title']}" if c["number"] else c["title"]
        paragraphs = c["intro"].split("\n")
        if fmt == "md":
            lines += ["", f"**{md_cell(head)}**", *(x for para in paragraphs for x in ("", md_cell(para)))]
        else:
            lines += [f"- {head}", *(f"  {para}" for para in paragraphs)]
    return lines
