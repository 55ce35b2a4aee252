"""Finding people and what ties them to a student."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.policy import Profile
from discretion.policy.vocabulary import RecipientKind
from discretion.services.errors import InvalidRequestError, NotFoundError
from discretion.store.models import Advising, Enrollment, Person

if TYPE_CHECKING:
    from discretion.services.principals import Principal

__all__ = ["Ties", "display_name", "person", "recipient_kind", "relations", "student", "ties"]

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


def recipient_kind(reader: Principal, about_id: str | None) -> RecipientKind:
    """Return what kind of recipient ``reader`` is for information about student ``about_id``.

    The roles decide, not the person's kind alone: a token narrowed to no
    role reads as the public would.
    """
    if about_id is not None and reader.is_person(about_id) and reader.has("student"):
        return RecipientKind.SELF
    if reader.has("official"):
        return RecipientKind.OFFICIAL
    if reader.has("student"):
        return RecipientKind.COMMUNITY
    if reader.kind == "external" and reader.outside_kind:
        return RecipientKind(reader.outside_kind)
    return RecipientKind.PUBLIC


@dataclass(frozen=True)
class Ties:
    """What ties a reader to a student: offices and advising, and roles by subject taken."""

    general: frozenset[str] = frozenset()
    by_subject: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def relations(self, profile: Profile, subjects: Collection[str] | None = None) -> list[str]:
        """Return the relations the profile's matrix knows, in ``subjects`` (None: any)."""
        found = set(self.general)
        for subject_id, roles in self.by_subject.items():
            if subjects is None or subject_id in subjects:
                found |= roles
        return sorted(r for r in found if r in profile.need_to_know)


def ties(session: Session, reader: Principal, about_id: str) -> Ties:
    """Return what ties the reader to the student (``relations`` reads them).

    Only an official has ties, and only as far as their roles reach; a
    subject role counts only in a subject the student takes.
    """
    if not reader.has("official") or reader.person_id is None:
        return Ties()
    general = set(reader.offices)
    advises = session.get(Advising, (reader.person_id, about_id))
    if advises is not None:
        general.add("advisor")
    taken = select(Enrollment.subject_id).where(
        Enrollment.person_id == about_id, Enrollment.role == "student"
    )
    by_subject: dict[str, set[str]] = {}
    for subject_id, role in session.execute(
        select(Enrollment.subject_id, Enrollment.role).where(
            Enrollment.person_id == reader.person_id,
            Enrollment.role.in_(SUBJECT_ROLES),
            Enrollment.subject_id.in_(taken),
        )
    ):
        by_subject.setdefault(subject_id, set()).add(role)
    return Ties(frozenset(general), {k: frozenset(v) for k, v in by_subject.items()})


def relations(
    session: Session,
    profile: Profile,
    reader: Principal,
    about_id: str,
    subjects: Collection[str] | None = None,
) -> list[str]:
    """Return the reader's relations to the student that the profile's matrix knows.

    The offices the reader acts in, advising, and their role in any subject
    the student takes, or, for records of some subjects (by id), in those
    only: the instructor of one subject has no need to know the grades of
    another. A subject the student does not take gives no role, as one the
    reader has no part in. Only an official has relations, and only as far
    as their roles reach.
    """
    return ties(session, reader, about_id).relations(profile, subjects)
