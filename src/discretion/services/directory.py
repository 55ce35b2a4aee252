"""The directory: one student at a time from outside, and lists only inside.

Lookups ask the policy what each item may show. From outside, only the items
the directory shows by default and the student left open, and for a
withheld or unknown student the same empty answer. No listing of several
students leaves the Institute: the policy bans it, and ``export`` asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from discretion.policy import Profile, Ruling, decide, parse_question
from discretion.policy.vocabulary import Condition, Decision, RecipientKind
from discretion.services.errors import RefusedError
from discretion.services.facts import student_json
from discretion.services.people import person, recipient_kind
from discretion.store.models import DirectoryValue, Person, Suppression

__all__ = ["Entry", "export", "find_student", "lookup"]

_LISTING_CONDITIONS = {Condition.OMIT_SUPPRESSED_STUDENTS}


@dataclass(frozen=True)
class Entry:
    """A student's directory entry as the reader may see it."""

    student_id: str
    items: dict[str, str]
    withheld: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the entry as JSON-ready data."""
        return {"id": self.student_id, "items": self.items, "withheld": self.withheld}


def find_student(session: Session, query: str) -> Person | None:
    """Return the one student whose id, username or full name is exactly ``query``.

    No prefix, wildcard or partial match; None when nobody or several match.
    """
    text = " ".join(query.split())
    if not text:
        return None
    full_name = func.lower(Person.given_name + " " + Person.family_name)
    found = session.scalars(
        select(Person)
        .where(
            Person.kind == "student",
            or_(Person.id == text, Person.username == text, full_name == text.lower()),
        )
        .limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def _kind(reader: Person | None, about: Person | None) -> RecipientKind:
    if reader is None:
        return RecipientKind.PUBLIC
    kind = recipient_kind(reader, about)
    # the directory serves the community: an official's need to know is for `release`
    return RecipientKind.COMMUNITY if kind is RecipientKind.OFFICIAL else kind


def lookup(
    session: Session, profile: Profile, query: str, reader_id: str | None = None
) -> Entry | None:
    """Return one student's directory entry as ``reader_id`` (None: the public) may see it.

    Returns None for an unknown, ambiguous or wholly withheld student alike.
    """
    reader = person(session, reader_id) if reader_id else None
    about = find_student(session, query)
    if about is None:
        return None
    values = {
        row.item: row.value
        for row in session.scalars(
            select(DirectoryValue).where(DirectoryValue.student_id == about.id)
        )
    }
    if reader is None:
        values = {k: v for k, v in values.items() if k in profile.shown_by_default}
    if not values:
        return None
    facts = student_json(session, about)
    kind = _kind(reader, about)
    question = {
        "recipient": {"kind": kind.value},
        "information": sorted(values),
        "student": facts,
    }
    ruling = decide(parse_question(question, profile), profile)
    shown = {
        item: values[item]
        for item, item_ruling in ruling.by_information.items()
        if item_ruling.decision is Decision.PERMIT
    }
    if not shown and kind is RecipientKind.PUBLIC:
        return None
    return Entry(about.id, shown, withheld=facts["withheld"] and reader is not None)


def _listing_ruling(profile: Profile, kind: RecipientKind, item: str, **student: Any) -> Ruling:
    question = {
        "recipient": {"kind": kind.value},
        "information": [item],
        "students": "many",
        "student": student,
    }
    return decide(parse_question(question, profile), profile)


def export(session: Session, profile: Profile, reader_id: str) -> Iterator[Entry]:
    """Yield every student's directory entry, masked, for a reader inside the Institute.

    Raises:
        RefusedError: the policy does not let this reader have a listing.
    """
    reader = person(session, reader_id)
    kind = _kind(reader, None)
    open_items, refused = [], None
    for item in profile.directory_items:
        ruling = _listing_ruling(profile, kind, item)
        # an export can honour only one condition: leaving out who suppressed the item
        if ruling.decision is Decision.PERMIT and set(ruling.conditions) <= _LISTING_CONDITIONS:
            open_items.append(item)
        elif ruling.decision is Decision.DENY:
            refused = refused or ruling
    if not open_items:
        assert refused is not None  # INVARIANT: some item's ruling explains the refusal
        raise RefusedError(f"a listing of students may not go to `{reader_id}`", refused)
    suppressed = exists().where(
        Suppression.student_id == DirectoryValue.student_id,
        Suppression.rescinded_at.is_(None),
        or_(Suppression.item.is_(None), Suppression.item == DirectoryValue.item),
    )
    rows = session.execute(
        select(DirectoryValue.student_id, DirectoryValue.item, DirectoryValue.value)
        .where(and_(DirectoryValue.item.in_(open_items), ~suppressed))
        .order_by(DirectoryValue.student_id)
    ).yield_per(20_000)
    current: str | None = None
    items: dict[str, str] = {}
    for student_id, item, value in rows:
        if student_id != current:
            if current is not None:
                yield Entry(current, items)
            current, items = student_id, {}
        items[item] = value
    if current is not None:
        yield Entry(current, items)
