"""A student's inspection copy, rendered for real: HTML, a WeasyPrint PDF, its text via pypdf."""

from __future__ import annotations

import copy
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from discretion.services.inspection_render import (
    pdf_text,
    refusing_url_fetcher,
    render_html,
    render_pdf,
)

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6  # 270 letters, no space

BUNDLE: dict[str, Any] = {
    "format": "discretion.inspection/1",
    "institution": "Demo Institute",
    "request": {
        "id": 3,
        "method": "online",
        "received_at": "2026-11-01T10:00:00+00:00",
        "due_at": "2026-12-16T10:00:00+00:00",
    },
    "student": {
        "id": "student-000001",
        "name": "Ana Alvarez",
        "username": "aalvarez",
        "email": "aalvarez@demo.edu",
    },
    "compiled_at": "2026-11-20T09:00:00+00:00",
    "compiled_by": "staff-registrar-1",
    "marker": "[another student]",
    "redactions": 4,
    "sections": [
        {
            "key": "records",
            "title": "Records about you",
            "description": "Grades, notes and other records kept by the Institute.",
            "columns": ["Category", "Made by", "Date", "Content"],
            "rows": [
                ["grades", "Prof. Mary Smith", "2026-10-01", "7.121: A"],
                [
                    "advising_notes",
                    "",
                    "2026-10-02",
                    "Met with [another student] about the lab.\nFollow up next week.",
                ],
                ["advising_notes", "Dr. Lee", "2026-10-03", f"See {LONG_WORD} later."],
                ["comments", "Tom & Jerry", "2026-10-04", "<script>alert(1)</script> & more"],
            ],
        },
        {
            "key": "disclosures",
            "title": "Who received information about you",
            "description": "People and offices outside the Institute who were sent records.",
            "columns": ["Recipient", "Date", "What"],
            "rows": [],
        },
    ],
    "left_out": [
        {
            "category": "sole_possession_notes",
            "label": "Notes kept only by their maker",
            "count": 1,
            "basis": "34 CFR 99.3, education records, (b)(1)",
        },
        {
            "category": "waived_recommendation_letters",
            "label": "Confidential letters of recommendation you waived the right to see",
            "count": 2,
            "basis": "34 CFR 99.12(b)(3), (c)",
        },
    ],
    "letter_writers": ["Prof. Mary Smith", "Prof. Ike Okafor"],
    "help": {
        "name": "Committee on Student Information Policy",
        "text": "If you believe a record is inaccurate or that your rights were not "
        "respected, the committee can help.",
    },
}

HOSTILE_CELLS = [
    '<img src="http://127.0.0.1:{port}/img">',
    '<link rel="stylesheet" href="http://127.0.0.1:{port}/css">',
    "<style>@import url(http://127.0.0.1:{port}/import);</style>",
    '<p style="background: url(http://127.0.0.1:{port}/bg)">x</p>',
    "body {{ background: url(http://127.0.0.1:{port}/css-url) }}",
]

UNICODE_NAMES = ["Zoë Ñúñez", "李雷", "Ærøskøbing Ødegård", "Øyvind Łukasz-Świątek"]


def _cells(bundle: dict[str, Any]) -> list[str]:
    return [cell for section in bundle["sections"] for row in section["rows"] for cell in row]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(BUNDLE)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_pdf(BUNDLE)


