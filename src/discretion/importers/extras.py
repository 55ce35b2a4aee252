"""Discretion's own CSV files, read beside a OneRoster bundle when present.

Each file's columns (``*`` as a suppression's item withholds everything):

- ``discretion-students.csv``: sourcedId, level, status
- ``discretion-directory.csv``: sourcedId, item, value
- ``discretion-contacts.csv``: sourcedId, givenName, familyName, recipientKind,
  organization, email
- ``discretion-offices.csv``: userSourcedId, office
- ``discretion-advising.csv``: advisorSourcedId, studentSourcedId
- ``discretion-records.csv``: studentSourcedId, category, content, madeBy,
  classSourcedId, shared, and optionally letterFor (admission, employment or
  honor: the record is a confidential letter of recommendation for that)
- ``discretion-suppressions.csv``: sourcedId, item, requestedAt, method
- ``discretion-consents.csv``: studentSourcedId, recipientSourcedId, recipientName,
  purpose, items (space-separated), form, grantedAt, expiresAt, messageId,
  documentSha256

They add to what is in the store: suppressions and consents are appended
(ended only through Discretion itself), the rest updated in place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from discretion.importers.csvfiles import Row, read_rows, width
from discretion.importers.errors import shown
from discretion.importers.oneroster import ID, NAME, Batch
from discretion.policy import Profile
from discretion.policy.vocabulary import OUTSIDE
from discretion.store.models import Consent, Person

__all__ = ["EXTRAS", "OPTIONAL", "read_extras"]

LEVELS = ("undergraduate", "graduate")
STATUSES = ("current", "former")
METHODS = ("written", "online", "in_person")
FORMS = ("verbal", "email", "written", "signed_authorization")
VERBAL_OUTSIDE = (
    "a verbal consent cannot permit a release to someone outside the institution "
    "(34 CFR 99.30 needs signed, dated written consent); record it as written or "
    "signed_authorization with documentSha256"
)
LETTER_PURPOSES = ("admission", "employment", "honor")
# columns a file may hold beyond those it must
OPTIONAL = {"discretion-records.csv": ("letterFor",)}


def _students(row: Row, batch: Batch, profile: Profile) -> None:
    student_id = row.text("sourcedId", required=True)
    batch.refer("student", student_id, row, "sourcedId")
    batch.people.setdefault(student_id, {"id": student_id})  # checked as a reference later
    batch.people[student_id] |= {
        "level": row.choice("level", LEVELS),
        "status": row.choice("status", STATUSES),
    }


def _directory(row: Row, batch: Batch, profile: Profile) -> None:
    student_id = row.text("sourcedId", required=True)
    item = row.choice("item", profile.directory_items)
    batch.refer("student", student_id, row, "sourcedId")
    batch.directory[(student_id, item)] = row.text("value", required=True)


def _contacts(row: Row, batch: Batch, profile: Profile) -> None:
    person_id = row.text("sourcedId", required=True, limit=ID)
    batch.people[person_id] = {
        "id": person_id,
        "kind": "external",
        "given_name": row.text("givenName", required=True, limit=NAME),
        "family_name": row.text("familyName", required=True, limit=NAME),
        "recipient_kind": row.choice("recipientKind", sorted(k.value for k in OUTSIDE)),
        "organization": row.text("organization", limit=width(Person.organization)) or None,
        "email": row.text("email", limit=width(Person.email)) or None,
    }


def _offices(row: Row, batch: Batch, profile: Profile) -> None:
    person_id = row.text("userSourcedId", required=True)
    office = row.choice("office", sorted(profile.need_to_know))
    batch.refer("official", person_id, row, "userSourcedId")
    batch.offices.add((person_id, office))


def _advising(row: Row, batch: Batch, profile: Profile) -> None:
    advisor, student = (
        row.text("advisorSourcedId", required=True),
        row.text("studentSourcedId", required=True),
    )
    batch.refer("official", advisor, row, "advisorSourcedId")
    batch.refer("student", student, row, "studentSourcedId")
    batch.advising.add((advisor, student))


def _records(row: Row, batch: Batch, profile: Profile) -> None:
    student_id = row.text("studentSourcedId", required=True)
    made_by = row.text("madeBy") or None
    subject = row.text("classSourcedId") or None
    batch.refer("student", student_id, row, "studentSourcedId")
    if made_by:
        batch.refer("person", made_by, row, "madeBy")
    if subject:
        batch.refer("subject", subject, row, "classSourcedId")
    batch.records.append(
        {
            "student_id": student_id,
            "category": row.choice("category", profile.non_directory_items),
            "content": row.text("content", required=True),
            "made_by": made_by,
            "subject_id": subject,
            "shared": row.flag("shared", default=True),
            "letter_for": row.choice("letterFor", LETTER_PURPOSES, required=False) or None,
        }
    )


def _suppressions(row: Row, batch: Batch, profile: Profile) -> None:
    student_id = row.text("sourcedId", required=True)
    item = row.choice("item", ("*", *profile.directory_items))
    batch.refer("student", student_id, row, "sourcedId")
    batch.suppressions.append(
        {
            "student_id": student_id,
            "item": None if item == "*" else item,
            "requested_at": row.moment("requestedAt"),
            "method": row.choice("method", METHODS),
        }
    )


def _consents(row: Row, batch: Batch, profile: Profile) -> None:
    student_id = row.text("studentSourcedId", required=True)
    recipient = row.text("recipientSourcedId") or None
    items = row.text("items", required=True).split()
    for item in items:
        if item not in profile.items:
            raise row.reject("items", f"{shown(item)} is not an information item of the profile")
    form = row.choice("form", FORMS)
    evidence = {"email": "messageId", "written": "documentSha256"}.get(
        form, "documentSha256" if form == "signed_authorization" else ""
    )
    if evidence and not row.text(evidence):
        raise row.reject(evidence, f"a {form} consent needs this evidence")
    granted, expires = row.moment("grantedAt"), row.moment("expiresAt", required=False)
    if granted and expires and expires <= granted:
        raise row.reject("expiresAt", "is not after grantedAt")
    batch.refer("student", student_id, row, "studentSourcedId")
    if recipient:
        batch.refer("person", recipient, row, "recipientSourcedId")
    name = row.text("recipientName", limit=width(Consent.recipient_name)) or recipient
    if not name:
        raise row.reject("recipientName", "is empty and no recipientSourcedId is given")
    if form == "verbal":  # as the service refuses it: only someone inside may be told on a word
        if not recipient:  # named, not a person of the store: taken as outside (fail closed)
            raise row.reject("form", VERBAL_OUTSIDE)
        batch.refer("insider", recipient, row, "recipientSourcedId")
    batch.consents.append(
        {
            "student_id": student_id,
            "recipient_id": recipient,
            "recipient_name": name,
            "purpose": row.text("purpose", required=True, limit=width(Consent.purpose)),
            "items": sorted(set(items)),
            "form": form,
            "granted_at": granted,
            "expires_at": expires,
            "message_id": row.text("messageId", limit=width(Consent.message_id)) or None,
            "document_sha256": (
                row.text("documentSha256", limit=width(Consent.document_sha256)) or None
            ),
        }
    )


Reader = Callable[[Row, Batch, Profile], None]
EXTRAS: dict[str, tuple[tuple[str, ...], Reader]] = {
    "discretion-contacts.csv": (
        ("sourcedId", "givenName", "familyName", "recipientKind", "organization", "email"),
        _contacts,
    ),
    "discretion-students.csv": (("sourcedId", "level", "status"), _students),
    "discretion-directory.csv": (("sourcedId", "item", "value"), _directory),
    "discretion-offices.csv": (("userSourcedId", "office"), _offices),
    "discretion-advising.csv": (("advisorSourcedId", "studentSourcedId"), _advising),
    "discretion-records.csv": (
        ("studentSourcedId", "category", "content", "madeBy", "classSourcedId", "shared"),
        _records,
    ),
    "discretion-suppressions.csv": (
        ("sourcedId", "item", "requestedAt", "method"),
        _suppressions,
    ),
    "discretion-consents.csv": (
        (
            "studentSourcedId",
            "recipientSourcedId",
            "recipientName",
            "purpose",
            "items",
            "form",
            "grantedAt",
            "expiresAt",
            "messageId",
            "documentSha256",
        ),
        _consents,
    ),  # fmt: skip
}


def read_extras(folder: Path, batch: Batch, profile: Profile) -> list[str]:
    """Read every Discretion CSV file present in ``folder``; return their names."""
    found = []
    for name, (columns, reader) in EXTRAS.items():
        path = folder / name
        if path.is_file():
            found.append(name)
            for row in read_rows(path, columns):
                reader(row, batch, profile)
    return found
