"""Class lists: a subject's students, for the staff assigned to that subject only.

The policy decides (``class_lists`` rules); this module asks it with the
reader's standing: staff of the subject are officials assigned to it, and a
token that leaves out ``official`` reads as no staff member at all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from discretion.policy import Profile, Ruling, decide, parse_question
from discretion.policy.vocabulary import Decision, RecipientKind
from discretion.services.errors import InvalidRequestError, NotFoundError, RefusedError
from discretion.services.exports import CsvWriter
from discretion.services.people import SUBJECT_ROLES, recipient_kind
from discretion.services.principals import Principal
from discretion.store.models import DirectoryValue, Enrollment, Subject, Term

__all__ = [
    "CLASS_LIST_ITEMS",
    "STAFF_ONLY",
    "ClassList",
    "CatalogueEntry",
    "StaffedSubject",
    "class_list_csv",
    "find_subject",
    "list_subjects",
    "release_class_list",
    "staffed_subjects",
]

CLASS_LIST_ITEMS = ("name", "email", "course", "year")
STAFF_ONLY = "For the subject's staff only. Do not pass it on."


@dataclass(frozen=True)
class ClassList:
    """A subject's class list for its assigned staff."""

    subject_id: str
    code: str
    ruling: Ruling
    students: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """Return the list and the conditions it comes with."""
        return {
            "subject": self.subject_id,
            "code": self.code,
            "conditions": [c.value for c in self.ruling.conditions],
            "students": self.students,
        }


def _assigned(session: Session, reader: Principal, subject_id: str) -> bool:
    if reader.person_id is None or not reader.has("official"):
        return False
    roles = session.scalars(
        select(Enrollment.role).where(
            Enrollment.subject_id == subject_id, Enrollment.person_id == reader.person_id
        )
    )
    return bool(set(roles) & set(SUBJECT_ROLES))


def release_class_list(
    session: Session,
    profile: Profile,
    *,
    reader: Principal,
    subject_id: str,
    channel: str = "paper",
) -> ClassList:
    """Return the class list of a subject to a member of its staff.

    Raises:
        NotFoundError: no such subject.
        RefusedError: the reader is not assigned to the subject (the ruling says why).
    """
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFoundError(f"unknown subject `{subject_id}`")
    kind = recipient_kind(reader, None)
    question = {
        "act": "share_class_list",
        "recipient": {
            # a student or outsider is no member of any subject's staff
            "kind": kind.value if kind is RecipientKind.OFFICIAL else "community",
            "assigned_to_subject": _assigned(session, reader, subject.id),
        },
        "information": list(CLASS_LIST_ITEMS),
        "students": "many",
        "channel": channel,
    }
    ruling = decide(parse_question(question, profile), profile)
    if ruling.decision is not Decision.PERMIT:
        raise RefusedError(
            f"the class list of `{subject.code}` may not go to `{reader.name}`", ruling
        )
    enrolled = select(Enrollment.person_id).where(
        Enrollment.subject_id == subject.id, Enrollment.role == "student"
    )
    rows = session.execute(
        select(DirectoryValue.student_id, DirectoryValue.item, DirectoryValue.value)
        .where(
            DirectoryValue.student_id.in_(enrolled),
            DirectoryValue.item.in_(CLASS_LIST_ITEMS),
        )
        .order_by(DirectoryValue.student_id)
    )
    students: dict[str, dict[str, Any]] = {}
    for student_id, item, value in rows:
        students.setdefault(student_id, {"id": student_id})[item] = value
    return ClassList(subject.id, subject.code, ruling, list(students.values()))


@dataclass(frozen=True)
class StaffedSubject:
    """A subject the reader is on the staff of, and their part in it."""

    subject_id: str
    code: str
    title: str
    roles: tuple[str, ...]


def staffed_subjects(session: Session, reader: Principal) -> list[StaffedSubject]:
    """Return the subjects the reader teaches, assists or administers (none if no official)."""
    if reader.person_id is None or not reader.has("official"):
        return []
    rows = session.execute(
        select(Subject.id, Subject.code, Subject.title, Enrollment.role)
        .join(Enrollment, Enrollment.subject_id == Subject.id)
        .where(Enrollment.person_id == reader.person_id, Enrollment.role.in_(SUBJECT_ROLES))
        .order_by(Subject.code, Subject.id)
    )
    found: dict[str, StaffedSubject] = {}
    for subject_id, code, title, role in rows:
        known = found.get(subject_id)
        roles = (*known.roles, role) if known else (role,)
        found[subject_id] = StaffedSubject(subject_id, code, title, roles)
    return list(found.values())


