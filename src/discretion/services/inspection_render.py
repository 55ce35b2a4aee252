"""A student's inspection copy, rendered: HTML, a PDF made from it, and the PDF's text read back.

A FERPA access request is answered with a copy of the student's own records
(34 CFR 99.10). The service that compiles it hands over a JSON-ready bundle
(``format: discretion.inspection/1``); this module only lays it out. Every
value in the bundle is treated as untrusted text: the template autoescapes
it, no value is ever written into CSS or an attribute that loads anything,
and the PDF is made with a URL fetcher that refuses every URL that is not
``data:``, so a record holding ``<img src="http://...">`` or
``url(http://...)`` can never make the renderer reach the network or the
disk.

WeasyPrint and pypdf are imported inside the functions that use them, so
importing this module stays cheap.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

__all__ = [
    "FORMAT",
    "pdf_text",
    "refusing_url_fetcher",
    "render_html",
    "render_pdf",
]

FORMAT = "discretion.inspection/1"
TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_MARKER = "[another student]"
LINE_CHARACTERS = 72  # about how many characters a table row holds across the page
NARROWEST = 4  # characters: the least room a column gets
CELL_PADDING = 2  # characters: a cell's padding and borders
SHORT = 16  # characters: a column that needs no more than this is given all it needs
WIDEST = 48  # characters: what a wide column needs counts up to this much

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    auto_reload=False,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class _Section:
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]


@dataclass(frozen=True)
class _LeftOut:
    label: str
    count: str
    basis: str


def _text(value: object) -> str:
    """Return a value as text: None is empty, anything else its ``str``."""
    return "" if value is None else str(value)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: object) -> Sequence[Any]:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return value
    return ()


def _widths(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[int, ...]:
    """Return each column's share of the table's width in percent, from what it holds.

    A column needs room for its longest line and its heading's longest word. A short
    column (up to ``SHORT`` characters, and no more than an even share of the line) gets
    what it needs, so a date stays on one line; the others share the rest in proportion
    to what they need (counted up to ``WIDEST``), and long content wraps inside them.
    """
    count = max([len(columns), *(len(row) for row in rows)])
    needs: dict[int, int] = {}
    for index in range(count):
        heading = columns[index] if index < len(columns) else ""
        longest_word = max((len(word) for word in heading.split()), default=0)
        longest_line = max(
            (len(line) for row in rows if index < len(row) for line in row[index].splitlines()),
            default=0,
        )
        needs[index] = max(NARROWEST, longest_word, longest_line) + CELL_PADDING
    total = sum(needs.values())
    if total <= LINE_CHARACTERS:
        shares = {index: need / total for index, need in needs.items()}
    else:
        shares, budget, wide = {}, float(LINE_CHARACTERS), dict(needs)
        while narrow := {
            index: need for index, need in wide.items() if need <= min(budget / len(wide), SHORT)
        }:
            for index, need in narrow.items():
                shares[index] = need / LINE_CHARACTERS
                budget -= need
                del wide[index]
        weights = {index: min(need, WIDEST) for index, need in wide.items()}
        shares.update(
            {
                index: budget * weight / sum(weights.values()) / LINE_CHARACTERS
                for index, weight in weights.items()
            }
        )
    percents = [int(100 * shares[index]) for index in range(count)]
    if percents:
        percents[-1] += 100 - sum(percents)
    return tuple(percents)


def _when(value: object) -> str:
    """Return an ISO 8601 instant in words ("1 November 2026, 10:00 UTC"), or the text as given."""
    text = _text(value)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        return text
    day = f"{instant.day} {instant:%B %Y}"
    if len(text) <= len("2026-11-01"):
        return day
    offset = instant.utcoffset()
    if offset is None:
        zone = ""
    elif not offset:
        zone = " UTC"
    else:
        zone = f" UTC{instant:%z}"
    return f"{day}, {instant:%H:%M}{zone}"


def _view(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """Return the template's values: every one text, every missing part empty."""
    found = _text(bundle.get("format"))
    if found != FORMAT:
        raise ValueError(f"unknown inspection bundle format `{found}`; expected `{FORMAT}`")
    request = _mapping(bundle.get("request"))
    student = _mapping(bundle.get("student"))
    help_ = _mapping(bundle.get("help"))
    sections = []
    for raw in _sequence(bundle.get("sections")):
        section = _mapping(raw)
        columns = tuple(_text(column) for column in _sequence(section.get("columns")))
        rows = tuple(
            tuple(_text(cell) for cell in _sequence(row)) for row in _sequence(section.get("rows"))
        )
        sections.append(
            _Section(
                title=_text(section.get("title")),
                description=_text(section.get("description")),
                columns=columns,
                rows=rows,
                widths=_widths(columns, rows),
            )
        )
    left_out = [
        _LeftOut(
            label=_text(_mapping(item).get("label")) or _text(_mapping(item).get("category")),
            count=_text(_mapping(item).get("count")),
            basis=_text(_mapping(item).get("basis")),
        )
        for item in _sequence(bundle.get("left_out"))
    ]
    return {
        "institution": _text(bundle.get("institution")),
        "request_id": _text(request.get("id")),
        "method": _text(request.get("method")),
        "received": _when(request.get("received_at")),
        "due": _when(request.get("due_at")),
        "student_name": _text(student.get("name")),
        "student_id": _text(student.get("id")),
        "username": _text(student.get("username")),
        "email": _text(student.get("email")),
        "compiled": _when(bundle.get("compiled_at")),
        "compiled_by": _text(bundle.get("compiled_by")),
        "marker": _text(bundle.get("marker")) or DEFAULT_MARKER,
        "redactions": _text(bundle.get("redactions")),
        "sections": sections,
        "left_out": left_out,
        "letter_writers": [_text(name) for name in _sequence(bundle.get("letter_writers"))],
        "help_name": _text(help_.get("name")),
        "help_text": _text(help_.get("text")),
    }


