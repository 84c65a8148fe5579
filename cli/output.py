"""Choose the output format and write the result: to stdout, or atomically to --out."""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import typer
from jtcompare.atomic import check_replaceable, check_target, write_atomic
from jtcompare.errors import BadOption, Said, message

SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
}
BINARY = ("xlsx", "docx")
NEEDS_OUT = (*BINARY, "html")  # a page is a file: never dumped on a terminal
Write = Callable[[str], None]


@dataclass(frozen=True)
class TextStream:
    """Text made piece by piece (a matrix of many plans): `produce(write)` calls `write` with each piece. It is
    written as it is made, to --out's temporary file or to a temporary file that stdout gets at the end, so
    it is never held whole and a failure still prints or leaves nothing."""

    produce: Callable[[Write], None]


Content = str | Callable[[BinaryIO], None] | TextStream


def resolve_format(fmt: str | None, out: Path | None, allowed: tuple[str, ...]) -> str:
    """--format if given, else the --out file's extension, else the terminal table."""
    if fmt is None and out is not None:
        fmt = SUFFIXES.get(out.suffix.lower())
        if fmt is None:
            check_replaceable(out)  # `--out .` is a folder, which says more than its missing extension
            raise BadOption(
                f"{out}: cannot tell the format from '{out.suffix}'; give --format",
                message("error.format_from_suffix", path=out, suffix=out.suffix),
            )
    fmt = (fmt or "table").lower()
    if fmt not in allowed:
        if out is not None and fmt in SUFFIXES.values():
            raise BadOption(
                f"{out}: this command does not write {fmt}; use one of {', '.join(allowed)}",
                message("error.format_not_written", path=out, format=fmt, choices=list(allowed)),
            )
        raise BadOption(
            f"--format: unknown format '{fmt}'; choose one of {', '.join(allowed)}",
            message("error.unknown_format", format=fmt, choices=list(allowed)),
        )
    if fmt in NEEDS_OUT and out is None:
        raise BadOption(f"{fmt} output needs --out FILE.{fmt}", message("error.needs_out", format=fmt))
    if out is not None:
        warn_if_named_otherwise(out, fmt)
    return fmt


def warn_if_named_otherwise(out: Path, fmt: str) -> None:
    """Said, not refused (a script may name its files as it likes): a workbook, a document or a database under a
    text file's name, or text under theirs, would not open as its name says."""
    named = SUFFIXES.get(out.suffix.lower())
    binary = (*BINARY, "sqlite")  # export's database too
    if not named or named == fmt or not (fmt in binary or named in binary):
        return
    from jtcompare.cli.app import note

    named = "text" if named == "table" else named  # .txt: the terminal table's text
    note(
        "warning",
        Said(
            f"{out}: writing {fmt} as --format asks, though the name says {named}",
            message("warning.format_vs_name", path=out, format=fmt, named=named),
        ),
    )


def precheck(out: Path | None, force: bool) -> None:
    """Fail before the long work when the output cannot be written (or is a file of the plan library)."""
    if out is not None:
        check_target(out, force=force, protected=library_files_in_use())


def library_files_in_use() -> dict[Path, str]:
    """The files of the plan library the running command reads (its --plans-dir, else $JTCOMPARE_PLANS_DIR, else
    the default) and of the library shipped with the package: --out never replaces one, even with --force."""
    from jtcompare.api import Library
    from jtcompare.cli.options import in_use

    return Library(in_use["plans_dir"]).files()


def emit(content: Content, out: Path | None, *, force: bool, quiet: bool = False, bom: bool = False) -> None:
    """Print, or write atomically to `out`; `bom` starts a text file with a UTF-8 byte order mark.

    A CSV file written with --out carries the BOM so Excel on a Chinese Windows machine reads it as
    UTF-8 (without it, GBK mojibake); stdout never does, so pipes stay clean.
    """
    if out is None:
        if isinstance(content, str):
            typer.echo(content.rstrip("\n"))
        elif isinstance(content, TextStream):
            _echo_stream(content)
        else:
            buf = io.BytesIO()
            content(buf)
            sys.stdout.buffer.write(buf.getvalue())
        return
    if isinstance(content, str):
        from click import unstyle

        content = unstyle(content)  # a file never gets the terminal's colour codes
        data: bytes | Callable[[BinaryIO], None] = ("\ufeff" if bom else "").encode("utf-8") + content.encode("utf-8")
    elif isinstance(content, TextStream):
        data = _stream_writer(content, bom)
    else:
        data = content
    write_atomic(out, data, force=force, protected=library_files_in_use())
    if not quiet:
        from jtcompare.cli.app import say

        say("cli.wrote", err=True, path=out)


def _stream_writer(content: TextStream, bom: bool) -> Callable[[BinaryIO], None]:
    def write_to(stream: BinaryIO) -> None:
        encode = codecs.getincrementalencoder("utf-8")().encode
        if bom:
            stream.write("\ufeff".encode())
        content.produce(lambda piece: stream.write(encode(piece)))

    return write_to


def _echo_stream(content: TextStream) -> None:
    """As `typer.echo(text.rstrip("\n"))` would print the whole text: pieces go to a temporary file while they
    are made, trailing line breaks are held back, and stdout gets it all only once it is complete."""
    import tempfile  # not at the top: `--help` need not load it

    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        held = 0  # line breaks at the end of what was written so far, not yet written

        def write(piece: str) -> None:
            nonlocal held
            body = piece.rstrip("\n")
            if body:
                spool.write("\n" * held + body)
                held = len(piece) - len(body)
            else:
                held += len(piece)

        content.produce(write)
        spool.seek(0)
        while chunk := spool.read(1 << 20):
            typer.echo(chunk, nl=False)
        typer.echo("")
