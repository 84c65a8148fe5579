"""Changing the plan library: one writer at a time, plans.toml edited as TOML, never as text.

Every read-modify-write of the library (an import, a forced replacement, an override) runs inside
`writing(folder)`: an exclusive lock (flock) on the plans folder itself, held from reading plans.toml
to renaming the last file into place. Two imports started together therefore run one after the
other, and the second sees the first's entry; the lock goes with the process, so a killed import
cannot leave it held, and no lock file is left behind in the library. Your own library is made there too,
by the first write, so that a command that fails leaves none.
"""

from __future__ import annotations

import errno
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tomlkit
from jtcompare.atomic import remove_folder, write_files, write_folder
from jtcompare.errors import BadMetadata, WriteFailed, detail, either, message, os_reason
from jtcompare.plans.registry import (
    MAX_METADATA_BYTES,
    MAX_TEXT_BYTES,
    METADATA,
    default_plans_dir,
    inside,
    installed_read_only,
    is_shipped,
    is_yours,
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
    fd = _lock(folder)
    if fd is None:
        raise _removed(folder)
    try:
        yield
    finally:
        _unlock(fd)


def _lock(folder: Path) -> int | None:
    """A descriptor of `folder` holding its lock (-1 where there are no locks); None when the folder was removed or
    replaced while we waited (a first write that failed removes the library it made: `writing`)."""
    if fcntl is None:  # pragma: no cover
        return -1
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise WriteFailed(
            f"{folder}: cannot lock the plans folder ({exc.strerror or exc})",
            message("error.cannot_lock", folder=folder, reason=os_reason(exc)),
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            still = os.path.samestat(os.fstat(fd), os.stat(folder))
        except OSError:
            still = False
    except BaseException:
        os.close(fd)
        raise
    if still:
        return fd
    os.close(fd)  # closing releases the lock
    return None


def _removed(folder: Path) -> WriteFailed:
    """The folder went while we waited for its lock."""
    return WriteFailed(
        f"{folder}: cannot lock the plans folder (No such file or directory)",
        message("error.cannot_lock", folder=folder, reason=message("error.os.missing")),
    )


def _unlock(fd: int) -> None:
    if fd >= 0:
        os.close(fd)  # closing releases the lock


def writable_plans_dir(folder: Path | None) -> Path:
    """The library an import or an override writes to: the one given, else the default one, except that the library
    shipped with the package is never written: the write goes to your own library (`registry.user_plans_dir`),
    which `writing` makes from the shipped one at the first write that succeeds, not before; given explicitly, an
    installed copy's shipped library is refused."""
    if folder is not None:
        if installed_read_only(Path(folder)):
            raise WriteFailed(
                f"{folder}: the plan library shipped with jtcompare is read-only; "
                f"{either('leave out --plans-dir', 'open Library() with no path')} "
                f"to write to your own ({user_plans_dir()})",
                message("error.shipped_read_only", folder=folder, mine=user_plans_dir()),
            )
        return Path(folder)
    folder = default_plans_dir()
    return user_plans_dir() if is_shipped(folder) else folder


def unmade(folder: Path) -> bool:
    """Whether `folder` is your own library not made yet: no plans.toml (reads go to the shipped library)."""
    return not (Path(folder) / METADATA).is_file() and is_yours(folder)


def library_now(folder: Path) -> Path:
    """The library a write to `folder` starts from, to be read and checked before it: `folder` itself, or the
    shipped one that your library not made yet will be a copy of."""
    return shipped_plans_dir() if unmade(folder) else Path(folder)


def check_can_make(mine: Path) -> None:
    """Refuse, as the first write would, your library not made yet where it cannot be made: its nearest existing
    folder above is a file, or not writable. A dry run asks, so that it says what the real run will (it makes
    nothing)."""
    above = Path(mine)
    while not above.exists() and above != above.parent:
        above = above.parent
    if not above.is_dir():  # mkdir's own complaint: the folder above is a file, or one further up is
        code = errno.EEXIST if above == Path(mine).parent else errno.ENOTDIR
        raise _cannot_make(mine, OSError(code, os.strerror(code)))
    if not os.access(above, os.W_OK | os.X_OK):
        raise _cannot_make(mine, OSError(errno.EACCES, os.strerror(errno.EACCES)))


def _cannot_make(mine: Path, exc: OSError) -> WriteFailed:
    return WriteFailed(
        f"{mine}: cannot make your plan library ({exc.strerror or exc})",
        message("error.cannot_make_library", folder=mine, reason=os_reason(exc)),
    )


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Hold the library `folder` locked (`locked`) for a read-modify-write. Your own library not made yet is made
    here, as a copy of the shipped plans, whole (`atomic.write_folder`), and removed again if the write fails: only
    a write that succeeds leaves it, and a command that fails before writing never gets here. First writes take
    turns on the folder above it; a writer that waited on a library removed meanwhile starts again."""
    folder = Path(folder)
    while True:
        if unmade(folder):
            with _first_write(folder):
                yield
            return
        fd = _lock(folder)
        if fd is None:
            continue
        try:
            yield
        finally:
            _unlock(fd)
        return


@contextmanager
def _first_write(mine: Path) -> Iterator[None]:
    home = mine.parent
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_make(mine, exc) from None
    if mine.exists() and not mine.is_dir():  # a file where the library goes: said as the dry run says it
        raise _cannot_make(mine, OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))
    with locked(home):
        if not unmade(mine):  # made meanwhile by another command
            with locked(mine):
                yield
            return
        fd, made = _seeded(mine)
        try:
            yield
        except BaseException:
            _unmake(mine, made)
            raise
        finally:
            _unlock(fd)


def _seeded(mine: Path) -> tuple[int, bool]:
    """Your library made as a copy of the shipped plans (texts and plans.toml), locked; and whether it is a new
    folder (else an unfinished copy an earlier version of jtcompare left, finished in place, plans.toml last)."""
    files = _shipped_files()
    if mine.is_dir() and any(mine.iterdir()):
        fd = _lock(mine)
        if fd is None:  # pragma: no cover - removed between the two looks, under the lock of the folder above
            raise _removed(mine)
        try:
            write_files(mine, files)
        except BaseException:
            _unlock(fd)
            raise
        return fd, False
    held: list[int] = []

    def hold(tmp: Path) -> None:  # locked before it takes its name: no writer comes in before ours
        fd = _lock(tmp)
        if fd is not None:
            held.append(fd)

    try:
        write_folder(mine, files, prepare=hold)
    except BaseException:
        for fd in held:
            _unlock(fd)
        raise
    return (held[0] if held else -1), True


def _shipped_files() -> dict[str, bytes]:
    shipped = shipped_plans_dir()
    metadata = read_metadata(shipped) or ""
    files: dict[str, bytes] = {}
    for entry in tomllib.loads(metadata).values():
        for key in ("file", "original"):
            name = entry.get(key) if isinstance(entry, dict) else None
            if isinstance(name, str) and name and (shipped / name).is_file():
                files[name] = read_regular(inside(shipped, name), MAX_TEXT_BYTES, "a plan's text")
    files[METADATA] = metadata.encode("utf-8")  # last: the copy is a library only once it is all there
    return files


def _unmake(mine: Path, made: bool) -> None:
    """After a failed first write: no library of yours, as before it (the folder it made removed; in an earlier
    unfinished copy, plans.toml)."""
    try:
        if made:
            remove_folder(mine)
        else:
            (mine / METADATA).unlink(missing_ok=True)
    except OSError:
        pass  # the write's own error is the one to report


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
