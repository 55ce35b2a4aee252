"""CSV that leaves the system: no cell runs as a formula when a spreadsheet opens it.

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or
with a tab or a carriage return before one) as a formula, so a name such as
``=HYPERLINK(...)`` typed into a record could run on a reader's machine
(OWASP: CSV injection). Every CSV Discretion writes goes through
``CsvWriter``, which writes such a cell with a leading single quote: the
spreadsheet shows it as text, and a reader sees the value unchanged after it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

__all__ = ["FORMULA_STARTS", "CsvWriter", "neutralise"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Return a cell's text, with a single quote before it if a spreadsheet would run it.

    None is the empty cell, as the csv module writes it.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvWriter:
    """A CSV writer (one row per line, ``\\n`` between rows) whose every cell is neutralised."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, cells: Iterable[object]) -> None:
        """Write one row."""
        self._writer.writerow([neutralise(cell) for cell in cells])
