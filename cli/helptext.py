"""`--help` as a reader sees it: paragraphs that wrap to the terminal, and Chinese under zh.

Loaded only when Typer loads its help formatter (typer.rich_utils), that is for `--help` or a usage error, never
by a command that runs (cli/app.py patches the formatter then). Under zh (`--lang zh` on the command line, or
$JTCOMPARE_LANG=zh) every command's help, every option's, the panel titles and the usage line are Chinese: the
translations are cli/help_zh.toml, one entry per English text, and a test checks that every help text has one.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any

# Typer's words around the help texts, and the type shown beside an option, in Chinese
_PANELS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEFAULT_STRING": "[默认：{}]",
}
_USAGE = (("Usage:", "用法："), ("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."))
TYPES = {
    "<str>": "<文本>",
    "<path>": "<路径>",
    "<float>": "<数值>",
    "<int>": "<整数>",
    "<int range>": "<整数>",
    "<list[str]>": "<文本，可重复>",
}


def help_lang() -> str:
    """zh when the command line asks for Chinese, as jtcompare.report.i18n.message_lang decides it (--lang if it
    names a language, else $JTCOMPARE_LANG). --help and a usage error come before Click has parsed --lang, so its
    value is read from the process's arguments here."""
    from jtcompare.report.i18n import message_lang

    argv, given = sys.argv[1:], None
    for k, arg in enumerate(argv):
        if arg == "--lang" and k + 1 < len(argv):
            given = argv[k + 1]
        elif arg.startswith("--lang="):
            given = arg.split("=", 1)[1]
    return message_lang(given)


@cache
def translations() -> dict[str, str]:
    """English help text -> its Chinese (cli/help_zh.toml)."""
    data = tomllib.loads(resources.files("jtcompare.cli").joinpath("help_zh.toml").read_text(encoding="utf-8"))
    return {entry["en"]: entry["zh"] for entry in data["help"]}


def unwrapped(paragraphs: list[str], markup_mode: object = None) -> str:
    """The help's paragraphs with their source line breaks removed, so the terminal wraps them (Typer kept them,
    and a docstring's lines of 110 characters broke in mid-sentence at 80); a block marked \\b (the examples)
    keeps its lines, without the marker's empty line. Typer then strips the indentation its lines share but the
    first's: the leading empty line makes "Examples:" count, so the examples keep theirs."""
    kept = (p.removeprefix("\b\n") if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)
    return "\n" + "\n\n".join(kept)


def format_help(original: Callable[..., None], rich_utils: ModuleType) -> Callable[..., None]:
    """Typer's help formatter, in Chinese when help_lang() is zh."""

    def formatted(*, obj: Any, ctx: Any, markup_mode: Any) -> None:
        if help_lang() != "zh" or not _readable_translations():
            original(obj=obj, ctx=ctx, markup_mode=markup_mode)
            return
        with _chinese(obj, ctx, rich_utils):
            original(obj=obj, ctx=ctx, markup_mode=markup_mode)

    return formatted


def _readable_translations() -> bool:
    """Whether help_zh.toml can be read: a broken install shows the English help after one line saying why, never
    a traceback instead of any help."""
    try:
        translations()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError) as error:
        print(f"注意：无法读取中文帮助（{error}），以下为英文帮助", file=sys.stderr)
        return False
    return True


Put = Callable[[object, str, object], None]


@contextmanager
def _swapped() -> Iterator[Put]:
    """put(target, name, value) sets an attribute until the block ends, whatever happens (a test process prints
    English help after Chinese). A name this Typer or rich does not have is left alone: the help is then less
    Chinese, never broken."""
    saved: list[tuple[object, str, object]] = []

    def put(target: object, name: str, value: object) -> None:
        if hasattr(target, name):
            saved.append((target, name, getattr(target, name)))
            setattr(target, name, value)

    try:
        yield put
    finally:
        for target, name, value in reversed(saved):
            if name == "get_usage":
                delattr(target, name)  # the method was the class's: the instance had none of its own
            else:
                setattr(target, name, value)


@contextmanager
def _chinese(obj: Any, ctx: Any, rich_utils: ModuleType) -> Iterator[None]:
    """While the help of `obj` is printed: its texts, its options', its commands' and Typer's own words in
    Chinese; all put back after."""
    with _swapped() as put:
        _put_chinese(obj, ctx, rich_utils, put)
        yield


def _put_texts(obj: Any, ctx: Any, put: Put) -> None:
    """The help texts of a command, its options and its commands, in Chinese."""
    zh = translations()
    for item in [obj, *obj.get_params(ctx), *getattr(obj, "commands", {}).values()]:
        if getattr(item, "help", None):
            put(item, "help", zh.get(item.help, item.help))


