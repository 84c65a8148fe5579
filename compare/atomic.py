"""Write files so that a reader never sees half of one: temporary file in the same folder, then rename.

`write_atomic` writes one file (a report, a cache entry, an overrides file); `update_atomic` edits a copy of one
and puts it in place (a SQLite export updated in place); `write_files` writes
several as one transaction (an import: the plan text, the original and plans.toml). Both refuse to
replace anything but a regular file (a symlink, FIFO or device node is named and left alone), and
both remove their temporary files on any exception, KeyboardInterrupt included; the CLI turns
SIGTERM and SIGHUP into such an exception so that a killed run cleans up as Ctrl-C does.

SIGKILL leaves no chance to clean up, so a temporary file is named for its writer:
`.<name>.<pid>@<host>.<random>.part` (host: a short hash of the host name, for a folder several machines
share). The first write into a folder in a process removes the temporary files there whose writer, on this
host, has died (`sweep_stale_parts`); a live writer's, another host's or another program's are left alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

from jtcompare.errors import AlreadyExists, Message, WriteFailed, either, flag, message, os_reason

Content = bytes | Callable[[BinaryIO], None]

_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_PART = re.compile(r"^\..+\.(\d{1,10})@([0-9a-f]{8})\.[a-z0-9_]{8}\.part$")  # mkstemp: 8 random characters
_swept: set[str] = set()  # folders this process has swept (a pid's files cannot turn stale while it lives)

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_KIND_KEYS = dict(zip((name for _, name in _KINDS), ("link", "folder", "fifo", "char", "block", "socket"), strict=True))


def kind_message(kind: str) -> Message:
    """What file_kind named, as a label (`error.kind.fifo`)."""
    return message(f"error.kind.{_KIND_KEYS.get(kind, 'other')}")


def cannot_write(path: Path, exc: OSError) -> WriteFailed:
    """The one-line error for an OSError met while writing `path`, in either language."""
    return WriteFailed(
        f"{path}: cannot write ({exc.strerror or exc})",
        message("error.cannot_write", path=path, reason=os_reason(exc)),
    )


def check_target(path: Path, *, force: bool, protected: Mapping[Path, str] | None = None) -> None:
    """Refuse a file of `protected` (resolved path -> what it is: the plan library's files) even with force, a
    missing or read-only folder, anything but a regular file, or an existing file unless force."""
    path = Path(path)
    if protected and (what := protected.get(resolved(path))):
        raise WriteFailed(
            f"{path}: is {what}; refusing to overwrite it{either(', even with --force', '')} (give another file name)",
            message("error.protected", path=path, what=what),
        )
    check_replaceable(path)
    if path.exists() and not force:
        said = message("error.exists", path=path)
        raise AlreadyExists(f"{path}: file exists; use {flag('force')} to overwrite it", said)
    if not path.parent.is_dir():
        raise WriteFailed(
            f"{path}: folder {path.parent} does not exist", message("error.no_folder", path=path, folder=path.parent)
        )
    if not os.access(path.parent, os.W_OK):
        raise WriteFailed(
            f"{path}: folder {path.parent} is not writable",
            message("error.folder_not_writable", path=path, folder=path.parent),
        )


def resolved(path: Path) -> Path | None:
    """`path` made absolute with every symlink followed, or None when that fails (a symlink loop, a NUL)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def check_replaceable(path: Path) -> None:
    """A path may be written if it is new or a regular file: a rename would replace a symlink or a
    device node with a regular file, and writing through one is how a report ends up elsewhere."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise cannot_write(path, exc) from None
    kind = file_kind(mode)
    if kind is not None:
        raise WriteFailed(
            f"{path}: is {kind}, not a regular file; refusing to replace it (give a new file name)",
            message("error.not_regular_target", path=path, kind=kind_message(kind)),
        )


def file_kind(mode: int) -> str | None:
    """None for a regular file; else what it is, as a message names it ('a named pipe (FIFO)')."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def write_atomic(
    path: Path, write: Content, *, force: bool = True, protected: Mapping[Path, str] | None = None
) -> None:
    """Write to a temporary file in the same folder and rename it over `path` (see `check_target`)."""
    path = Path(path)
    check_target(path, force=force, protected=protected)
    sweep_stale_parts(path.parent)
    try:
        tmp = _stage(path.parent, path.name, write, mode=_mode_for(path))
    except OSError as exc:
        raise cannot_write(path, exc) from None
    _put_in_place(tmp, path)


def _put_in_place(tmp: Path, path: Path, prepare: Callable[[], None] | None = None) -> None:
    """Rename the staged `tmp` over `path` (after `prepare`, which works on it); on any error or interrupt `tmp`
    is removed and `path` left as it was."""
    try:
        if prepare is not None:
            prepare()
        check_replaceable(path)  # it may have been swapped for a symlink while we wrote
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise


