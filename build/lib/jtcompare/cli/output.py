"""Choose the output format and write the result: to stdout, or atomically to --out."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import typer
from jtcompare.atomic import check_target, write_atomic
from jtcompare.errors import BadOption

SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".txt": "table",
}
BINARY = ("xlsx", "docx")
Content = str | Callable[[BinaryIO], None]


def resolve_format(fmt: str | None, out: Path | None, allowed: tuple[str, ...]) -> str:
    """--format if given, else the --out file's extension, else the terminal table."""
    if fmt is None and out is not None:
        fmt = SUFFIXES.get(out.suffix.lower())
        if fmt is None:
            raise BadOption(f"{out}: cannot tell the format from '{out.suffix}'; give --format")
    fmt = (fmt or "table").lower()
    if fmt not in allowed:
        if out is not None and fmt in SUFFIXES.values():
            raise BadOption(f"{out}: this command does not write {fmt}; use one of {', '.join(allowed)}")
        raise BadOption(f"unknown format '{fmt}'; choose one of {', '.join(allowed)}")
    if fmt in BINARY and out is None:
        raise BadOption(f"{fmt} output needs --out FILE.{fmt}")
    return fmt


def precheck(out: Path | None, force: bool) -> None:
    """Fail before the long work when the output cannot be written."""
    if out is not None:
        check_target(out, force=force)


def emit(content: Content, out: Path | None, *, force: bool, quiet: bool = False, bom: bool = False) -> None:
    """Print, or write atomically to `out`; `bom` starts a text file with a UTF-8 byte order mark.

    A CSV file written with --out carries the BOM so Excel on a Chinese Windows machine reads it as
    UTF-8 (without it, GBK mojibake); stdout never does, so pipes stay clean.
    """
    if out is None:
        if isinstance(content, str):
            typer.echo(content.rstrip("\n"))
        else:
            buf = io.BytesIO()
            content(buf)
            sys.stdout.buffer.write(buf.getvalue())
        return
    if isinstance(content, str):
        data: bytes | Callable[[BinaryIO], None] = ("\ufeff" if bom else "").encode("utf-8") + content.encode("utf-8")
    else:
        data = content
    write_atomic(out, data, force=force)
    if not quiet:
        typer.echo(f"wrote {out}", err=True)
