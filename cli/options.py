"""Options shared by every command, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from jtcompare.api import Library

in_use: dict[str, Path | None] = {"plans_dir": None}


def _remember_plans_dir(value: Path | None) -> Path | None:
    """Note the library folder of the running command (None: the default): --out must never replace one of its
    files (`cli/output.py:library_files_in_use`). Click calls this for every command that has the option, given
    or not, before the command runs."""
    in_use["plans_dir"] = value
    return value


PlansDir = Annotated[
    Path | None,
    typer.Option(
        "--plans-dir",
        envvar="JTCOMPARE_PLANS_DIR",
        help=(
            "Folder with plans.toml and the plan texts (default: your library once import or override made it, "
            "else the one shipped; `jtcompare plans` says which)."
        ),
        show_default=False,
        callback=_remember_plans_dir,
    ),
]
Format = Annotated[str | None, typer.Option("--format", "-f", help="Output format: table (default), md, json or csv.")]
Out = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file (format from its extension unless --format).")
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]
Base = Annotated[str, typer.Option("--base", "-b", help="The plan to compare against.")]
# The base is the second argument of align, view, report and brief (`report wuhan national`); --base is the same,
# kept from before: one spelling or the other, not two different bases (`pick_base`).
BaseArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="BASE", help="The plan to compare it with (default: national); or --base.", show_default=False
    ),
]
BaseOption = Annotated[
    str | None,
    typer.Option("--base", "-b", help="The same as the BASE argument.", show_default=False),
]
DEFAULT_BASE = "national"


def pick_base(argument: str | None, option: str | None, lib: Library) -> str:
    """The base given as BASE or as --base (the default when neither); both naming different plans (national and
    国家 name one) is an error."""
    from jtcompare.errors import BadOption, message

    if argument is not None and option is not None and lib.find(argument).id != lib.find(option).id:
        raise BadOption(
            f"the base is given twice, as '{argument}' and as --base '{option}'; give it once",
            message("error.base_twice", argument=argument, option=option),
        )
    return argument or option or DEFAULT_BASE


NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Parse and align afresh: read and write none of the on-disk caches.")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or notes on stderr.")]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Worker processes for the plans that need matching (default: one per core; a cached plan needs none).",
        show_default=False,
    ),
]
Config = Annotated[
    Path | None, typer.Option("--config", help="TOML file overriding thresholds and weights (see `jtcompare config`).")
]
NoOverrides = Annotated[bool, typer.Option("--no-overrides", help="Ignore analyst overrides in the plans folder.")]
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of titles and status words: zh or en (default en, zh for docx and html; or $JTCOMPARE_LANG).",
    ),
]
CheckBelow = Annotated[
    float | None,
    typer.Option(
        "--check-below",
        help="Flag a cell to check (?) when its confidence, the probability the engine gives its status (the least "
        "sure of its key units' calls), is below this: 0-1, default 0.6 (setting check_below).",
        show_default=False,
    ),
]
StatusFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        "-s",
        help="List only measures of this status, by id or as the outputs name it (partial, 部分采纳); "
        "repeat it or separate with commas. The summary still counts every measure.",
        show_default=False,
    ),
]