def update_atomic(path: Path, update: Callable[[Path], None], *, protected: Mapping[Path, str] | None = None) -> None:
    """Change a file that is edited, not rewritten (a SQLite database): `update` works on a copy beside it (a new
    empty file when there is none yet), which is renamed over `path` once complete. A reader sees the old file or
    the new one; an error or an interrupt leaves the old one as it was. No --force: updating is the point."""
    path = Path(path)
    check_target(path, force=True, protected=protected)
    sweep_stale_parts(path.parent)

    def copy(stream: BinaryIO) -> None:  # the copy is staged, named for its writer, like every other write
        if path.exists():
            with open(path, "rb") as old:
                shutil.copyfileobj(old, stream)

    try:
        tmp = _stage(path.parent, path.name, copy, mode=_mode_for(path))
    except OSError as exc:
        raise cannot_write(path, exc) from None

    def apply() -> None:
        update(tmp)
        with open(tmp, "rb") as stream:
            os.fsync(stream.fileno())

    _put_in_place(tmp, path, apply)
    _sync_folder(path.parent)


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file of `folder` named in `files` or none: stage each to a temporary file, then
    rename them in order (the last is the commit point); on any error or interrupt, put back what was there."""
    folder = Path(folder)
    staged: list[tuple[Path, Path]] = []
    backups: dict[Path, Path] = {}
    placed: list[Path] = []
    sweep_stale_parts(folder)
    try:
        for name in files:
            check_replaceable(folder / name)
        for name, data in files.items():
            staged.append((_stage(folder, name, data, mode=0o666 & ~_umask()), folder / name))
        for tmp, final in staged:
            if final.exists():
                backups[final] = _backup(final)
            os.replace(tmp, final)
            placed.append(final)
    except BaseException as exc:
        for final in reversed(placed):
            if final in backups:
                os.replace(backups.pop(final), final)
            else:
                final.unlink(missing_ok=True)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for backup in backups.values():
            backup.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            said = message("error.plan_not_written", folder=folder, reason=os_reason(exc))
            raise WriteFailed(
                f"{folder}: cannot write the plan ({exc.strerror or exc}); nothing was changed", said
            ) from None
        raise
    for backup in backups.values():
        backup.unlink(missing_ok=True)
    _sync_folder(folder)


def write_folder(path: Path, files: dict[str, bytes], prepare: Callable[[Path], None] | None = None) -> None:
    """Make the folder `path` holding `files`, whole or not at all: they are written into a temporary folder beside
    it (named as the temporary files are, so that a killed writer's is swept), which is renamed into place after
    `prepare(tmp)` (a lock taken on it there stays with the folder). An empty folder at `path` is replaced; anything
    else there is left alone and the write refused."""
    path = Path(path)
    sweep_stale_parts(path.parent)
    tmp = _stage_folder(path)
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp's 0700 would hide the folder from other users
        write_files(tmp, files)
        if prepare is not None:
            prepare(tmp)
        os.rename(tmp, path)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise
    _sync_folder(path.parent)


def remove_folder(path: Path) -> None:
    """Remove the folder `path` and all it holds, gone at once for a reader: it is first renamed to a temporary
    folder's name (swept later if this process is killed while deleting it)."""
    path = Path(path)
    tmp = _stage_folder(path)
    os.rename(path, tmp)  # over the empty folder just made
    shutil.rmtree(tmp, ignore_errors=True)
    _sync_folder(path.parent)


def _stage_folder(path: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}@{_HOST}.", suffix=".part", dir=path.parent))


def _stage(folder: Path, name: str, content: Content, *, mode: int) -> Path:
    """A temporary file beside `name` holding `content`, flushed to disk; removed again if anything fails."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}@{_HOST}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as stream:
            if isinstance(content, bytes):
                stream.write(content)
            else:
                content(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, mode)  # mkstemp's 0600 would hide the file from other users
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def sweep_stale_parts(folder: Path) -> int:
    """Remove the temporary files (and folders, `write_folder`) in `folder` that a process of this host left when
    it was killed (SIGKILL, a crash, a power cut), once per folder and process; how many were removed. Never
    fails: it only tidies."""
    key = os.path.abspath(folder)
    if key in _swept:
        return 0
    _swept.add(key)
    removed = 0
    try:
        with os.scandir(folder) as entries:
            stale = [
                (e.path, e.is_dir(follow_symlinks=False))
                for e in entries
                if _stale(e.name) and (e.is_file(follow_symlinks=False) or e.is_dir(follow_symlinks=False))
            ]
    except OSError:
        return 0
    for path, is_folder in stale:
        try:
            if is_folder:
                shutil.rmtree(path)
            else:
                os.unlink(path)
            removed += 1
        except OSError:
            pass
    return removed


def _stale(name: str) -> bool:
    m = _PART.match(name)
    return bool(m) and m.group(2) == _HOST and not _alive(int(m.group(1)))


def _alive(pid: int) -> bool:
    """Whether a process `pid` exists here (one of another user's counts: it may be writing)."""
    if pid == os.getpid() or os.name != "posix":  # Windows' os.kill would end the process, not ask about it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists but is not ours, or cannot be asked: leave its files
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that has ended but not yet been reaped. A killed run's workers become such zombies when the
    process that adopts them (a container's first process, say) never reaps them; `os.kill(pid, 0)` still finds
    them, yet they write nothing any more."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (macOS) or gone meanwhile: os.kill's answer stands
    return stat[stat.rindex(")") + 2 : stat.rindex(")") + 3] == "Z"  # the state follows the command name


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _backup(path: Path) -> Path:
    """A second name for the file about to be replaced (a hard link, else a copy)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak", dir=path.parent)
    os.close(fd)
    backup = Path(tmp)
    backup.unlink()
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