def render_html(bundle: Mapping[str, Any]) -> str:
    """Render an inspection bundle as one self-contained HTML page (embedded CSS, no assets).

    Args:
        bundle: The compiled copy, ``format: discretion.inspection/1``; every value is
            escaped.

    Returns:
        The page, with print CSS (page size, margins, "Page N of M" in the footer).

    Raises:
        ValueError: The bundle names another format.
    """
    return _environment.get_template("inspection_copy.html").render(**_view(bundle))


@functools.cache
def _refusing_class() -> type[Any]:
    from weasyprint.urls import URLFetcher

    class RefusingURLFetcher(URLFetcher):  # type: ignore[misc]
        """A WeasyPrint URL fetcher that fetches ``data:`` URLs and refuses every other."""

        def __init__(self, asked: list[str] | None) -> None:
            super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)
            self.asked = asked

        def fetch(self, url: str, headers: Any = None) -> Any:
            if self.asked is not None:
                self.asked.append(url)
            # INVARIANT: nothing but an inline data: URL is ever opened.
            if not url[:5].lower() == "data:":
                raise ValueError(
                    f"refused to fetch `{url[:200]}`: an inspection copy loads nothing from outside"
                )
            return super().fetch(url, headers)

    return RefusingURLFetcher


def refusing_url_fetcher(asked: list[str] | None = None) -> Any:
    """Return a WeasyPrint URL fetcher that refuses every URL that is not ``data:``.

    Args:
        asked: If given, every URL the renderer asks for is appended to it (refused or not).
    """
    return _refusing_class()(asked)


def render_pdf(bundle: Mapping[str, Any], *, url_fetcher: Any = None) -> bytes:
    """Render an inspection bundle as a PDF (US Letter) made by WeasyPrint from ``render_html``.

    Args:
        bundle: As for ``render_html``.
        url_fetcher: A WeasyPrint ``URLFetcher``; by default ``refusing_url_fetcher()``,
            so nothing is fetched from the network or the disk.

    Returns:
        The PDF's bytes, with "Page N of M" in every page's footer.
    """
    from weasyprint import HTML

    fetcher = refusing_url_fetcher() if url_fetcher is None else url_fetcher
    document = HTML(string=render_html(bundle), base_url=None, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_text(pdf: bytes) -> str:
    """Return all the text of a PDF, page by page, as pypdf extracts it.

    A character that no installed font can draw is written by WeasyPrint with a custom
    encoding that pypdf reads wrongly, garbling that font's text: the machine needs fonts
    for every script the records use.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)
