"""The Typer app, the --debug flag, and the one place where engine errors become exit codes.

Exit codes: 0 success, 1 unexpected error, 2 bad input (unknown plan, unreadable file,
bad option), 3 a report or plan could not be written, 130 interrupted (Ctrl-C), 143 terminated
(SIGTERM), 129 hung up (SIGHUP), 141 (quietly) the reader of stdout went away (`jtcompare matrix | head`).
SIGTERM and SIGHUP are raised as an exception like Ctrl-C, so that whatever was being written is removed on
the way out instead of left half-written.
"""

from __future__ import annotations

import difflib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import select
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Annotated, NoReturn

import typer
from jtcompare.errors import JtError, Message, for_the_command_line, message
from jtcompare.version import __version__
from typer import _click as click
from typer._click import exceptions as click_errors
from typer.core import TyperGroup, TyperOption


class NoSuchCommand(click_errors.UsageError):
    """`jtcompare alin`: a command name that is none of the app's, with the names close to it."""

    def __init__(self, name: str, similar: list[str], ctx: typer.Context) -> None:
        super().__init__(f"No such command {name!r}.", ctx)
        self.name, self.similar = name, similar


class _Group(TyperGroup):
    """The app's group: an unknown command is raised as NoSuchCommand, so that it is said by what it is (Click
    raises a bare UsageError whose only trace of the name is its English)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click_errors.UsageError:
            name = args[0] if args else None
            if name is None or name.startswith("-") or self.get_command(ctx, name) is not None:
                raise
            similar = difflib.get_close_matches(name, self.list_commands(ctx))
            raise NoSuchCommand(name, similar, ctx) from None  # type: ignore[arg-type]


app = typer.Typer(
    help="Compare Chinese city climate and pollution plans with the national scheme, measure by measure.\n\n"
    "Examples:\n\n\b\n  jtcompare align wuhan\n  jtcompare report wuhan national --out wuhan-gaps.xlsx",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_Group,
)
state: dict[str, object] = {"debug": False, "lang": "en"}  # lang: what the command line itself says, in which

_LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 1, 2, 130  # the engine's errors carry their own codes
EXIT_BROKEN_PIPE = 128 + 13  # as a shell reports a tool that SIGPIPE ended


def _flag_type(self: TyperOption, ctx: typer.Context) -> str | None:
    """No `<bool>` after a flag in --help: `--force` takes no value, so it shows none."""
    return None if self.is_bool_flag else _option_type(self, ctx)


_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]


def _usage_message(exc: Exception) -> Message | None:
    """A mistake Click finds before a command runs (an unknown option or command, a missing argument, a value out
    of its range), as a Message, by what the error is and the parameter it names, never by its English; None for
    the rest, which are said in Click's own words."""
    if isinstance(exc, NoSuchCommand):
        similar = message("error.usage.similar_command", commands=exc.similar) if exc.similar else None
        return message("error.usage.no_command", command=exc.name, hint=similar)
    if isinstance(exc, click_errors.NoSuchOption):
        similar = message("error.usage.similar", options=sorted(exc.possibilities)) if exc.possibilities else None
        return message("error.usage.no_option", option=exc.option_name, hint=similar)
    if isinstance(exc, click_errors.BadOptionUsage):
        return message("error.usage.option_use", option=exc.option_name)
    param = getattr(exc, "param", None)
    if param is None:
        return None
    is_option = param.param_type_name == "option"
    name = max(param.opts, key=len) if is_option else message(f"cli.arg.{param.name}")
    if isinstance(exc, click_errors.MissingParameter):
        return message("error.usage.missing_option" if is_option else "error.usage.missing", name=name)
    if isinstance(exc, click_errors.BadParameter):
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        rule = (
            message("error.usage.between", low=low, high=high)
            if low is not None and high is not None
            else message("error.usage.at_least", low=low)
            if low is not None
            else None
        )
        return message("error.usage.bad_value", name=name, rule=rule)
    return None


def _click_words(exc: click_errors.ClickException) -> Message:
    """A usage error this module has no words for, in Click's own (English) words, as the middle of a line."""
    text = one_line(exc.format_message()).strip().rstrip(".")
    return message("error.usage.other", text=text[:1].lower() + text[1:])


