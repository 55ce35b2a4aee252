"""Attachments for the corpus, made in code: small XLSX workbooks and PDFs with text.

Used by ``make_corpus.py`` (which writes the .eml files kept in ``corpus/``)
and by the unit tests.
"""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

STAMP = "2026-11-30T09:30:00Z"


def xlsx(*sheets: list[list[object]]) -> bytes:
    """Return an XLSX workbook with one worksheet per list of rows."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for number, rows in enumerate(sheets, 1):
        sheet = book.create_sheet(f"Sheet{number}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return _fixed_times(out.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """Return the workbook with fixed times in its zip entries and properties (stable bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", STAMP.encode(), content)
            fixed = zipfile.ZipInfo(entry.filename, date_time=(2026, 11, 30, 9, 30, 0))
            target.writestr(fixed, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def pdf(lines: list[str]) -> bytes:
    """Return a one-page PDF whose text is ``lines`` (Helvetica, one line each)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    stream = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(f"({t}) Tj T*" for t in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out
