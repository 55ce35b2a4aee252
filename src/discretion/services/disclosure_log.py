"""The disclosure log (34 CFR 99.32): append-only, hash-chained, verifiable.

Each entry's hash covers its fields and the hash of the entry before it;
``log_head`` holds the last sequence number and hash. An append locks the
head row, so with any number of writers the chain stays single. An entry
names the items released, never their values.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.services.context import now
from discretion.services.exports import CsvWriter
from discretion.store.models import Disclosure, LogHead

__all__ = [
    "GENESIS",
    "Entry",
    "Problem",
    "Verification",
    "append",
    "entries_after",
    "entries_for",
    "entry_hash",
    "to_csv",
    "verify",
]

GENESIS = "0" * 64
_FIELDS = ("seq", "at", "actor_id", "recipient", "student_id", "items", "rules", "purpose")


@dataclass(frozen=True)
class Entry:
    """One disclosure: who released which items about whom, to whom, under which rules."""

    seq: int
    at: datetime
    actor_id: str
    recipient: str
    student_id: str
    items: list[str]
    rules: list[str]
    purpose: str | None
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        """Return the entry as JSON-ready data."""
        return {**asdict(self), "at": self.at.isoformat()}


def entry_hash(prev_hash: str, fields: Iterable[Any]) -> str:
    """Return the hash of an entry's fields (in ``_FIELDS`` order) chained to ``prev_hash``."""
    values = [v.isoformat() if isinstance(v, datetime) else v for v in fields]
    payload = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def append(
    session: Session,
    *,
    actor_id: str,
    recipient: str,
    student_id: str,
    items: list[str],
    rules: list[str],
    purpose: str | None,
    at: datetime | None = None,
) -> Entry:
    """Append an entry in the caller's transaction; it commits with the release it records."""
    head = session.execute(select(LogHead).where(LogHead.id == 1).with_for_update()).scalar_one()
    seq, at = head.seq + 1, at or now()
    fields = (seq, at, actor_id, recipient, student_id, items, rules, purpose)
    digest = entry_hash(head.hash, fields)
    entry = Entry(*fields, prev_hash=head.hash, hash=digest)
    session.add(Disclosure(**asdict(entry)))
    head.seq, head.hash = seq, digest
    session.flush()
    return entry


def _entries(session: Session, student_id: str | None = None) -> Iterator[Entry]:
    query = select(*(getattr(Disclosure, f) for f in (*_FIELDS, "prev_hash", "hash")))
    if student_id is not None:
        query = query.where(Disclosure.student_id == student_id)
    for row in session.execute(query.order_by(Disclosure.seq)).yield_per(20_000):
        yield Entry(*row)


def entries_after(session: Session, after: int, limit: int) -> list[Entry]:
    """Return up to ``limit`` entries of the whole log after sequence number ``after``."""
    query = (
        select(*(getattr(Disclosure, f) for f in (*_FIELDS, "prev_hash", "hash")))
        .where(Disclosure.seq > after)
        .order_by(Disclosure.seq)
        .limit(max(1, min(limit, 1000)))
    )
    return [Entry(*row) for row in session.execute(query)]


def entries_for(session: Session, student_id: str) -> list[Entry]:
    """Return the student's own disclosure record, oldest first."""
    return list(_entries(session, student_id))


@dataclass(frozen=True)
class Problem:
    """Where the chain breaks, and how."""

    seq: int
    kind: str  # edited | missing | out_of_place | unrecorded
    message: str


@dataclass(frozen=True)
class Verification:
    """The result of checking the whole chain."""

    entries: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """Return whether the chain holds."""
        return not self.problems


def verify(session: Session) -> Verification:
    """Check every entry against its hash and its predecessor, and the end against the head.

    Finds edited entries (hash mismatch), deleted ones (gaps in the sequence,
    or a head ahead of the last entry), inserted or reordered ones (an entry
    that does not follow the one before it, or that the head does not know).
    """
    problems: list[Problem] = []
    expected, prev, count = 1, GENESIS, 0
    for entry in _entries(session):
        count += 1
        if entry.seq > expected:
            problems.append(
                Problem(expected, "missing", f"entries {expected} to {entry.seq - 1} are missing")
            )
        if entry.prev_hash != prev:
            problems.append(
                Problem(
                    entry.seq,
                    "out_of_place",
                    f"entry {entry.seq} does not follow the entry before it "
                    "(an entry was inserted, deleted or reordered)",
                )
            )
        fields = [getattr(entry, f) for f in _FIELDS]
        if entry_hash(entry.prev_hash, fields) != entry.hash:
            problems.append(Problem(entry.seq, "edited", f"entry {entry.seq} was changed"))
        expected, prev = entry.seq + 1, entry.hash
    head = session.get(LogHead, 1)
    assert head is not None  # INVARIANT: the first migration creates the head
    if head.seq > expected - 1:
        problems.append(
            Problem(expected, "missing", f"entries {expected} to {head.seq} are missing")
        )
    elif head.seq < expected - 1 or head.hash != prev:
        problems.append(
            Problem(
                expected - 1,
                "unrecorded",
                f"the log ends at entry {expected - 1}, which the head does not record "
                "(an entry was added or changed outside Discretion)",
            )
        )
    return Verification(count, problems)


def to_csv(entries: Iterable[Entry]) -> str:
    """Return entries as CSV, one row each, items and rules separated by spaces.

    Cells a spreadsheet would run as formulas (a recipient ``=...``) are neutralised.
    """
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow([*_FIELDS, "prev_hash", "hash"])
    for entry in entries:
        row = entry.to_json()
        row["items"], row["rules"] = " ".join(entry.items), " ".join(entry.rules)
        writer.writerow([row[f] for f in (*_FIELDS, "prev_hash", "hash")])
    return out.getvalue()