def usage_error_line(exc: click_errors.ClickException, lang: str) -> str:
    """A mistake Click finds, as one line in `lang`, as the engine's errors are: `error: missing option --out; see
    jtcompare brief --help` (错误：缺少 --out；用法见 jtcompare brief --help)."""
    from jtcompare.report.i18n import message_text

    said = _usage_message(exc) or _click_words(exc)
    ctx = getattr(exc, "ctx", None)
    if ctx is None:  # not about a command's usage: no help to point to
        return message_text(message("cli.error", text=said), lang)  # type: ignore[arg-type]
    names = []  # the subcommands' names; the program's own may be `python -m jtcompare.cli.main`
    while ctx.parent is not None:
        names.insert(0, ctx.info_name)
        ctx = ctx.parent
    command = " ".join(["jtcompare", *names])
    return message_text(message("cli.error", text=message("cli.usage_error", text=said, command=command)), lang)  # type: ignore[arg-type]


def _format_usage_error(exc: click_errors.ClickException) -> None:
    """Click's usage errors as one line in the language of the command line (--lang on the command line, read
    before Click parses it, or $JTCOMPARE_LANG, as for --help), instead of Typer's panel; the exit code stays
    Click's (2). `jtcompare` alone still shows the help, as Typer does."""
    from jtcompare.cli.helptext import help_lang

    if isinstance(exc, click_errors.NoArgsIsHelpError):
        _typer_format_error(exc)  # type: ignore[arg-type]
        return
    typer.echo(usage_error_line(exc, help_lang()), err=True)


def _patch_format_error(rich_utils: ModuleType) -> None:
    """Typer's formatters, when Typer loads them: usage errors in Chinese under zh (above); help whose paragraphs
    wrap to the terminal, in Chinese under zh (cli/helptext.py)."""
    from jtcompare.cli import helptext

    global _typer_format_error
    _typer_format_error = rich_utils.rich_format_error
    rich_utils.rich_format_error = _format_usage_error
    rich_utils._fix_linebreaks = helptext.unwrapped
    rich_utils.rich_format_help = helptext.format_help(rich_utils.rich_format_help, rich_utils)


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Replaces Typer's usage-error formatter when Typer imports typer.rich_utils, which it does only to show help
    or an error: importing it up front to patch it would cost every command about 70 ms (rich's markdown)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            load = spec.loader.exec_module

            def exec_module(module: ModuleType) -> None:
                load(module)
                _patch_format_error(module)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if "typer.rich_utils" in sys.modules:
    _patch_format_error(sys.modules["typer.rich_utils"])
else:
    sys.meta_path.insert(0, _PatchOnImport())


_click_show = click_errors.UsageError.show


def _show_usage_error(self: click_errors.UsageError, file: object = None) -> None:
    """With TYPER_USE_RICH=0 Typer never loads its formatter and lets Click show a usage error in its three
    English lines; the same one line as with rich, then. `jtcompare` alone still shows the help."""
    if isinstance(self, click_errors.NoArgsIsHelpError):
        _click_show(self, file)  # type: ignore[arg-type]
        return
    from jtcompare.cli.helptext import help_lang

    typer.echo(usage_error_line(self, help_lang()), err=True)


def _plain_help(original: Callable[..., None]) -> Callable[..., None]:
    """Click's plain help (TYPER_USE_RICH=0), Chinese under zh as the rich help is (cli/helptext.py, loaded only
    when help is shown)."""

    def format_help(self: object, ctx: object, formatter: object) -> None:
        from jtcompare.cli.helptext import plain_format_help

        plain_format_help(original)(self, ctx, formatter)

    return format_help


if not typer.core.HAS_RICH:
    click_errors.UsageError.show = _show_usage_error  # type: ignore[method-assign]
    for _kind in (typer.core.TyperCommand, typer.core.TyperGroup):
        _kind.format_help = _plain_help(_kind.format_help)  # type: ignore[method-assign]


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


def words(key: str, **params: object) -> str:
    """A line of the command line's own (`wrote FILE`, a note's prefix) in the running command's language."""
    from jtcompare.report.i18n import message_text

    return message_text(Message(key, params), state["lang"])  # type: ignore[arg-type]


def spoken(line: str) -> str:
    """A line the engine made (a parser's warning, a reader's note: a `Said`) in the running command's language."""
    from jtcompare.report.i18n import error_text

    return error_text(line, state["lang"])  # type: ignore[arg-type]


def titled(rows: list[dict], prefix: str) -> list[dict]:
    """A table's rows with their titles in the running command's language (`show.col.no` for `no.`); English
    keeps the keys as they are, which are also the CSV's and JSON's."""
    from jtcompare.report.i18n import label

    if state["lang"] == "en":
        return rows
    return [{label(f"{prefix}.{k.rstrip('.')}", state["lang"]): v for k, v in row.items()} for row in rows]  # type: ignore[arg-type]


def say(key: str, *, err: bool = False, **params: object) -> None:
    typer.echo(words(key, **params), err=err)


def note(kind: str, text: str) -> None:
    """A line on stderr after what a command wrote: `note: ...`, `warning: ...`, `stale: ...` (注意：...)."""
    from jtcompare.report.i18n import error_text

    typer.echo(words(f"cli.{kind}", text=one_line(error_text(text, state["lang"]))), err=True)  # type: ignore[arg-type]


def error_line(exc: JtError) -> str:
    from jtcompare.report.i18n import error_text

    return words("cli.error", text=one_line(error_text(exc, state["lang"])))  # type: ignore[arg-type]


def fail_on_problems(problems: Sequence[JtError]) -> None:
    """After a command has done what it could: name each plan it had to leave out, one line each, and exit 2."""
    for exc in problems:
        typer.echo(error_line(exc), err=True)
    if problems:
        raise typer.Exit(EXIT_BAD_INPUT)


def one_line(text: str) -> str:
    return _LINE_BREAK.sub(lambda m: repr(m.group(0))[1:-1], text)  # a name may hold a line break


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C (temporary files are removed), exits 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def _signals_unwind() -> Iterator[None]:
    """While a command runs, SIGTERM and SIGHUP raise Terminated (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise_terminated) for s in _SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stdout_gone() -> bool:
    """Whether stdout is a pipe whose reader has gone (`jtcompare matrix | head -3`), and so a BrokenPipeError
    is that and not a failure of something else."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real stdout (a test runner's buffer)
        return False
    if not hasattr(select, "poll"):  # Windows: no way to ask; take the error's word
        return True
    poll = select.poll()
    poll.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poll.poll(0))


