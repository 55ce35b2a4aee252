"""Importing a bundle: read and check everything, then write it in one transaction.

Any bad row stops the import with its file, line, column and reason, before
or during the write; the transaction is rolled back and the store is as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from discretion.importers.errors import ImportRejected, shown
from discretion.importers.extras import VERBAL_OUTSIDE, read_extras
from discretion.importers.manifest import read_roster
from discretion.importers.oneroster import Batch
from discretion.policy import Profile
from discretion.services import privacy_feed
from discretion.services.context import now
from discretion.store.models import (
    Advising,
    Change,
    Consent,
    DirectoryValue,
    Enrollment,
    Guardian,
    OfficeMember,
    Person,
    Record,
    Subject,
    Suppression,
    Term,
)

__all__ = ["ImportSummary", "Normalisation", "import_bundle", "read_bundle"]

ACTOR = "import"
_CHUNK = 5_000


@dataclass
class ImportSummary:
    """What an import wrote."""

    modes: dict[str, str]
    extras: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    version: str = "1.1"
    # tokens written in another case than the standard's, read as the standard's
    normalised: list[Normalisation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""
        return {
            "version": self.version,
            "modes": self.modes,
            "extras": self.extras,
            "counts": self.counts,
            "normalised": [n.to_json() for n in self.normalised],
        }


@dataclass(frozen=True)
class Normalisation:
    """A token a file wrote in another case, read as the standard's, and on how many rows."""

    file: str
    column: str
    written: str
    token: str
    rows: int

    def __str__(self) -> str:
        return f"{self.file} {self.column} {self.written} -> {self.token} ({self.rows} rows)"

    def to_json(self) -> dict[str, Any]:
        """Return the normalisation as JSON-ready data."""
        return {"file": self.file, "column": self.column, "written": self.written,
                "token": self.token, "rows": self.rows}  # fmt: skip


def read_bundle(folder: Path, profile: Profile) -> tuple[Batch, list[str]]:
    """Read and check every file of a bundle, writing nothing."""
    if not folder.is_dir():
        raise ImportRejected(str(folder), None, None, "is not a folder")
    batch = Batch()
    read_roster(folder, batch)
    extras = read_extras(folder, batch, profile)
    return batch, extras


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def _upsert(session: Session, model: Any, rows: Sequence[dict[str, Any]], keys: list[str]) -> int:
    """Insert rows, or update them where their keys exist; rows share their columns."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    base = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
    columns = [c for c in rows[0] if c not in keys]
    statement = (
        base.on_conflict_do_update(index_elements=keys, set_={c: base.excluded[c] for c in columns})
        if columns
        else base.on_conflict_do_nothing(index_elements=keys)
    )
    for chunk in _chunks(rows):
        session.execute(statement, chunk)
    return len(rows)


def _existing(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Person.id, Person.kind)).all())


def _check_references(session: Session, batch: Batch) -> None:
    kinds = _existing(session) | {
        pid: row["kind"] for pid, row in batch.people.items() if "kind" in row
    }
    terms = set(session.scalars(select(Term.id))) | set(batch.terms)
    subjects = set(session.scalars(select(Subject.id))) | set(batch.subjects)
    deleted = batch.deleted
    for (kind, target), (row, column) in batch.references.items():
        if kind == "term":
            ok = target in terms and target not in deleted.get("academicSessions", ())
        elif kind == "subject":
            ok = target in subjects and target not in deleted.get("classes", ())
        elif kind == "person":
            ok = target in kinds
        elif kind == "insider":  # the recipient of a verbal consent
            if kinds.get(target, "external") == "external":
                raise row.reject("form", VERBAL_OUTSIDE)
            continue
        else:
            ok = kinds.get(target) == kind
        if not ok:
            what = {"term": "academic session", "subject": "class"}.get(kind, kind)
            raise row.reject(column, f"{shown(target)} is not a known {what}")


def _check_usernames(session: Session, batch: Batch) -> None:
    """Refuse a username the store already gives to someone else (usernames are unique)."""
    for chunk in _id_chunks(batch.usernames):
        holders = session.execute(
            select(Person.id, Person.username).where(Person.username.in_(chunk))
        )
        for holder, username in holders:
            assert username is not None  # INVARIANT: selected by its value
            claimant, row = batch.usernames[username]
            if holder != claimant:
                raise row.reject(
                    "username",
                    f"{shown(username)} is already the username of {shown(holder)}; "
                    "usernames are unique",
                )


def _write_people(session: Session, batch: Batch, counts: dict[str, int]) -> None:
    full = [row for row in batch.people.values() if "kind" in row]
    columns = ("kind", "given_name", "family_name", "username", "email", "level", "status",
               "recipient_kind", "organization", "preferred_given_name", "preferred_family_name",
               "pronouns")  # fmt: skip
    rows = [{"id": r["id"], **{c: r.get(c) for c in columns}} for r in full]
    counts["people"] = _upsert(session, Person, rows, ["id"])
    for row in batch.people.values():
        if "kind" not in row:  # a student known from earlier imports: level and status only
            session.execute(
                update(Person)
                .where(Person.id == row["id"])
                .values(level=row["level"], status=row["status"])
            )
    if batch.modes.get("users") == "bulk":
        # a student a bulk file leaves out has left: former, and their suppressions stay
        students = set(session.scalars(select(Person.id).where(Person.kind == "student")))
        for chunk in _id_chunks(students - set(batch.people)):
            session.execute(update(Person).where(Person.id.in_(chunk)).values(status="former"))
    for chunk in _id_chunks(batch.deleted.get("users", ())):
        session.execute(
            update(Person)
            .where(Person.id.in_(chunk), Person.kind == "student")
            .values(status="former")
        )
        session.execute(delete(Enrollment).where(Enrollment.person_id.in_(chunk)))
        session.execute(delete(OfficeMember).where(OfficeMember.person_id.in_(chunk)))


def _id_chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    """Yield ids in sorted chunks small enough for one statement's parameters."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _remove_absent(session: Session, model: Any, keep: Iterable[str]) -> int:
    absent = set(session.scalars(select(model.id))) - set(keep)
    for chunk in _id_chunks(absent):
        session.execute(delete(model).where(model.id.in_(chunk)))
    return len(absent)


