"""Reading CSV files row by row, with every complaint placed at its file, line and column."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from discretion.importers.errors import ImportRejected, shown

__all__ = ["Normalised", "Row", "read_rows", "width"]

# (file, column, value as written, the standard's token) -> rows written that way
Normalised = Counter[tuple[str, str, str, str]]


@dataclass(frozen=True)
class Row:
    """One data row of a CSV file, which knows where it came from."""

    file: str
    line: int
    values: dict[str, str]

    def reject(self, column: str | None, reason: str) -> ImportRejected:
        """Return the error for this row (and column)."""
        return ImportRejected(self.file, self.line, column, reason)

    def text(self, column: str, *, required: bool = False, limit: int | None = None) -> str:
        """Return a column's text, stripped; raise if required and empty, or too long to keep.

        Args:
            column: the column's name in the header.
            required: refuse an empty cell.
            limit: the most characters the store keeps of it (see ``width``).
        """
        value = (self.values.get(column) or "").strip()
        if required and not value:
            raise self.reject(column, "is empty; it is required")
        if "\x00" in value:
            raise self.reject(column, "holds a NUL character; remove it")
        if limit is not None and len(value) > limit:
            raise self.reject(
                column, f"is {len(value)} characters long; at most {limit} are kept, shorten it"
            )
        return value

    def choice(self, column: str, allowed: Sequence[str], *, required: bool = True) -> str:
        """Return a column whose value must be one of ``allowed``."""
        value = self.text(column, required=required)
        if value and value not in allowed:
            raise self.reject(
                column, f"{shown(value)} is not allowed; use one of {', '.join(allowed)}"
            )
        return value

    def token(
        self, column: str, allowed: Sequence[str], notes: Normalised, *, required: bool = True
    ) -> str:
        """Return a column holding one of the standard's ``allowed`` tokens, in any case.

        A value written in another case (``Scheduled``) becomes the standard's
        token (``scheduled``), and ``notes`` counts the rows written that way.
        """
        value = self.text(column, required=required)
        if not value or value in allowed:
            return value
        token = {a.lower(): a for a in allowed}.get(value.lower())
        if token is None:
            raise self.reject(
                column, f"{shown(value)} is not allowed; use one of {', '.join(allowed)}"
            )
        notes[(self.file, column, value, token)] += 1
        return token

    def day(self, column: str, *, required: bool = True) -> date | None:
        """Return a column holding an ISO date (YYYY-MM-DD)."""
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.reject(column, f"{shown(value)} is not a date; write YYYY-MM-DD") from None

    def moment(self, column: str, *, required: bool = True) -> datetime | None:
        """Return a column holding an ISO timestamp (UTC when no offset is given)."""
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.reject(
                column, f"{shown(value)} is not a timestamp; write e.g. 2026-09-01T12:00:00Z"
            ) from None
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        try:
            return parsed.astimezone(UTC)  # as the store keeps it
        except OverflowError:  # an offset pushed year 1 or 9999 out of range
            raise self.reject(
                column, f"{shown(value)} is outside the years 1 to 9999 in UTC"
            ) from None

    def flag(self, column: str, *, default: bool) -> bool:
        """Return a column holding true or false."""
        value = self.text(column).lower()
        if not value:
            return default
        if value not in ("true", "false"):
            raise self.reject(column, f"{shown(value)} is not true or false")
        return value == "true"


def width(column: Any) -> int:
    """Return how many characters a string column of the store keeps, e.g. ``Person.id``."""
    length = getattr(column.type, "length", None)
    assert isinstance(length, int)  # INVARIANT: asked only of String(n) columns
    return length


def read_rows(path: Path, required: Sequence[str]) -> Iterator[Row]:
    """Yield the rows of a CSV file whose header must hold the ``required`` columns.

    Raises:
        ImportRejected: the file is not UTF-8, lacks a column, or a row has extra cells.
    """
    name = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportRejected(name, 1, missing[0], "the header lacks this column")
            for values in reader:
                line = reader.line_num
                if None in values:
                    raise ImportRejected(name, line, None, "the row has more cells than the header")
                yield Row(name, line, values)
    except UnicodeDecodeError:
        raise ImportRejected(name, None, None, "is not UTF-8 text") from None
    except csv.Error as error:
        raise ImportRejected(name, None, None, f"is not valid CSV ({error})") from None