def _quit_quietly() -> NoReturn:
    """End as `cat` or `grep` do when their reader goes: say nothing. What is still buffered for stdout is
    dropped (fd 1 now writes to /dev/null), so the interpreter's last flush does not report the broken pipe
    ("Exception ignored ... BrokenPipeError")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
    raise typer.Exit(EXIT_BROKEN_PIPE)


@contextmanager
def errors(lang: str | None = None) -> Iterator[None]:
    """Turn engine errors into one line on stderr and an exit code; --debug shows the traceback. `lang` is the
    command's --lang, if it has one: with $JTCOMPARE_LANG it chooses the language of the command's own lines."""
    from jtcompare.report.i18n import message_lang, resolve_lang

    state["lang"] = message_lang(lang)
    try:
        with _signals_unwind(), for_the_command_line():  # the engine's errors name options, not Python arguments
            resolve_lang(lang, "en")  # an unknown --lang or $JTCOMPARE_LANG is refused by every command alike
            yield
    except JtError as exc:
        if state["debug"]:
            traceback.print_exc()
        typer.echo(error_line(exc), err=True)
        raise typer.Exit(exc.exit_code) from None
    except Terminated as exc:
        say("cli.terminated", err=True, signal=signal.Signals(exc.signum).name)
        raise typer.Exit(128 + exc.signum) from None
    except KeyboardInterrupt:
        say("cli.interrupted", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if isinstance(exc, BrokenPipeError) and _stdout_gone():
            _quit_quietly()
        if state["debug"]:
            raise
        typer.echo(words("cli.unexpected", kind=type(exc).__name__, text=str(exc)), err=True)
        raise typer.Exit(EXIT_ERROR) from None
