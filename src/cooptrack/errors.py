"""The project's own exceptions: every failure a user can cause ends as one of these.

The CLI and the dashboard catch `CooptrackError` and show its message; anything else is a bug.
Messages a dashboard user can meet are in the current language (the CLI speaks English unless
`--lang` says otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cooptrack.i18n import _


class CooptrackError(Exception):
    """Base class: the message is written for the person who caused it."""


class InputError(CooptrackError):
    """A value given by the user (filter, date, option) is not acceptable."""


class StoreError(CooptrackError):
    """The database cannot be opened, read or written as asked."""


class SeedError(CooptrackError):
    """A row of the bundled text files is invalid; names file, line and column."""

    def __init__(self, file: str, line: int, column: str, reason: str) -> None:
        self.file, self.line, self.column, self.reason = file, line, column, reason
        super().__init__(f"{file}, line {line}, column {column!r}: {reason}")


class NotAllowed(CooptrackError):
    """The person asking is not signed in as an editor."""


class EditConflict(CooptrackError):
    """Someone else changed the record since it was opened; nothing was saved."""

    def __init__(self, record: str, changes: list[tuple[str, object, object]]) -> None:
        self.record, self.changes = record, changes
        fields = ", ".join(name for name, _before, _after in changes) or _("the record")
        super().__init__(
            _(
                "{record} was changed by someone else since you opened it ({fields}); nothing "
                "was saved. Review their change and edit again."
            ).format(record=record, fields=fields)
        )


class ConfigError(CooptrackError):
    """A setting in the environment (COOPTRACK_*) has a value that cannot be used."""


@dataclass(frozen=True)
class Problem:
    """One value that cannot be used, where it stands and why. Every check that reports many
    problems at once uses this one shape: a file's rows (`row`), an IATI file's activities
    (`activity`), a link's filters (`filter`)."""

    at: int | str  # a row number, an activity's identifier, a filter's name
    field: str  # a column, an element, the value given
    reason: str
    place: Literal["row", "activity", "filter"] = "row"

    def __str__(self) -> str:
        if self.place == "activity":
            where = _("activity {activity}, <{element}>").format(
                activity=_short(str(self.at)), element=self.field
            )
        elif self.place == "filter":
            where = f"{self.at} {_short(self.field)}"
        else:
            where = _("row {row}, column {column}").format(row=self.at, column=repr(self.field))
        return f"{where}: {self.reason}"


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else f"{text[:limit]}…")
