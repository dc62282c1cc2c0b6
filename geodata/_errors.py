"""Our exceptions, and the ``Problem`` record that collects every issue of a file into one report.

Loaders do not stop at the first problem: they gather ``Problem`` objects (file, feature, message)
so a user sees everything wrong with a file at once, and one broken file never hides the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    Parameters
    ----------
    file
        The file's name (or path) as the user knows it.
    message
        What is wrong, in plain words.
    feature
        The feature, row or line it concerns (a ``zone_id``, "feature 3", "line 12"), if any.
    severity
        ``"error"`` (the item was not loaded) or ``"warning"`` (loaded, but check it).
    """

    file: str
    message: str
    feature: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}: {self.feature}" if self.feature else self.file
        return f"{where}: {self.message}"


class AtlasError(Exception):
    """Base class of every error this package raises on purpose."""


class DataError(AtlasError):
    """Input data is wrong; carries every ``Problem`` found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(AtlasError):
    """A caller asked for something that cannot be done (unknown layer, bad date, ...)."""


class StoreError(AtlasError):
    """The event store cannot do what was asked (unreachable, locked, read-only, not a store, newer)."""


class ConflictError(StoreError):
    """A change was based on an old version of a row that someone else has changed since.

    ``mine`` is the change that was refused, ``theirs`` the row as it is now; neither is lost.
    """

    def __init__(self, message: str, *, mine: object, theirs: object) -> None:
        self.mine = mine
        self.theirs = theirs
        super().__init__(message)


class OutputError(AtlasError):
    """A file could not be written (no such folder, disk full, ...); a file already there is unchanged."""
