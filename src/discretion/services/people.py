"""Finding people and what ties them to a student."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.policy import Profile
from discretion.policy.vocabulary import RecipientKind
from discretion.services.errors import InvalidRequestError, NotFoundError
from discretion.store.models import Advising, Enrollment, OfficeMember, Person

__all__ = ["display_name", "person", "recipient_kind", "relations", "student"]

# the subject roles that give need to know, under the profile's relation names
SUBJECT_ROLES = ("instructor", "teaching_assistant", "subject_administrator")


def person(session: Session, person_id: str) -> Person:
    """Return the person with this id.

    Raises:
        NotFoundError: no such person.
    """
    found = session.get(Person, person_id)
    if found is None:
        raise NotFoundError(f"unknown person `{person_id}`")
    return found


def student(session: Session, student_id: str) -> Person:
    """Return the student with this id.

    Raises:
        NotFoundError: no such person.
        InvalidRequestError: the person is not a student.
    """
    found = person(session, student_id)
    if found.kind != "student":
        raise InvalidRequestError(f"`{student_id}` is not a student")
    return found


def display_name(someone: Person) -> str:
    """Return the person's name as shown."""
    return f"{someone.given_name} {someone.family_name}"


def recipient_kind(reader: Person, about: Person | None) -> RecipientKind:
    """Return what kind of recipient ``reader`` is for information about ``about``."""
    if about is not None and reader.id == about.id:
        return RecipientKind.SELF
    if reader.kind == "official":
        return RecipientKind.OFFICIAL
    if reader.kind == "student":
        return RecipientKind.COMMUNITY
    return RecipientKind(reader.recipient_kind or RecipientKind.PUBLIC)


def relations(
    session: Session,
    profile: Profile,
    reader: Person,
    about: Person,
    subject_id: str | None = None,
) -> list[str]:
    """Return the reader's relations to the student that the profile's matrix knows.

    Offices the reader belongs to, advising, and their role in any subject the
    student takes, or, for a record of one subject, in that subject only: the
    instructor of one subject has no need to know the grades of another.
    """
    if reader.kind != "official":
        return []
    found = set(
        session.scalars(select(OfficeMember.office).where(OfficeMember.person_id == reader.id))
    )
    advises = session.get(Advising, (reader.id, about.id))
    if advises is not None:
        found.add("advisor")
    taken = select(Enrollment.subject_id).where(
        Enrollment.person_id == about.id, Enrollment.role == "student"
    )
    if subject_id is not None:
        taken = taken.where(Enrollment.subject_id == subject_id)
    found |= set(
        session.scalars(
            select(Enrollment.role).where(
                Enrollment.person_id == reader.id,
                Enrollment.role.in_(SUBJECT_ROLES),
                Enrollment.subject_id.in_(taken),
            )
        )
    )
    return sorted(r for r in found if r in profile.need_to_know)
