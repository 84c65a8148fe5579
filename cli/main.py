"""The `jtcompare` command. Each command parses options, calls the engine, renders.

Exit codes: 0 success, 1 unexpected error, 2 bad input (unknown plan, unreadable file,
bad option), 3 a report or plan could not be written, 130 interrupted.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from cli import render
from cli.options import Format, NoCache, PlansDir
from compare.errors import BadOption, JtError
from compare.outline import outline, plan_row
from compare.registry import open_library

app = typer.Typer(
    help="Compare Chinese city climate and pollution plans with the national scheme, measure by measure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
state = {"debug": False}

EXIT_ERROR, EXIT_BAD_INPUT, EXIT_WRITE, EXIT_INTERRUPTED = 1, 2, 3, 130


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")] = False,
) -> None:
    """Parse policy plans, align them with the national 减污降碳协同增效实施方案, and report coverage."""
    state["debug"] = debug


@contextmanager
def errors() -> Iterator[None]:
    """Turn engine errors into one line on stderr and an exit code; --debug shows the traceback."""
    try:
        yield
    except JtError as exc:
        if state["debug"]:
            traceback.print_exc()
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("interrupted: nothing was written", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if state["debug"]:
            raise
        typer.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def check_format(fmt: str | None, allowed: tuple[str, ...]) -> str:
    fmt = (fmt or "table").lower()
    if fmt not in allowed:
        raise BadOption(f"unknown format '{fmt}'; choose one of {', '.join(allowed)}")
    return fmt


@app.command("plans")
def plans_cmd(plans_dir: PlansDir = None, fmt: Format = None, no_cache: NoCache = False) -> None:
    """List the plans in the library: id, name, level, kind, date, clause and measure counts, warnings."""
    with errors():
        fmt = check_format(fmt, render.FORMATS)
        lib = open_library(plans_dir)
        rows = [plan_row(lib.load(pid, use_cache=not no_cache)) for pid in lib.plans]
        typer.echo(render.table(rows, fmt))
        for entry, problem in lib.broken.items():
            typer.echo(f"warning: {lib.metadata_path}: entry [{entry}] skipped: {problem}", err=True)


@app.command("show")
def show_cmd(
    plan: Annotated[str, typer.Argument(help="Plan id or Chinese name, e.g. chongqing or 重庆.")],
    plans_dir: PlansDir = None,
    fmt: Format = None,
    no_cache: NoCache = False,
) -> None:
    """Print a plan's outline: chapters, clauses with titles, measure counts, departments, warnings, repairs."""
    with errors():
        fmt = check_format(fmt, ("table", "md", "json"))
        data = outline(open_library(plans_dir).load(plan, use_cache=not no_cache))
        if fmt == "json":
            typer.echo(render.to_json(data))
            return
        typer.echo(render_outline(data, fmt))


def render_outline(data: dict, fmt: str) -> str:
    head = f"{data['name']} ({data['id']}): {data['title']}"
    facts = ", ".join(str(x) for x in (data["kind"], data["date"], data["doc_number"]) if x)
    rows = [
        {
            "id": c["id"],
            "no.": c["number"] or "-",
            "title": c["title"],
            "chapter": c["chapter"],
            "group": c["group"] or "",
            "measures": len(c["measures"]),
            "departments": "、".join(c["departments"][:4]) + (" …" if len(c["departments"]) > 4 else ""),
        }
        for c in data["clauses"]
    ]
    numbered = sum(1 for c in data["clauses"] if c["number"] is not None)
    measures = sum(len(c["measures"]) for c in data["clauses"])
    lines = [f"# {head}" if fmt == "md" else head, facts, f"{numbered} numbered clauses, {measures} measures", ""]
    lines.append(render.table(rows, fmt))
    for label, items in (("warnings", data["warnings"]), ("repairs", data["repairs"])):
        if items:
            lines += ["", f"{label}:" if fmt != "md" else f"## {label}"]
            lines += [f"- {w}" for w in items]
    return "\n".join(lines)


def run() -> None:  # pragma: no cover - console entry when called as a module
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
