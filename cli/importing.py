"""`jtcompare import`: add a plan file (text, Word, PDF, web page) to the plan library."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from jtcompare.cli.app import app, errors, note, spoken, state, titled, words
from jtcompare.cli.options import Lang, PlansDir
from jtcompare.cli.output import resolve_format
from jtcompare.errors import Message, message

if TYPE_CHECKING:  # the importer (readers, parser, tomlkit) loads only when `import` runs
    from jtcompare.api import Imported, Moved


@app.command("import")
def import_cmd(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The plan: .txt (UTF-8, GBK/GB18030, Big5), .docx, .pdf, .html.")
    ],
    plan_id: Annotated[str | None, typer.Option("--id", help="Plan id (default: the name in pinyin).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Chinese name, e.g. 武汉市.")] = None,
    level: Annotated[str | None, typer.Option("--level", help="city, province, national, district or other.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="e.g. 减污降碳协同增效实施方案.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Full title (default: from the text).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Issue date, YYYY-MM-DD (default: from the text).")] = None,
    province: Annotated[
        str | None,
        typer.Option(
            "--province", help="The province, e.g. 湖北: national measures bound to other regions do not apply."
        ),
    ] = None,
    source_format: Annotated[
        str | None, typer.Option("--from", help="Read the file as txt, docx, pdf or html (default: detected).")
    ] = None,
    max_size: Annotated[str, typer.Option("--max-size", help="Refuse larger files, e.g. 20MB, 500KB.")] = "20MB",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be imported.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace a plan of the same id and its files.")] = False,
    replace_base: Annotated[
        bool, typer.Option("--replace-base", help="Replace the library's base plan (national); --force does not.")
    ] = False,
    plans_dir: PlansDir = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="Output format: table, md or json.")] = None,
    lang: Lang = None,
) -> None:
    """Read a plan file, show its clauses, measures, warnings and repairs, and add it to the plans folder.

    The text is saved as <id>.txt (UTF-8) beside the original (<id>.orig.docx, ...) with a new entry in plans.toml.

    Examples:

    \b
      jtcompare import wuhan.docx --id wuhan-2023 --dry-run
      jtcompare import wuhan.docx --id wuhan-2023 --name 武汉市 --province 湖北
    """
    from jtcompare.api import Library
    from jtcompare.cli import render
    from jtcompare.report.outline import outline

    with errors(lang):
        fmt = resolve_format(fmt, None, ("table", "md", "json"))
        lib = Library(plans_dir)
        result = lib.import_plan(
            file,
            id=plan_id,
            name=name,
            level=level,
            kind=kind,
            title=title,
            date=date,
            province=province,
            format=source_format,
            max_size=max_size,
            force=force,
            replace_base=replace_base,
            dry_run=dry_run,
        )
        changes = what_changed(result, *lib.moved_cells(result))
        if fmt == "json":
            found = {"import": summary(result), "outline": outline(result.plan)}
            typer.echo(render.to_json(found | ({"changes": changes} if changes else {})))
        else:
            typer.echo(render_import(result, fmt, changes))
        if result.blocked:  # a dry run fails as the real run would: on stderr the same error alone, the same code
            raise result.blocked[0]
        for warning in result.warnings:
            note("warning", warning)


MOVED_SHOWN = 12  # cells listed one a line; the rest are counted


def what_changed(result: Imported, base: str | None, moved: list[Moved]) -> dict | None:
    """For a plan replaced by a new version: clauses and measures old -> new and the cells whose status moved."""
    counts = result.changes()
    if counts is None or result.previous is None:
        return None
    return {
        **{k: {"old": old, "new": new} for k, (old, new) in counts.items()},
        "base": base,
        "cells": [{"measure": m.measure, "was": m.was, "now": m.now} for m in moved],
    }


def render_changes(changes: dict) -> str:
    c, m = changes["clauses"], changes["measures"]
    lines = [
        words(
            "import.changed", clauses_old=c["old"], clauses_new=c["new"], measures_old=m["old"], measures_new=m["new"]
        )
    ]
    if changes["base"]:
        cells = changes["cells"]
        lines.append(words("import.cells" if cells else "import.no_cells", count=len(cells), base=changes["base"]))
        lines += [
            words("import.cell", measure=x["measure"], was=_status(x["was"]), now=_status(x["now"]))
            for x in cells[:MOVED_SHOWN]
        ]
        if len(cells) > MOVED_SHOWN:
            lines.append(words("import.more", count=len(cells) - MOVED_SHOWN))
    return "\n".join(lines)


def _status(status: str) -> Message:
    return message(f"status.{status}")


def summary(result: Imported) -> dict:
    m, doc = result.meta, result.document
    return {
        "file": str(result.source),
        "format": doc.format,
        "encoding": doc.encoding,
        "id": m.id,
        "name": m.name,
        "level": m.level,
        "kind": m.kind,
        "title": m.title,
        "date": m.date,
        "province": m.province,
        "prefix": m.prefix,
        "guessed": list(result.guessed),
        "notes": list(result.notes),
        "warnings": list(result.warnings),
        "plans_dir": str(result.folder),
        "files": list(result.files),
        "replaced": result.replaced,
        "written": result.written,
        "blocked": [str(b) for b in result.blocked],
    }


def render_import(result: Imported, fmt: str, changes: dict | None = None) -> str:
    from jtcompare.cli import render
    from jtcompare.cli.library import heading

    m, doc = result.meta, result.document
    read: Message | str = message(f"import.format.{doc.format}")
    if doc.encoding:
        read = message("import.encoded", format=read, encoding=_encoding(doc.encoding))
    lines = [words("import.read_as", path=result.source, format=read)]
    lines += [f"- {spoken(note)}" for note in result.notes]
    plan = result.plan
    lines += ["", words("show.head", name=m.name, id=m.id, title=m.title)]
    numbered = len(plan.numbered_clauses)
    other = len(plan.clauses) - numbered
    lines.append(words("import.counts", numbered=numbered, other=other, measures=len(plan.measures)))
    clauses = [
        {
            "id": c.id,
            "no.": c.number or "-",
            "title": c.title,
            "measures": len(c.measures),
            "departments": len(c.departments) or "",
        }
        for c in plan.clauses
    ]
    lines += ["", render.table(titled(clauses, "import.col"), fmt), ""]
    for key, items in (("warnings", plan.warnings), ("repairs", [r.describe() for r in plan.norm.repairs])):
        if items:
            lines += [heading(f"show.{key}", fmt)]
            lines += [f"- {spoken(w)}" for w in items]
            lines.append("")
    fields = {"id": m.id, "name": m.name, "level": m.level, "kind": m.kind, "title": m.title, "date": m.date}
    fields["province"] = m.province
    rows = [
        {"field": _field(k), "value": _value(k, v), "from": _source(k, v, result.guessed)} for k, v in fields.items()
    ]
    lines += [render.table(titled(rows, "import.col"), fmt), ""]
    if changes:
        lines += [render_changes(changes), ""]
    files = list(result.files)
    if result.blocked:
        lines.append(words("import.dry_run_refused"))
    elif not result.written:
        lines.append(words("import.dry_run", files=files, folder=result.folder))
    else:
        lines.append(
            words(
                "import.replaced" if result.replaced else "import.added", plan=m.id, folder=result.folder, files=files
            )
        )
    return "\n".join(lines)


def _encoding(name: str) -> str:
    """utf-8 as the English line always said it; in Chinese the encoding's usual name, UTF-8, GBK, BIG5."""
    return name if state["lang"] == "en" else name.upper()


def _field(key: str) -> str:
    return key if state["lang"] == "en" else words(f"plans.{key}")


def _value(key: str, value: str | None) -> str:
    if value and key == "level" and state["lang"] != "en":
        return words(f"level.{value}")
    return value or "-"


def _source(key: str, value: str | None, guessed: tuple[str, ...]) -> str:
    return words("import.guessed") if key in guessed else (words("import.given") if value else "")
