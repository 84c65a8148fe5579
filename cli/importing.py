"""`jtcompare import`: add a plan file (text, Word, PDF, web page) to the plan library."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from jtcompare.cli.app import app, errors, note
from jtcompare.cli.options import PlansDir
from jtcompare.cli.output import resolve_format

if TYPE_CHECKING:  # the importer (readers, parser, tomlkit) loads only when `import` runs
    from jtcompare.api import Imported, Moved


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="The plan: .txt (UTF-8, GBK/GB18030, Big5), .docx, .pdf, .html.")],
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
) -> None:
    """Read a plan file, show its clauses, measures, warnings and repairs, and add it to the plans folder.

    The text is saved as <id>.txt (UTF-8) beside the original (<id>.orig.docx, ...) with a new entry in plans.toml.

    Examples:

    \b
      jtcompare import wuhan.docx --dry-run
      jtcompare import wuhan.docx --id wuhan-2023 --name 武汉市 --province 湖北
    """
    from jtcompare.api import Library
    from jtcompare.cli import render
    from jtcompare.report.outline import outline

    with errors():
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
        for problem in result.blocked:
            note("warning", problem)


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
    lines = [f"changed: numbered clauses {c['old']} -> {c['new']}, measures {m['old']} -> {m['new']}"]
    if changes["base"]:
        cells = changes["cells"]
        lines.append(f"{len(cells)} cells changed status against {changes['base']}" + (":" if cells else ""))
        lines += [f"  {x['measure']}: {x['was']} -> {x['now']}" for x in cells[:MOVED_SHOWN]]
        if len(cells) > MOVED_SHOWN:
            lines.append(f"  and {len(cells) - MOVED_SHOWN} more (--format json lists them all)")
    return "\n".join(lines)


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
        "plans_dir": str(result.folder),
        "files": list(result.files),
        "replaced": result.replaced,
        "written": result.written,
        "blocked": list(result.blocked),
    }


def render_import(result: Imported, fmt: str, changes: dict | None = None) -> str:
    from jtcompare.cli import render

    m, doc = result.meta, result.document
    read = doc.format_name + (f", {doc.encoding}" if doc.encoding else "")
    lines = [f"{result.source}: read as {read}"]
    lines += [f"- {note}" for note in result.notes]
    plan = result.plan
    lines += ["", f"{m.name} ({m.id}): {m.title}"]
    numbered = len(plan.numbered_clauses)
    other = len(plan.clauses) - numbered
    lines.append(f"{numbered} numbered clauses, {other} unnumbered, {len(plan.measures)} measures")
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
    lines += ["", render.table(clauses, fmt), ""]
    for label, items in (("warnings", plan.warnings), ("repairs", [r.describe() for r in plan.norm.repairs])):
        if items:
            lines += [f"{label}:" if fmt != "md" else f"## {label}"]
            lines += [f"- {w}" for w in items]
            lines.append("")
    fields = {"id": m.id, "name": m.name, "level": m.level, "kind": m.kind, "title": m.title, "date": m.date}
    fields["province"] = m.province
    rows = [
        {"field": k, "value": v or "-", "from": "guessed" if k in result.guessed else ("given" if v else "")}
        for k, v in fields.items()
    ]
    lines += [render.table(rows, fmt), ""]
    if changes:
        lines += [render_changes(changes), ""]
    files = ", ".join(result.files)
    if not result.written:
        lines.append(f"dry run: nothing written; would add {files} to {result.folder}")
    else:
        verb = "replaced" if result.replaced else "added"
        lines.append(f"{verb} plan '{m.id}' in {result.folder}: {files}")
    return "\n".join(lines)
