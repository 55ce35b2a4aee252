"""Bundles built to hurt the importer, each refused at its cell and nothing written.

Each case here was found by fuzzing (tests/test_fuzz_inputs.py): before the
fix, the import failed deep in the database (a NUL character or a value too
long for its column on PostgreSQL, a username someone else has on either)
or in Python (a timestamp whose offset leaves the years 1 to 9999), with a
driver's error and no file, line or column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from discretion.importers import ImportRejected
from discretion.services import Context
from tests.services.test_import import _copy, _counts, _edit, _import

HOSTILE: list[tuple[str, str, str, str, str]] = [
    # file, text to replace, replacement, expected place, expected reason
    ("users.csv", "Ada,Lovelace", "Ada\x00,Lovelace", "users.csv line 2, column givenName",
     "holds a NUL character; remove it"),
    ("discretion-directory.csv", "u-ada,course,8", "u-ada,course,8\x00",
     "discretion-directory.csv line 2, column value", "holds a NUL character"),
    ("users.csv", "Ada,Lovelace", "A" * 201 + ",Lovelace", "users.csv line 2, column givenName",
     "is 201 characters long; at most 200 are kept, shorten it"),
    ("enrollments.csv", "e-1,", "e" * 65 + ",", "enrollments.csv line 2, column sourcedId",
     "is 65 characters long; at most 64 are kept"),
    ("classes.csv", ",crs-801,8.01,", ",crs-801," + "8" * 65 + ",",
     "classes.csv line 2, column classCode", "is 65 characters long; at most 64 are kept"),
    ("discretion-consents.csv", ",summer internship,", "," + "s" * 501 + ",",
     "discretion-consents.csv line 2, column purpose", "is 501 characters long; at most 500"),
    ("discretion-contacts.csv", "Acme Corporation", "A" * 301,
     "discretion-contacts.csv line 2, column organization", "at most 300 are kept"),
    ("users.csv", "u-alan,,,true,org-1,student,alan,", "u-alan,,,true,org-1,student,ada,",
     "users.csv line 3, column username", "`ada` is also on line 2; usernames are unique"),
    ("users.csv", "u-byron,,,true,org-1,parent,byron,", "u-anne,,,true,org-1,parent,byron,",
     "users.csv line 8, column username",
     "`byron` is already the username of `u-byron`; usernames are unique"),
    ("discretion-consents.csv", "2026-10-01T09:00:00Z", "0001-01-01T00:00:00+01:00",
     "discretion-consents.csv line 2, column grantedAt",
     "`0001-01-01T00:00:00+01:00` is outside the years 1 to 9999 in UTC"),
    ("discretion-consents.csv", "2027-10-01T09:00:00Z", "9999-12-31T23:00:00-01:00",
     "discretion-consents.csv line 2, column expiresAt", "is outside the years 1 to 9999"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "reason"), HOSTILE, ids=[f"{h[3]}:{h[4][:24]}" for h in HOSTILE]
)
def test_a_hostile_cell_is_refused_where_it_is(
    sample: Context, tmp_path: Path, file: str, old: str, new: str, where: str, reason: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / file, old, new)
    before = _counts(sample)
    with pytest.raises(ImportRejected) as error:
        _import(sample, folder)
    message = str(error.value)
    assert message.startswith(where), message
    assert reason in message and message.endswith("; nothing was imported"), message
    assert _counts(sample) == before


def test_a_class_without_a_code_takes_its_course_s_only_if_it_fits(
    sample: Context, tmp_path: Path
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "courses.csv", "Classical Mechanics,8.01,", "C" * 70 + ",,")
    _edit(folder / "classes.csv", ",crs-801,8.01,", ",crs-801,,")
    with pytest.raises(ImportRejected) as error:
        _import(sample, folder)
    assert str(error.value).startswith(
        "classes.csv line 2, column classCode: is empty, and the course's code or title has "
        "70 characters; give a class code of at most 64"
    )


def test_a_quoted_cell_is_escaped_and_cut_to_one_short_line(
    sample: Context, tmp_path: Path
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "users.csv", ",student,ada,", ',"stu\ndent' + "x" * 500 + '",ada,')
    with pytest.raises(ImportRejected) as error:
        _import(sample, folder)
    message = str(error.value)
    assert "column role: `stu\\ndentxxx" in message and "xxx...` is not allowed" in message
    assert "\n" not in message and len(message) < 400