def _put_chinese(obj: Any, ctx: Any, rich_utils: ModuleType, put: Put) -> None:
    import rich._wrap
    from jtcompare.report.layout import PIECE
    from typer.core import TyperArgument, TyperOption

    _put_texts(obj, ctx, put)
    for name, words in _PANELS.items():
        put(rich_utils, name, words)
    # rich breaks a line only at spaces: a run of Chinese was one word, wrapped raggedly or cut with an ellipsis.
    # Its words are the pieces a Chinese line may break between; what is still too long folds.
    put(rich._wrap, "re_word", PIECE)
    put(rich_utils, "Columns", _stacked)
    command_help = rich_utils._make_command_help
    put(rich_utils, "_make_command_help", lambda **kw: _folded(command_help(**kw)))
    usage = obj.get_usage
    put(obj, "get_usage", lambda c: _usage_zh(usage(c)))
    for kind in (TyperArgument, TyperOption):
        shown = kind.display_type_rich
        put(kind, "display_type_rich", lambda self, ctx, shown=shown: _type_zh(shown(self, ctx)))
    ranged = TyperOption._get_number_range_help_str
    put(TyperOption, "_get_number_range_help_str", lambda self: _range_zh(ranged(self)))


def _stacked(items: list[Any]) -> Any:
    from rich.text import Text

    return _folded(Text("\n").join(items))


def _folded(text: Any) -> Any:
    text.overflow = "fold"  # a table cell would otherwise cut a word longer than its column with an ellipsis
    return text


def _type_zh(shown: str | None) -> str | None:
    return TYPES.get(shown, shown) if shown else shown


def _range_zh(shown: str | None) -> str | None:
    """A range as Typer writes it beside an option (x>=1, 0<=x<=1), the x left out: ≥1, 0≤…≤1."""
    if not shown:
        return shown
    return shown.replace("<=x<=", "≤…≤").replace("x>=", "≥").replace("x<=", "≤")


def _usage_zh(line: str) -> str:
    for en, zh in _USAGE:
        line = line.replace(en, zh)
    return line


def plain_format_help(original: Callable[..., None]) -> Callable[..., None]:
    """Click's plain help, which Typer shows under TYPER_USE_RICH=0, in Chinese when help_lang() is zh: the same
    texts as the rich help (help_zh.toml), Click's and Typer's words around them, lines folded where Chinese may
    break and measured in terminal columns (Click's wrapper breaks at spaces and counts characters)."""

    def formatted(self: Any, ctx: Any, formatter: Any) -> None:
        if help_lang() != "zh" or not _readable_translations():
            original(self, ctx, formatter)
            return
        from jtcompare.report.layout import cells
        from typer._click import _textwrap, formatting
        from typer.core import TyperArgument, TyperOption

        start = len(formatter.buffer)
        with _swapped() as put:
            _put_texts(self, ctx, put)
            put(_textwrap, "TextWrapper", _folding_wrapper(_textwrap.TextWrapper))
            put(formatting, "term_len", cells)  # the options' column measured as shown: <文本> takes six
            for kind in (TyperArgument, TyperOption):
                shown = kind.display_type
                put(kind, "display_type", lambda self, ctx, shown=shown: _type_zh(shown(self, ctx)))
            original(self, ctx, formatter)
        formatter.buffer[start:] = _plain_words(formatter.buffer[start:])

    return formatted


# Click's words around the plain help (titles, the usage line), and Typer's beside an option's help
_TITLES = (
    (re.compile(r"^(\s*)Usage: ", re.M), r"\1用法："),
    (re.compile(r"^(\s*)Arguments:$", re.M), r"\1参数："),
    (re.compile(r"^(\s*)Options:$", re.M), r"\1选项："),
    (re.compile(r"^(\s*)Commands:$", re.M), r"\1命令："),
)
_EXTRAS = (
    (re.compile(r"\[required\]"), "[必填]"),
    (re.compile(r"\[default: ([^\]]*)\]"), r"[默认：\1]"),
    (re.compile(r"\[env var: ([^\]]*)\]"), r"[环境变量：\1]"),
    (re.compile(r"\[(x[<>]=[^\]]*|[^\]\s]*<=x<=[^\]]*)\]"), lambda m: f"[{_range_zh(m[1])}]"),
)


def _plain_words(pieces: list[str]) -> list[str]:
    """What Click wrote, with its titles and the usage line's words in Chinese."""
    out = []
    for piece in pieces:
        for pattern, words in _TITLES:
            piece = pattern.sub(words, piece)
        for en, zh in _USAGE[1:]:
            piece = piece.replace(en, zh)
        out.append(piece)
    return out


def _folding_wrapper(base: type) -> type:
    """Click's TextWrapper, folding lines as the terminal's notes are (cli/render.wrap: where Chinese may break,
    measured in terminal columns)."""
    from jtcompare.cli.render import wrap

    class Folding(base):  # type: ignore[misc, valid-type]
        def wrap(self, text: str) -> list[str]:
            for pattern, words in _EXTRAS:  # before folding, so that the lines are measured as shown
                text = pattern.sub(words, text)
            text = " ".join(text.split("\n")).strip()
            if not text:
                return []
            folded = wrap(self.initial_indent + text, self.width, self.subsequent_indent)
            return [line.rstrip() for line in folded.split("\n")]

    return Folding
