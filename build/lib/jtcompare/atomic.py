"""Write files so that a reader never sees half of one: temporary file, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from jtcompare.errors import AlreadyExists, WriteFailed


def check_target(path: Path, *, force: bool) -> None:
    """Refuse a missing folder, or an existing file unless force."""
    if path.exists() and not force:
        raise AlreadyExists(f"{path}: file exists; use --force to overwrite it")
    if not path.parent.is_dir():
        raise WriteFailed(f"{path}: folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise WriteFailed(f"{path}: folder {path.parent} is not writable")


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, write: Callable[[BinaryIO], None] | bytes, *, force: bool = True) -> None:
    """Write to a temporary file in the same folder and rename it over `path`."""
    path = Path(path)
    check_target(path, force=force)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            if isinstance(write, bytes):
                stream.write(write)
            else:
                write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteFailed(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
