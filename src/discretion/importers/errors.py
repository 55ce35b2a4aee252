"""Errors of the importers.

DiscretionError (policy.errors)
├── ImportRejected   a bundle that cannot be imported; nothing was written
└── CampusExists     the demo campus asked for a store that already holds people
"""

from __future__ import annotations

from discretion.policy.errors import DiscretionError

__all__ = ["CampusExists", "ImportRejected", "shown"]

_SHOWN = 80  # characters of a cell a message quotes


class ImportRejected(DiscretionError):
    """A bundle that cannot be imported: says file, line, column and why."""

    def __init__(self, file: str, line: int | None, column: str | None, reason: str) -> None:
        self.file, self.line, self.column, self.reason = file, line, column, reason
        where = file
        if line is not None:
            where += f" line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {reason}; nothing was imported")


class CampusExists(DiscretionError):
    """The demo campus cannot go into a store that already holds people."""

    def __init__(self, people: int) -> None:
        self.people = people
        super().__init__(
            f"the database already holds a campus ({people} people); "
            "use a new database, or import into this one"
        )


def shown(value: str) -> str:
    """Return a cell as a one-line message quotes it: in backticks, escaped, and short."""
    text = _plain(value)
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + "..."
    return f"`{text}`"


def _plain(text: str) -> str:
    """Return ``text`` with line breaks and other unprintable characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