def _write_teaching(session: Session, batch: Batch, counts: dict[str, int]) -> None:
    modes, deleted = batch.modes, batch.deleted
    counts["terms"] = _upsert(session, Term, list(batch.terms.values()), ["id"])
    counts["subjects"] = _upsert(session, Subject, list(batch.subjects.values()), ["id"])
    counts["enrollments"] = _upsert(session, Enrollment, list(batch.enrollments.values()), ["id"])
    if modes["enrollments"] == "bulk":
        counts["enrollments_removed"] = _remove_absent(session, Enrollment, batch.enrollments)
    dropped = set(deleted.get("classes", ()))
    if modes["classes"] == "bulk":
        dropped |= set(session.scalars(select(Subject.id))) - set(batch.subjects)
    for subject_id in sorted(dropped):
        session.execute(delete(Enrollment).where(Enrollment.subject_id == subject_id))
        session.execute(
            update(Record).where(Record.subject_id == subject_id).values(subject_id=None)
        )
        session.execute(delete(Subject).where(Subject.id == subject_id))
    for chunk in _id_chunks(deleted.get("enrollments", ())):
        session.execute(delete(Enrollment).where(Enrollment.id.in_(chunk)))
    counts["subjects_removed"] = len(dropped)


def _write_student_data(session: Session, batch: Batch, counts: dict[str, int]) -> None:
    rows = [{"student_id": s, "item": i, "value": v} for (s, i), v in batch.directory.items()]
    counts["directory_values"] = _upsert(session, DirectoryValue, rows, ["student_id", "item"])
    pairs = [
        (Guardian, ["parent_id", "student_id"], batch.guardians),
        (Advising, ["advisor_id", "student_id"], batch.advising),
        (OfficeMember, ["person_id", "office"], batch.offices),
    ]
    for model, keys, values in pairs:
        rows = [dict(zip(keys, pair, strict=True)) for pair in sorted(values)]
        counts[model.__tablename__] = _upsert(session, model, rows, keys)
    known = {
        tuple(row)
        for row in session.execute(select(Record.student_id, Record.category, Record.content))
    }
    records = [
        {"made_by": None, "subject_id": None, "shared": True, **r, "created_at": now()}
        for r in batch.records
        if (r["student_id"], r["category"], r["content"]) not in known
    ]
    for chunk in _chunks(records):
        session.execute(insert(Record), chunk)
    counts["records"] = len(records)


def _append_changes(session: Session, batch: Batch, counts: dict[str, int]) -> None:
    in_force = {
        tuple(row)
        for row in session.execute(
            select(Suppression.student_id, Suppression.item).where(
                Suppression.rescinded_at.is_(None)
            )
        )
    }
    added = 0
    for row in batch.suppressions:
        if (row["student_id"], row["item"]) in in_force:
            continue
        in_force.add((row["student_id"], row["item"]))
        suppression = Suppression(**row, recorded_by=ACTOR)
        session.add(suppression)
        session.flush()
        action = "suppress" if row["item"] else "withhold"
        session.add(_change(action, suppression))
        # downstream systems hear of imported suppressions as of any other
        privacy_feed.record(session, suppression, action, suppression.requested_at)
        added += 1
    counts["suppressions"] = added
    seen = {
        (c.student_id, c.recipient_id, c.purpose, tuple(c.items), c.form, c.granted_at)
        for c in session.scalars(select(Consent))
    }
    added = 0
    for row in batch.consents:
        key = (row["student_id"], row["recipient_id"], row["purpose"], tuple(row["items"]),
               row["form"], row["granted_at"])  # fmt: skip
        if key in seen:
            continue
        seen.add(key)
        consent = Consent(**row, recorded_by=ACTOR)
        session.add(consent)
        session.flush()
        session.add(_change("grant", consent))
        added += 1
    counts["consents"] = added


def _change(action: str, row: Any) -> Change:
    return Change(
        at=now(),
        actor=ACTOR,
        action=action,
        entity=row.__tablename__,
        entity_id=str(row.id),
        student_id=row.student_id,
    )


def import_bundle(session: Session, profile: Profile, folder: Path) -> ImportSummary:
    """Import a bundle into the caller's transaction (roll it back on any error)."""
    batch, extras = read_bundle(folder, profile)
    _check_references(session, batch)
    _check_usernames(session, batch)
    summary = ImportSummary({k: v for k, v in batch.modes.items() if v != "absent"}, extras)
    summary.version = batch.version
    summary.normalised = [
        Normalisation(*key, rows) for key, rows in sorted(batch.normalised.items())
    ]
    _write_people(session, batch, summary.counts)
    _write_teaching(session, batch, summary.counts)
    _write_student_data(session, batch, summary.counts)
    _append_changes(session, batch, summary.counts)
    session.flush()
    return summary
