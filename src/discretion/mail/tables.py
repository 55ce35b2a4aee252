"""Attachments as the checker reads them: tables (CSV, XLSX) and text (PDF, plain, HTML).

Each reader is given the attachment's bytes and returns rows of cells or
text. A reader may raise on a broken file; the caller counts the attachment
as unreadable. Library warnings about odd files are silenced here: they are
about the file, not about our code.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from discretion.mail.text import html_text

__all__ = ["MAX_ROWS", "Attachment", "Table", "read_attachment"]

MAX_ROWS = 5000  # rows read per table; a batch is found long before
MAX_COLUMNS = 64
Table = tuple[tuple[str, ...], ...]
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_QUIET = threading.Lock()


@contextmanager
def _quiet() -> Iterator[None]:
    """Keep pypdf from logging while it reads an attachment: its messages may quote the file."""
    logger = logging.getLogger("pypdf")
    with _QUIET:
        level = logger.level
        logger.setLevel(logging.CRITICAL + 1)
        try:
            yield
        finally:
            logger.setLevel(level)


@dataclass(frozen=True, slots=True)
class Attachment:
    """One attachment: its file name, what it is, and its tables or text."""

    name: str
    kind: str  # "table", "text", "encrypted" (a password-protected file) or "other"
    tables: tuple[Table, ...] = ()
    text: str = ""


def _decode(data: bytes) -> str:
    return data.decode("utf-8-sig", "replace")


def _csv(data: bytes) -> Table:
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    return tuple(
        tuple(cell.strip() for cell in row[:MAX_COLUMNS]) for row in islice(rows, MAX_ROWS)
    )


def _xlsx(data: bytes) -> tuple[Table, ...]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return tuple(
            tuple(
                tuple("" if cell is None else str(cell).strip() for cell in row[:MAX_COLUMNS])
                for row in islice(sheet.iter_rows(values_only=True), MAX_ROWS)
            )
            for sheet in book.worksheets
        )
    finally:
        book.close()


def _pdf(name: str, data: bytes) -> Attachment:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return Attachment(name, "encrypted")
    text = "\n".join(page.extract_text() or "" for page in islice(reader.pages, 200))
    return Attachment(name, "text", text=text)


def read_attachment(name: str, content_type: str, data: bytes) -> Attachment:
    """Return what the checker reads of an attachment, by its file name or content type.

    Raises:
        Exception: whatever the file's reader raises on a broken file.
    """
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    with _quiet():
        return _read(name, suffix, content_type, data)


def _read(name: str, suffix: str, content_type: str, data: bytes) -> Attachment:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if suffix == "csv" or content_type == "text/csv":
            return Attachment(name, "table", tables=(_csv(data),))
        if suffix == "xlsx" or content_type == _XLSX:
            return Attachment(name, "table", tables=_xlsx(data))
        if suffix == "pdf" or content_type == "application/pdf":
            return _pdf(name, data)
        if suffix in ("htm", "html") or content_type == "text/html":
            return Attachment(name, "text", text=html_text(_decode(data)))
        if suffix in ("txt", "text") or content_type == "text/plain":
            return Attachment(name, "text", text=_decode(data))
    return Attachment(name, "other")
