"""The engine's one exception family. The CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class JtError(Exception):
    """Base of every error the engine reports to a user."""

    exit_code = 2  # bad input


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
