"""Importing OneRoster bundles: bulk, delta, and all-or-nothing on any bad row."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from discretion.importers import ImportRejected, bundle
from discretion.importers.bundle import import_bundle
from discretion.services import Context
from discretion.store.models import (
    Base,
    Consent,
    DirectoryValue,
    Enrollment,
    Guardian,
    Person,
    Record,
    Suppression,
)
from tests.conftest import SAMPLE_BUNDLE

DELTA_BUNDLE = SAMPLE_BUNDLE.parent / "delta"


def _counts(context: Context) -> dict[str, int]:
    with context.transaction() as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def _import(context: Context, folder: Path) -> Any:
    with context.transaction() as session:
        return import_bundle(session, context.profile, folder)


def test_a_bulk_bundle_fills_the_store(empty: Context) -> None:
    summary = _import(empty, SAMPLE_BUNDLE)
    assert summary.counts["people"] == 9 and summary.counts["enrollments"] == 6
    assert summary.modes["users"] == "bulk" and "discretion-consents.csv" in summary.extras
    with empty.transaction() as session:
        ada = session.get(Person, "u-ada")
        assert ada is not None and (ada.kind, ada.level, ada.username) == (
            "student",
            "undergraduate",
            "ada",
        )
        grace = session.get(Person, "u-grace")
        assert grace is not None and grace.status == "former"
        alan = session.get(Person, "u-alan")
        assert alan is not None and alan.status == "current"
        alan = session.get(Person, "u-alan")
        assert alan is not None and alan.level == "graduate"
        assert session.get(Guardian, ("u-byron", "u-ada")) is not None
        byron = session.get(Person, "u-byron")
        assert byron is not None and byron.recipient_kind == "parent"
        roles = dict(session.execute(select(Enrollment.id, Enrollment.role)).all())
        assert roles["e-4"] == "instructor" and roles["e-5"] == "teaching_assistant"
        dob = session.get(DirectoryValue, ("u-ada", "date_of_birth"))
        assert dob is not None and dob.value == "2005-12-10"
        name = session.get(DirectoryValue, ("u-ada", "name"))
        assert name is not None and name.value == "Ada Lovelace"
        places = session.scalars(select(Record.content).where(Record.category == "place_of_birth"))
        assert list(places) == ["London, GB", "London, GB"]
        withheld = session.scalars(select(Suppression).where(Suppression.item.is_(None))).one()
        assert withheld.student_id == "u-grace"
        consent = session.scalars(select(Consent)).one()
        assert consent.items == ["grades", "transcript"] and consent.recipient_name == "c-acme"


def test_importing_the_same_bundle_twice_changes_nothing(sample: Context) -> None:
    before = _counts(sample)
    _import(sample, SAMPLE_BUNDLE)
    assert _counts(sample) == before


def test_a_delta_bundle_adds_and_removes(sample: Context) -> None:
    summary = _import(sample, DELTA_BUNDLE)
    assert summary.modes == {"enrollments": "delta", "orgs": "delta", "users": "delta"}
    with sample.transaction() as session:
        marie = session.get(Person, "u-marie")
        assert marie is not None and marie.status == "current"
        alan = session.get(Person, "u-alan")
        assert alan is not None and alan.status == "former"  # kept, with his log and consents
        assert session.get(Enrollment, "e-5") is None and session.get(Enrollment, "e-7") is not None
        assert (
            session.scalars(select(Enrollment).where(Enrollment.person_id == "u-alan")).all() == []
        )


@pytest.mark.parametrize("chunk", [1, 5_000], ids=["one id per statement", "default chunks"])
def test_a_bulk_bundle_replaces_what_it_leaves_out(
    sample: Context, tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ids go to the database in chunks (PostgreSQL takes at most 65,535 parameters)
    monkeypatch.setattr(bundle, "_CHUNK", chunk)
    folder = _copy(tmp_path)
    _edit(
        folder / "enrollments.csv",
        "e-2,,,cls-801,org-1,u-alan,student,false,2026-09-01,2026-12-22\n",
        "",
    )
    _edit(
        folder / "users.csv",
        "u-grace,,,true,org-1,student,grace,,Grace,Hopper,,S3,grace@test.edu,,,,,\n",
        "",
    )
    for name in (
        "discretion-students.csv",
        "discretion-directory.csv",
        "discretion-records.csv",
        "discretion-suppressions.csv",
    ):
        _drop_lines(folder / name, "u-grace")
    summary = _import(sample, folder)
    assert summary.counts["enrollments_removed"] == 1  # Alan's
    with sample.transaction() as session:
        grace = session.get(Person, "u-grace")
        assert grace is not None and grace.status == "former"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _drop_lines(path: Path, marker: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if marker not in line))


BROKEN: list[tuple[str, str, str, str, str]] = [
    # file, text to replace, replacement, expected place, expected reason
    (
        "users.csv",
        ",student,ada,",
        ",techer,ada,",
        "users.csv line 2, column role",
        "`techer` is not allowed; use one of administrator, aide",
    ),
    (
        "enrollments.csv",
        "e-3,,,cls-1801,org-1,u-grace",
        "e-3,,,cls-9999,org-1,u-grace",
        "enrollments.csv line 4, column classSourcedId",
        "`cls-9999` is not a known class",
    ),
    (
        "enrollments.csv",
        "e-6,,,cls-1801,org-1,u-emmy",
        "e-6,,,cls-1801,org-1,u-nobody",
        "enrollments.csv line 7, column userSourcedId",
        "`u-nobody` is not a known person",
    ),
    (
        "academicSessions.csv",
        "2026-09-01,2026-12-22",
        "2026-09-01,2026-02-30",
        "academicSessions.csv line 3, column endDate",
        "`2026-02-30` is not a date",
    ),
    (
        "users.csv",
        "Grace,Hopper",
        ",Hopper",
        "users.csv line 4, column givenName",
        "is empty; it is required",
    ),
    (
        "manifest.csv",
        "oneroster.version,1.1",
        "oneroster.version,1.0",
        "manifest.csv line 3, column value",
        "oneroster.version must be 1.1",
    ),
    (
        "manifest.csv",
        "file.users,bulk",
        "file.users,sometimes",
        "manifest.csv line 16, column value",
        "`sometimes` is not allowed; use one of bulk, delta, absent",
    ),
    (
        "classes.csv",
        "sourcedId,status,",
        "id,status,",
        "classes.csv line 1, column sourcedId",
        "the header lacks this column",
    ),
    (
        "discretion-suppressions.csv",
        "u-ada,term_address",
        "u-ada,grades",
        "discretion-suppressions.csv line 2, column item",
        "`grades` is not allowed",
    ),
    (
        "discretion-consents.csv",
        ",summer internship,grades transcript,written,",
        ",summer internship,grades marks,written,",
        "discretion-consents.csv line 2, column items",
        "`marks` is not an information item",
    ),
    (
        "discretion-advising.csv",
        "u-emmy,u-alan",
        "u-ada,u-alan",
        "discretion-advising.csv line 2, column advisorSourcedId",
        "`u-ada` is not a known official",
    ),
    (
        "discretion-consents.csv",
        "2027-10-01T09:00:00Z",
        "2025-10-01T09:00:00Z",
        "discretion-consents.csv line 2, column expiresAt",
        "is not after grantedAt",
    ),
    (
        "discretion-consents.csv",
        "grades transcript,written,",
        "grades transcript,verbal,",
        "discretion-consents.csv line 2, column form",
        "a verbal consent cannot permit a release to someone outside",
    ),
    (
        "discretion-consents.csv",
        "u-ada,c-acme,,summer internship,grades transcript,written,",
        "u-ada,,Acme Corp,summer internship,grades transcript,verbal,",
        "discretion-consents.csv line 2, column form",
        "a verbal consent cannot permit a release to someone outside",
    ),
    (
        "users.csv",
        "u-alan,,,true,org-1,student,alan,",
        "u-ada,,,true,org-1,student,alan,",
        "users.csv line 3, column sourcedId",
        "`u-ada` repeats line 2; ids are unique",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "reason"), BROKEN, ids=[f"{b[0]}:{b[4][:30]}" for b in BROKEN]
)
def test_a_bad_row_aborts_the_import_and_changes_nothing(
    sample: Context, tmp_path: Path, file: str, old: str, new: str, where: str, reason: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / file, old, new)
    # the new rows the bundle also brings must not land either
    _edit(folder / "discretion-directory.csv", "u-grace,course,6", "u-grace,course,7")
    before = _counts(sample)
    with pytest.raises(ImportRejected) as error:
        _import(sample, folder)
    message = str(error.value)
    assert message.startswith(where), message
    assert reason in message and message.endswith("nothing was imported")
    assert _counts(sample) == before
    with sample.transaction() as session:
        course = session.get(DirectoryValue, ("u-grace", "course"))
        assert course is not None and course.value == "6"


def test_a_missing_file_or_folder_is_named(empty: Context, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="is not a folder"):
        _import(empty, tmp_path / "nowhere")
    folder = _copy(tmp_path)
    (folder / "users.csv").unlink()
    with pytest.raises(ImportRejected, match="users.csv: the manifest declares it; not found"):
        _import(empty, folder)
    (folder / "manifest.csv").unlink()
    with pytest.raises(ImportRejected, match="manifest.csv: not found"):
        _import(empty, folder)


def test_a_file_that_is_not_utf8_is_refused(empty: Context, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "orgs.csv").write_bytes(
        "sourcedId,status,dateLastModified,name\nx,,,Caf\xe9\n".encode("latin-1")
    )
    with pytest.raises(ImportRejected, match="orgs.csv: is not UTF-8 text"):
        _import(empty, folder)


def test_a_record_may_be_a_letter_of_recommendation_and_nothing_else(
    empty: Context, tmp_path: Path
) -> None:
    folder = _copy(tmp_path)
    records = folder / "discretion-records.csv"
    _edit(records, "classSourcedId,shared\n", "classSourcedId,shared,letterFor\n")
    _edit(
        records,
        "u-grace,grades,18.01: A,u-emmy,cls-1801,true",
        'u-grace,admissions,"Grace writes clean, careful code.",u-emmy,,true,employment',
    )
    _import(empty, folder)
    with empty.transaction() as session:
        letters = session.scalars(select(Record).where(Record.letter_for.is_not(None))).all()
        assert [(r.student_id, r.letter_for) for r in letters] == [("u-grace", "employment")]
    _edit(records, "true,employment", "true,tenure")
    with pytest.raises(ImportRejected, match="letterFor"):
        _import(empty, folder)


def test_a_verbal_consent_to_someone_of_the_institution_imports(
    empty: Context, tmp_path: Path
) -> None:
    folder = _copy(tmp_path)
    consents = folder / "discretion-consents.csv"
    _edit(consents, "u-ada,c-acme,,summer internship,grades transcript,written,",
          "u-ada,u-emmy,,summer internship,grades transcript,verbal,")  # fmt: skip
    assert _import(empty, folder).counts["consents"] == 1
    with empty.transaction() as session:
        assert session.scalars(select(Consent.form)).one() == "verbal"
