"""Changing the plan library: one writer at a time, plans.toml edited as TOML, never as text.

Every read-modify-write of the library (an import, a forced replacement, an override) runs inside
`locked(folder)`: an exclusive lock (flock) on the plans folder itself, held from reading plans.toml
to renaming the last file into place. Two imports started together therefore run one after the
other, and the second sees the first's entry; the lock goes with the process, so a killed import
cannot leave it held, and no lock file is left behind in the library.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tomlkit
from jtcompare.atomic import write_files
from jtcompare.errors import BadMetadata, WriteFailed, detail, message, os_reason
from jtcompare.plans.registry import (
    MAX_METADATA_BYTES,
    MAX_TEXT_BYTES,
    METADATA,
    default_plans_dir,
    inside,
    installed_read_only,
    is_shipped,
    read_regular,
    shipped_plans_dir,
    user_plans_dir,
)
from tomlkit.items import InlineTable, Table

HEADER = "# The plan library: one table per plan, keyed by its id. `jtcompare import` adds to it.\n"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; imports are then not serialised
    fcntl = None  # type: ignore[assignment]


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the library `folder` (waiting for another writer to finish)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise WriteFailed(
            f"{folder}: cannot lock the plans folder ({exc.strerror or exc})",
            message("error.cannot_lock", folder=folder, reason=os_reason(exc)),
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def writable_plans_dir(folder: Path | None) -> Path:
    """The library an import or an override writes to: the one given, else the default one, except that the library
    shipped with the package is never written: your own library (`registry.user_plans_dir`) is made from it on
    first use, and given explicitly, an installed copy's shipped library is refused."""
    if folder is not None:
        if installed_read_only(Path(folder)):
            raise WriteFailed(
                f"{folder}: the plan library shipped with jtcompare is read-only; leave out --plans-dir "
                f"to write to your own ({user_plans_dir()})",
                message("error.shipped_read_only", folder=folder, mine=user_plans_dir()),
            )
        return Path(folder)
    folder = default_plans_dir()
    return seed_user_library() if is_shipped(folder) else folder


def seed_user_library() -> Path:
    """Your library, made on first use as a copy of the shipped plans (texts and plans.toml; plans.toml last, so
    an interrupted copy leaves no library, only files the next attempt replaces)."""
    mine, shipped = user_plans_dir(), shipped_plans_dir()
    try:
        mine.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteFailed(
            f"{mine}: cannot make your plan library ({exc.strerror or exc})",
            message("error.cannot_make_library", folder=mine, reason=os_reason(exc)),
        ) from None
    with locked(mine):
        if (mine / METADATA).is_file():  # made meanwhile by another command
            return mine
        metadata = read_metadata(shipped) or ""
        files: dict[str, bytes] = {}
        for entry in tomllib.loads(metadata).values():
            for key in ("file", "original"):
                name = entry.get(key) if isinstance(entry, dict) else None
                if isinstance(name, str) and name and (shipped / name).is_file():
                    files[name] = read_regular(inside(shipped, name), MAX_TEXT_BYTES, "a plan's text")
        files[METADATA] = metadata.encode("utf-8")
        write_files(mine, files)
    return mine


def read_metadata(folder: Path) -> str | None:
    """plans.toml as text, None when there is none; only a regular file is read (`registry.read_regular`)."""
    path = Path(folder) / METADATA
    if not path.exists():
        return None
    try:
        return read_regular(path, MAX_METADATA_BYTES, METADATA).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadMetadata(
            f"{path}: cannot read ({exc})", message("error.cannot_read", path=path, reason=detail(exc))
        ) from None


def raw_entries(folder: Path) -> dict[str, Any]:
    text = read_metadata(folder)
    return tomllib.loads(text) if text else {}


def updated_metadata(current: str | None, plan_id: str, entry: dict[str, Any]) -> str:
    """plans.toml with `entry` as [plan_id] (an old one replaced where it stood), every other table,
    comment and blank line kept as it was."""
    old = tomllib.loads(current) if current else {}
    want = {**old, plan_id: entry}
    try:
        doc = tomlkit.parse(current if current is not None else HEADER)
        _set_table(doc, plan_id, entry)
        text = tomlkit.dumps(doc)
    except Exception:  # tomlkit refuses a few layouts tomllib reads: rewrite the file below
        text = None
    if text is None or tomllib.loads(text) != want:
        comments = "".join(ln for ln in (current or HEADER).splitlines(keepends=True) if ln.startswith("#"))
        text = f"{comments}\n{tomlkit.dumps(want)}"
    return text


def _set_table(doc: tomlkit.TOMLDocument, plan_id: str, entry: dict[str, Any]) -> None:
    existing = doc.get(plan_id)
    if isinstance(existing, Table | InlineTable):
        for key in list(existing):
            del existing[key]
        existing.update(entry)
        return
    if plan_id in doc:
        del doc[plan_id]
    table = tomlkit.table()
    table.update(entry)
    doc[plan_id] = table


def stale_files(folder: Path, plan_id: str, keep: tuple[str, ...]) -> list[str]:
    """Files of the plan being replaced that the new entry no longer names and no other entry uses."""
    raw = raw_entries(folder)
    old = raw.get(plan_id)
    if not isinstance(old, dict):
        return []
    used = {
        str(e.get(k)) for pid, e in raw.items() if pid != plan_id and isinstance(e, dict) for k in ("file", "original")
    }
    names = [str(old.get(k)) for k in ("file", "original") if isinstance(old.get(k), str)]
    return [n for n in names if n not in keep and n not in used and "/" not in n and "\\" not in n and n != ".."]
