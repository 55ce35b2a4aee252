"""The directory: one student at a time from outside, the reader's view inside, lists only inside.

Lookups ask the policy what each item may show, with the reader's standing.
From outside, only the items the directory shows by default and the student
left open; inside, every item the reader may see, a withheld student marked
as such to those who may see them. A reader allowed nothing gets the answer
an unknown or ambiguous name gets.

A lookup does the same work whether or not it finds someone: the same two
statements (the match, then the student's values and suppressions, for an
id that matches nothing when nobody was found) and one ruling on the same
items, so neither the answer nor the time it takes tells a withheld student
from one who does not exist.

No listing of several students leaves the Institute: the policy bans it,
and ``export`` asks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from discretion.policy import Profile, Ruling, decide, parse_question
from discretion.policy.vocabulary import Condition, Decision, RecipientKind
from discretion.services.errors import RefusedError
from discretion.services.people import recipient_kind, relations
from discretion.services.principals import Principal
from discretion.store.models import DirectoryValue, Person, Suppression, full_name_key

__all__ = ["Entry", "export", "find_student", "lookup"]

_LISTING_CONDITIONS = {Condition.OMIT_SUPPRESSED_STUDENTS}
# an id no student has (ids are never empty): what a lookup that found nobody reads
_NOBODY = ""


@dataclass(frozen=True)
class Entry:
    """A student's directory entry as the reader may see it."""

    student_id: str
    items: dict[str, str]
    withheld: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the entry as JSON-ready data."""
        return {"id": self.student_id, "items": self.items, "withheld": self.withheld}


def _normal(query: str) -> str:
    return " ".join(query.split())


def find_student(session: Session, query: str) -> Person | None:
    """Return the one student whose id, username or shown full name is exactly ``query``.

    No prefix, wildcard or partial match; None when nobody or several match.
    """
    found = _match(session, _normal(query))
    return None if found is None else session.get(Person, found[0])


def _match(session: Session, text: str) -> tuple[str, str | None, str | None] | None:
    """Return the id, level and status of the one student ``text`` names exactly.

    One statement of four indexed lookups (id, username, lowered full name,
    lowered preferred name). A student with a preferred name is found by it
    and not by their legal name, which the directory does not show: a lookup
    must not tie the two together.
    """
    full_name = full_name_key(Person.given_name, Person.family_name)
    preferred = full_name_key(Person.preferred_given_name, Person.preferred_family_name)
    columns = (Person.id, Person.level, Person.status)
    students = Person.kind == "student"
    no_preferred = Person.preferred_given_name.is_(None)
    matches = union_all(
        select(*columns).where(students, Person.id == text),
        select(*columns).where(students, Person.username == text),
        select(*columns).where(students, full_name == text.lower(), no_preferred),
        select(*columns).where(students, preferred == text.lower()),
    ).subquery()
    rows = session.execute(select(matches).distinct().limit(2)).all()
    if len(rows) != 1 or not text:
        return None
    student_id, level, status = rows[0]
    return student_id, level, status


def _values_and_suppressions(
    session: Session, student_id: str
) -> tuple[dict[str, str], list[str | None]]:
    """Return a student's directory values and suppressions in force, in one statement."""
    rows: Sequence[Any] = session.execute(
        union_all(
            select(literal("v"), DirectoryValue.item, DirectoryValue.value).where(
                DirectoryValue.student_id == student_id
            ),
            select(literal("s"), Suppression.item, null()).where(
                Suppression.student_id == student_id, Suppression.rescinded_at.is_(None)
            ),
        )
    ).all()
    values = {item: value for kind, item, value in rows if kind == "v"}
    suppressed = [item for kind, item, _ in rows if kind == "s"]
    return values, suppressed


def _recipient(
    session: Session, profile: Profile, reader: Principal | None, student_id: str
) -> dict[str, Any]:
    if reader is None:
        return {"kind": RecipientKind.PUBLIC.value}
    return {
        "kind": recipient_kind(reader, student_id).value,
        "relations": relations(session, profile, reader, student_id),
    }


def lookup(
    session: Session, profile: Profile, query: str, reader: Principal | None = None
) -> Entry | None:
    """Return one student's directory entry as ``reader`` (None: the public) may see it.

    Returns None for an unknown or ambiguous name and for a student the reader
    may see nothing of, alike.

    Raises:
        ForbiddenError: the reader is a service acting as no one (it has the public's view).
    """
    if reader is not None:
        reader.require_person()
    found = _match(session, _normal(query))
    student_id, level, status = found or (_NOBODY, None, None)
    values, suppressions = _values_and_suppressions(session, student_id)
    items = sorted(profile.shown_by_default if reader is None else profile.directory_items)
    student = {
        "status": status or "current",
        "level": level or "undergraduate",
        "suppressed": sorted({s for s in suppressions if s is not None}),
        # nobody found reads as someone who withheld everything: the same ruling's work
        "withheld": found is None or None in suppressions,
    }
    question = {
        "recipient": _recipient(session, profile, reader, student_id),
        "information": items,
        "student": student,
    }
    ruling = decide(parse_question(question, profile), profile)
    shown = {
        item: values[item]
        for item, item_ruling in ruling.by_information.items()
        if item_ruling.decision is Decision.PERMIT and item in values
    }
    if found is None or not shown:
        return None
    return Entry(student_id, shown, withheld=bool(student["withheld"]) and reader is not None)


def _listing_ruling(profile: Profile, kind: RecipientKind, item: str, **student: Any) -> Ruling:
    question = {
        "recipient": {"kind": kind.value},
        "information": [item],
        "students": "many",
        "student": student,
    }
    return decide(parse_question(question, profile), profile)


def export(session: Session, profile: Profile, reader: Principal) -> Iterator[Entry]:
    """Return every student's directory entry, masked, for a reader inside the Institute.

    The policy is asked here, before anything is read or returned, so a caller
    can write nothing (not even a CSV header) when the listing is refused.

    Raises:
        RefusedError: the policy does not let this reader have a listing.
    """
    kind = recipient_kind(reader, None)
    # the listing serves the community: an official's need to know is for `release`
    kind = RecipientKind.COMMUNITY if kind is RecipientKind.OFFICIAL else kind
    open_items, refused = [], None
    for item in profile.directory_items:
        ruling = _listing_ruling(profile, kind, item)
        # an export can honour only one condition: leaving out who suppressed the item
        if ruling.decision is Decision.PERMIT and set(ruling.conditions) <= _LISTING_CONDITIONS:
            open_items.append(item)
        elif ruling.decision is not Decision.PERMIT:
            refused = refused or ruling  # denied, or not ours to answer (law enforcement)
    if not open_items:
        assert refused is not None  # INVARIANT: some item's ruling explains the refusal
        raise RefusedError(f"a listing of students may not go to `{reader.name}`", refused)
    return _entries(session, open_items)


def _entries(session: Session, open_items: list[str]) -> Iterator[Entry]:
    """Yield each student's open items, leaving out what they suppressed."""
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
