"""The Typer app, the --debug flag, and the one place where engine errors become exit codes.

Exit codes: 0 success, 1 unexpected error, 2 bad input (unknown plan, unreadable file,
bad option), 3 a report or plan could not be written, 130 interrupted.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from jtcompare import __version__
from jtcompare.errors import JtError
from typer.core import TyperOption

app = typer.Typer(
    help="Compare Chinese city climate and pollution plans with the national scheme, measure by measure.\n\n"
    "Example: jtcompare align wuhan; jtcompare report wuhan --out reports/wuhan-gaps.xlsx",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
state = {"debug": False}

_LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
EXIT_ERROR, EXIT_BAD_INPUT, EXIT_WRITE, EXIT_INTERRUPTED = 1, 2, 3, 130


def _flag_type(self: TyperOption, ctx: typer.Context) -> str | None:
    """No `<bool>` after a flag in --help: `--force` takes no value, so it shows none."""
    return None if self.is_bool_flag else _option_type(self, ctx)


_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"jtcompare {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True)
    ] = False,
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
        one_line = _LINE_BREAK.sub(lambda m: repr(m.group(0))[1:-1], str(exc))  # a name may hold a line break
        typer.echo(f"error: {one_line}", err=True)
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
