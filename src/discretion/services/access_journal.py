"""The access journal: every read of a student's record, allowed or not.

Separate from the disclosure log (34 CFR 99.32), which records releases the
law asks to be recorded, the journal records each time anyone read a
record: who, about whom (the id as asked, even one that names nobody),
which items they were shown, when, and through which door. The Registrar
searches it; a student sees who looked at their record. Entries name items,
never their values, and the table is append-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.services.access import require_keeper, require_registrar
from discretion.services.context import now
from discretion.services.principals import Principal
from discretion.store.models import AccessEntry

__all__ = ["DOORS", "MAX_PAGE", "Access", "about", "record", "search"]

DOORS = ("api", "cli", "web")
MAX_PAGE = 1000


@dataclass(frozen=True)
class Access:
    """One read of a record."""

    id: int
    at: datetime
    reader_id: str
    via: str
    door: str
    student_id: str
    shown: list[str]

    def to_json(self) -> dict[str, Any]:
        """Return the entry as JSON-ready data."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "reader_id": self.reader_id,
            "via": self.via,
            "door": self.door,
            "student_id": self.student_id,
            "shown": self.shown,
        }


def _access(row: AccessEntry) -> Access:
    return Access(row.id, row.at, row.reader_id, row.via, row.door, row.student_id, row.shown)


def record(
    session: Session,
    *,
    reader: Principal,
    student_id: str,
    shown: list[str],
    door: str,
    at: datetime | None = None,
) -> None:
    """Journal one read, in the caller's transaction (it commits with the read)."""
    session.add(
        AccessEntry(
            at=at or now(),
            reader_id=reader.name,
            via=reader.via,
            door=door,
            student_id=student_id[:64],
            shown=sorted(shown),
        )
    )


def about(
    session: Session, reader: Principal, student_id: str, *, after: int = 0, limit: int = 100
) -> list[Access]:
    """Return who read the student's record, oldest first: for the student or the Registrar.

    Raises:
        ForbiddenError: the reader is neither.
    """
    require_keeper(reader, student_id)
    return _entries(session, student_id, None, None, after, limit)


def search(
    session: Session,
    reader: Principal,
    *,
    student_id: str | None = None,
    reader_id: str | None = None,
    since: datetime | None = None,
    after: int = 0,
    limit: int = 100,
) -> list[Access]:
    """Return journal entries matching every filter given, oldest first (the Registrar's search).

    Args:
        after: entries after this id (for paging).

    Raises:
        ForbiddenError: the searcher is not the Registrar.
    """
    require_registrar(reader)
    return _entries(session, student_id, reader_id, since, after, limit)


def _entries(
    session: Session,
    student_id: str | None,
    reader_id: str | None,
    since: datetime | None,
    after: int,
    limit: int,
) -> list[Access]:
    query = select(AccessEntry).where(AccessEntry.id > after)
    if student_id is not None:
        query = query.where(AccessEntry.student_id == student_id)
    if reader_id is not None:
        query = query.where(AccessEntry.reader_id == reader_id)
    if since is not None:
        query = query.where(AccessEntry.at >= since)
    rows = session.scalars(query.order_by(AccessEntry.id).limit(max(1, min(limit, MAX_PAGE))))
    return [_access(row) for row in rows]