def class_list_csv(listed: ClassList, recipient: str, at: datetime) -> str:
    """Return the class list as CSV whose first lines name the recipient and say keep it.

    Every cell is neutralised (``CsvWriter``): a name that starts like a
    formula reaches a spreadsheet as text.
    """
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(
        [f"Class list of {listed.code} for {recipient}, exported {at:%Y-%m-%d %H:%M} UTC"]
    )
    writer.writerow([STAFF_ONLY])
    writer.writerow(["id", *CLASS_LIST_ITEMS])
    for row in listed.students:
        writer.writerow([row["id"], *(row.get(item, "") for item in CLASS_LIST_ITEMS)])
    return out.getvalue()


@dataclass(frozen=True)
class CatalogueEntry:
    """A subject as the catalogue shows it; with the reader's part and head count if staff.

    Attributes:
        roles: the reader's parts in it (instructor, ...); empty for anyone else.
        students: how many students are enrolled, for its staff only (else None).
    """

    subject_id: str
    code: str
    title: str
    term: str
    roles: tuple[str, ...]
    students: int | None

    def to_json(self) -> dict[str, Any]:
        """Return the entry for ``--json``."""
        return {
            "id": self.subject_id,
            "code": self.code,
            "title": self.title,
            "term": self.term,
            "your_roles": list(self.roles),
            "students": self.students,
        }


def list_subjects(session: Session, reader: Principal) -> list[CatalogueEntry]:
    """Return every subject (code, title, term), by code then term; for the subjects the
    reader is on the staff of, their part and the number of students enrolled.

    Codes, titles and terms are the catalogue's, no student's data; who takes a
    subject, even how many do, stays with its staff.
    """
    staffed = {s.subject_id: s.roles for s in staffed_subjects(session, reader)}
    counts = dict(
        session.execute(
            select(Enrollment.subject_id, func.count())
            .where(Enrollment.subject_id.in_(staffed), Enrollment.role == "student")
            .group_by(Enrollment.subject_id)
        ).all()
    ) if staffed else {}  # fmt: skip
    rows = session.execute(
        select(Subject.id, Subject.code, Subject.title, Term.title)
        .join(Term, Term.id == Subject.term_id)
        .order_by(Subject.code, Term.start_date, Subject.id)
    )
    return [
        CatalogueEntry(
            subject_id,
            code,
            title,
            term,
            staffed.get(subject_id, ()),
            counts.get(subject_id, 0) if subject_id in staffed else None,
        )  # fmt: skip
        for subject_id, code, title, term in rows
    ]


def find_subject(session: Session, reader: Principal, given: str) -> str:
    """Return the id of the subject ``given`` names: its id, or its code (e.g. ``8.01``).

    A code is read without regard to case or spaces. A code taught in several
    terms or sections names the one the reader is on the staff of, when that is
    exactly one; otherwise the caller is asked to give an id, and told which.

    Raises:
        NotFoundError: no subject has that id or code.
        InvalidRequestError: the code names several subjects, and the reader's staff
            roles do not pick one; the message lists them.
    """
    if session.get(Subject, given) is not None:
        return given
    wanted = " ".join(given.split()).lower()
    rows = session.execute(
        select(Subject.id, Subject.title, Term.title)
        .join(Term, Term.id == Subject.term_id)
        .where(func.lower(Subject.code) == wanted)
        .order_by(Term.start_date, Subject.id)
    ).all()
    if not rows:
        raise NotFoundError(
            f"unknown subject `{given}`; give its code (e.g. 8.01) or id, "
            "as `discretion subjects` lists them"
        )
    if len(rows) == 1:
        return str(rows[0][0])
    staffed = {s.subject_id for s in staffed_subjects(session, reader)}
    mine = [row for row in rows if row[0] in staffed]
    if len(mine) == 1:
        return str(mine[0][0])
    choices = mine or rows
    listed = "; ".join(f"`{sid}` ({title}, {term})" for sid, title, term in choices)
    raise InvalidRequestError(
        f"`{given}` is the code of {len(choices)} subjects"
        f"{' you are on the staff of' if mine else ''}: {listed}; give the id of the one you mean"
    )