@pytest.fixture(scope="module")
def text(pdf: bytes) -> str:
    return pdf_text(pdf)


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    """A TCP listener on the loopback that records whether anything connected."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(0.2)
        yield server, server.getsockname()[1]


def _connected(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


def test_render_html_shows_every_part_of_the_copy(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert "<main>" in html
    assert "Your records at Demo Institute" in html
    for expected in ("Ana Alvarez", "student-000001", "1 November 2026", "16 December 2026"):
        assert expected in html
    assert "20 November 2026, 09:00 UTC" in html
    assert "[another student]" in html
    assert "Passages replaced in this copy: 4." in html
    for section in BUNDLE["sections"]:
        assert section["title"] in html
        for column in section["columns"] if section["rows"] else ():
            assert f'<th scope="col">{column}</th>' in html
    for item in BUNDLE["left_out"]:
        assert item["label"] in html
        assert f"<td>{item['count']}</td>" in html
        assert item["basis"] in html
    for writer in BUNDLE["letter_writers"]:
        assert writer in html
    assert BUNDLE["help"]["name"] in html
    assert BUNDLE["help"]["text"] in html


def test_render_html_keeps_every_cell_escaped(html: str) -> None:
    for cell in _cells(BUNDLE):
        escaped = cell.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert f"<td>{escaped}</td>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "Tom &amp; Jerry" in html


def test_render_html_headings_in_order_and_nothing_external(html: str) -> None:
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
    assert not re.search(r"(?:src|href)=", html)
    assert "url(" not in html
    assert "@import" not in html


def test_render_html_empty_section_says_none_on_file(html: str) -> None:
    empty = html.split("Who received information about you")[1].split("<h2")[0]
    assert "None on file." in empty
    assert "<table" not in empty
    assert html.count("None on file.") == 1


def test_render_html_names_the_format_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="`discretion.inspection/9`"):
        render_html({**BUNDLE, "format": "discretion.inspection/9"})


def test_render_pdf_is_a_pdf_with_page_numbers(pdf: bytes, text: str) -> None:
    assert pdf.startswith(b"%PDF")
    pages = re.findall(r"Page (\d+) of (\d+)", text)
    assert pages
    total = {of for _, of in pages}
    assert total == {str(len(pages))}
    assert [int(page) for page, _ in pages] == list(range(1, len(pages) + 1))


def test_pdf_text_holds_every_cell_and_the_marker(text: str) -> None:
    spaced, squeezed = _spaced(text), _squeezed(text)
    for cell in _cells(BUNDLE):
        # a cell wraps inside its column: compare with all whitespace removed
        assert _squeezed(cell) in squeezed, cell
    assert "[another student]" in spaced
    assert LONG_WORD in squeezed
    assert "<script>alert(1)</script> & more" in spaced
    for item in BUNDLE["left_out"]:
        assert _squeezed(item["label"]) in squeezed
        assert _squeezed(item["basis"]) in squeezed
    for writer in BUNDLE["letter_writers"]:
        assert writer in spaced
    assert "None on file." in spaced


def test_render_pdf_with_hostile_cells_asks_for_nothing(
    listener: tuple[socket.socket, int],
) -> None:
    server, port = listener
    hostile = copy.deepcopy(BUNDLE)
    cells = [cell.format(port=port) for cell in HOSTILE_CELLS]
    hostile["sections"][0]["rows"] = [["hostile", "x", "2026-10-05", cell] for cell in cells]
    hostile["student"]["name"] = cells[0]
    hostile["institution"] = cells[3]
    asked: list[str] = []

    pdf = render_pdf(hostile, url_fetcher=refusing_url_fetcher(asked))

    assert asked == []  # escaped text loads nothing
    assert not _connected(server)
    squeezed = _squeezed(pdf_text(pdf))
    for cell in cells:
        assert _squeezed(cell) in squeezed


def test_render_pdf_default_fetcher_opens_no_socket(listener: tuple[socket.socket, int]) -> None:
    server, port = listener
    hostile = copy.deepcopy(BUNDLE)
    hostile["sections"][0]["rows"] = [
        ["x", "y", "z", cell.format(port=port)] for cell in HOSTILE_CELLS
    ]

    assert render_pdf(hostile).startswith(b"%PDF")
    assert not _connected(server)


def test_refusing_url_fetcher_refuses_markup_that_would_load(
    listener: tuple[socket.socket, int],
) -> None:
    # if markup ever reached WeasyPrint unescaped, the fetcher is the last line
    from weasyprint import HTML

    server, port = listener
    markup = "".join(cell.format(port=port) for cell in HOSTILE_CELLS[:4])
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
        "nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
    )
    asked: list[str] = []
    fetcher = refusing_url_fetcher(asked)

    pdf = HTML(string=f'{markup}<img src="{pixel}">', url_fetcher=fetcher).write_pdf()

    assert pdf.startswith(b"%PDF")
    assert not _connected(server)
    remote = [url for url in asked if not url.startswith("data:")]
    assert {url.rsplit("/", 1)[1] for url in remote} == {"img", "css", "import", "bg"}
    assert pixel in asked
    with pytest.raises(ValueError, match="refused to fetch `file:///etc/passwd`"):
        fetcher.fetch("file:///etc/passwd")


def test_pdf_text_keeps_accented_names() -> None:
    bundle = copy.deepcopy(BUNDLE)
    latin = [name for name in UNICODE_NAMES if name != "李雷"]
    bundle["student"]["name"] = latin[0]
    bundle["letter_writers"] = latin[1:]

    text = _spaced(pdf_text(render_pdf(bundle)))

    for name in latin:
        assert name in text


@pytest.mark.skipif(
    not _has_cjk_font(),
    reason="no font for Chinese is installed (apt-get install fonts-wqy-microhei)",
)
def test_pdf_text_keeps_chinese_names() -> None:
    bundle = copy.deepcopy(BUNDLE)
    bundle["student"]["name"] = "李雷"
    bundle["sections"][0]["rows"].append(["notes", "韩梅梅", "2026-10-06", "Zoë Ñúñez 李雷"])

    text = _spaced(pdf_text(render_pdf(bundle)))

    for expected in ("李雷", "韩梅梅", "Zoë Ñúñez 李雷", "Demo Institute"):
        assert expected in text


def test_render_html_gives_long_content_the_most_room_and_short_columns_enough(
    html: str,
) -> None:
    records = html.split("<colgroup>")[1].split("</colgroup>")[0]
    widths = [int(width) for width in re.findall(r'style="width: (\d+)%"', records)]
    category, made_by, date, content = widths
    assert sum(widths) == 100
    assert content == max(widths)
    assert date >= 12 * 100 // 72  # "2026-10-01" and its padding stay on one line
