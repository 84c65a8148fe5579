"""The engine's one exception family. The CLI turns each into a one-line message and an exit code.

An error's text is English (`str(exc)`). The errors a user meets most also carry a `Message`: a key of the
labels in report/data/strings.toml and the values to fill in, so that the command line can say the
same thing in Chinese (`i18n.message_text`) without reading the English back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """What an error says, as a label key (`error.plan_not_found`) and the values to fill in; a value
    may itself be a Message (a hint added to the sentence) or a list (joined in the language's way)."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


# Who reads an error: the engine raises the same errors under the command line and under the Python API, and each
# names what its reader typed (`--max-size 20x` for one, `max_size='20x'` for the other).
_READER: ContextVar[str] = ContextVar("jtcompare_error_reader", default="python")


@contextmanager
def for_the_command_line() -> Iterator[None]:
    """Errors raised inside name the command line's options; outside, the Python API's arguments. A process
    forked inside (a batch's worker) inherits it."""
    token = _READER.set("cli")
    try:
        yield
    finally:
        _READER.reset(token)


def on_the_command_line() -> bool:
    return _READER.get() == "cli"


def option(name: str, *value: object, quoted: bool = True) -> str:
    """An option as an error's reader gives it, by the Python argument's `name`: `--max-size '20x'` on the command
    line, `max_size='20x'` in Python; without a value, `--max-size` or `max_size=`. A value suggested rather than
    quoted back (`quoted=False`) is bare on the command line, as it would be typed: `--level city`."""
    if on_the_command_line():
        given = "--" + name.replace("_", "-")
        return given if not value else f"{given} {value[0]!r}" if quoted else f"{given} {value[0]}"
    return f"{name}={value[0]!r}" if value else f"{name}="


def either(command_line: str, python: str) -> str:
    """What to do, said as the reader does it: `jtcompare import` on the command line, `Library.import_plan` in
    Python (for what is more than an option)."""
    return command_line if on_the_command_line() else python


def flag(name: str) -> str:
    """A yes-or-no option: `--force` on the command line, `force=True` in Python."""
    return "--" + name.replace("_", "-") if on_the_command_line() else f"{name}=True"


def message(key: str, **params: object) -> Message:
    return Message(key, params)


def plan_ref(plan_id: str, name: str) -> Message:
    """A plan as a message names it: by its id in English (wuhan, what is typed), by its name in Chinese (武汉市,
    as the outputs name it)."""
    return Message("word.plan_ref", {"id": plan_id, "name": name})


_OS_REASONS = {"ENOENT": "missing", "EACCES": "denied", "EPERM": "denied", "EISDIR": "folder", "ENOTDIR": "not_dir"}
_OS_REASONS |= {"ENOSPC": "full", "EROFS": "read_only", "ELOOP": "loop", "ENAMETOOLONG": "too_long"}


def os_reason(exc: OSError) -> Message | str:
    """Why a file could not be read or written, said in words the labels have (`error.os.*`) when it is a
    common reason; else the system's own words."""
    import errno

    key = _OS_REASONS.get(errno.errorcode.get(exc.errno or 0, ""))
    return Message(f"error.os.{key}", {}) if key else str(exc.strerror or exc)


def detail(exc: BaseException, text: str | None = None) -> Message:
    """Why a file could not be read, as an error's English has always said it (the library's or the system's own
    words, `text` if given, else `str(exc)`), and in Chinese by the kind of failure: the system's reason, where in
    a TOML file, an undecodable byte, else that the file could not be made sense of."""
    import re

    if isinstance(exc, OSError):
        zh: Message | str = os_reason(exc)
    elif at := re.search(r"\(at line (\d+), column (\d+)\)", str(exc)):
        zh = Message("error.why.toml_at", {"line": int(at.group(1)), "column": int(at.group(2))})
    elif isinstance(exc, UnicodeDecodeError):
        zh = Message("error.why.not_utf8", {})
    else:
        zh = Message("error.why.broken", {})
    return Message("error.detail", {"en": str(exc) if text is None else text, "zh": zh})


class Said(str):
    """A line the engine hands the command line (a stale override, a reviewed cell that changed): the English
    text it always was, carrying its Message so that it can be said in Chinese too."""

    said: Message | None

    def __new__(cls, text: str, said: Message | None = None) -> Said:
        line = super().__new__(cls, text)
        line.said = said
        return line

    def __reduce__(self) -> tuple:  # pickled with its Message (a batch worker's alignment)
        return (Said, (str(self), self.said))


class JtError(Exception):
    """Base of every error the engine reports to a user."""

    exit_code = 2  # bad input

    def __init__(self, text: str, said: Message | None = None) -> None:
        super().__init__(text)  # str(exc) stays the English line; the Message travels in __dict__ (pickled too)
        self.said = said


class PlanNotFound(JtError):
    pass


class BadMetadata(JtError):
    pass


class UnreadableFile(JtError):
    pass


class NotAPlan(JtError):
    pass


class BadOption(JtError):
    pass


class WriteFailed(JtError):
    exit_code = 3


class AlreadyExists(WriteFailed):
    pass


class EmptyFile(UnreadableFile):
    pass


class TooLarge(UnreadableFile):
    """Over the size limit, or a compressed file that would unpack to an absurd size."""


class PlanExists(AlreadyExists):
    pass
