"""What a table reveals about students: a CSV file or a worksheet, read row by row.

A header row (among the first five) says which columns hold grades, names and
IDs. A row counts as an identified grade when a grade column (or, with no
such column, a cell that is a letter grade and nothing else) sits beside a
name or an ID. An ID column is one whose header has one of the profile's ID
words; without a header, digits are not taken for IDs.
"""

from __future__ import annotations

import re

from discretion.mail.detect import NAME, Evidence, context_pattern, sensitive_words
from discretion.policy import Profile

__all__ = ["table_evidence"]

_GRADE_HEADER = re.compile(r"\b(?:grade|letter|mark)s?\b", re.IGNORECASE)
_NAME_HEADER = re.compile(r"\b(?:name|student|first|last|surname|kerberos|e-?mail)\b", re.I)
_LETTER = re.compile(r"[A-F][+-]?")
_NUMBER = re.compile(r"\d{1,3}(?:\.\d+)?%?")


def _header_row(table: tuple[tuple[str, ...], ...]) -> int | None:
    for index, row in enumerate(table[:5]):
        if any(_GRADE_HEADER.search(cell) or _NAME_HEADER.search(cell) for cell in row):
            return index
    return None


def table_evidence(table: tuple[tuple[str, ...], ...], profile: Profile) -> Evidence:
    """Return the IDs and identified grades of a table (a CSV file or a worksheet)."""
    evidence = Evidence()
    start = _header_row(table)
    header = table[start] if start is not None else ()
    context = context_pattern(profile.id_context_words)
    id_columns = {i for i, cell in enumerate(header) if context.search(cell)}
    grade_columns = {i for i, cell in enumerate(header) if _GRADE_HEADER.search(cell)}
    name_columns = {i for i, cell in enumerate(header) if _NAME_HEADER.search(cell)}
    for row in table[(start + 1 if start is not None else 0) :]:
        ids = {
            m.group()
            for i in id_columns
            if i < len(row)
            for m in profile.student_id_pattern.finditer(row[i])
        }
        evidence.ids |= ids
        names = [row[i] for i in name_columns if i < len(row) and row[i]]
        if not header:  # no header: a cell that looks like a full name says who
            names = [c for c in row if re.fullmatch(rf"{NAME}", c) and len(c.split()) >= 2]
        if grade_columns:  # a grade column holds letters or marks
            cells = [row[i] for i in grade_columns if i < len(row)]
            grades = [c for c in cells if _LETTER.fullmatch(c) or _NUMBER.fullmatch(c)]
        else:  # otherwise only a cell that is a letter grade and nothing else
            grades = [c for c in row if _LETTER.fullmatch(c)]
        if grades and (names or ids):
            evidence.grades += 1
            who = " ".join(names) or min(ids)
            evidence.students.add(who)
            evidence.in_full += len(who.split()) >= 2 or "," in who
    evidence.students |= evidence.ids
    flat = " ".join(" ".join(row) for row in table)
    evidence.words = set(sensitive_words(flat, profile.sensitive_subject_words))
    return evidence
