"""Enforced reads: a student's record, or a subject's class list, as one person sees it.

Each item is included or masked as its ruling says; a withheld student's
record carries a visible notice; every included item whose ruling says
``record_disclosure`` goes into the disclosure log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.policy import Profile, Ruling, decide, parse_question
from discretion.policy.vocabulary import Condition, Decision
from discretion.services import disclosure_log
from discretion.services.asking import complete_question
from discretion.services.context import now
from discretion.services.errors import NotFoundError, RefusedError
from discretion.services.people import (
    SUBJECT_ROLES,
    display_name,
    person,
    relations,
    student,
)
from discretion.store.models import DirectoryValue, Enrollment, Record, Subject

__all__ = [
    "WITHHELD_NOTICE",
    "ClassList",
    "ReleasedItem",
    "ReleasedRecord",
    "release_class_list",
    "release_record",
]

WITHHELD_NOTICE = (
    "CONFIDENTIAL: this student has withheld their information from the directory. "
    "Release nothing about them without their written consent."
)
CLASS_LIST_ITEMS = ("name", "email", "course", "year")


@dataclass(frozen=True)
class ReleasedItem:
    """One item of a record: its values if included, why it is masked if not."""

    item: str
    decision: Decision
    rule: str
    values: list[str] = field(default_factory=list)
    refer_to: str | None = None
    conditions: list[str] = field(default_factory=list)
    # the code of the subject the record belongs to, for records of one subject
    subject: str | None = None

    @property
    def included(self) -> bool:
        """Return whether the reader may see the item."""
        return self.decision is Decision.PERMIT

    def to_json(self) -> dict[str, Any]:
        """Return the item as JSON-ready data (masked items carry no values)."""
        return {
            "item": self.item,
            "subject": self.subject,
            "decision": self.decision.value,
            "rule": self.rule,
            "values": self.values if self.included else None,
            "refer_to": self.refer_to,
            "conditions": self.conditions,
        }


@dataclass(frozen=True)
class ReleasedRecord:
    """A student's record as released to one reader."""

    student_id: str
    reader_id: str
    items: list[ReleasedItem]
    notice: str | None
    logged: disclosure_log.Entry | None
    own_notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the release as JSON-ready data."""
        return {
            "student": self.student_id,
            "reader": self.reader_id,
            "notice": self.notice,
            "items": [i.to_json() for i in self.items],
            "logged": None if self.logged is None else self.logged.seq,
            "own_notes": self.own_notes,
        }


# a record's items are grouped by item and, for records of one subject, by subject
Group = tuple[str, str | None]


def _record_values(
    session: Session, student_id: str, reader_id: str
) -> tuple[dict[Group, list[str]], list[str]]:
    """Return the record's values by group, and the reader's own private notes."""
    values: dict[Group, list[str]] = {}
    own_notes: list[str] = []
    for row in session.scalars(
        select(DirectoryValue).where(DirectoryValue.student_id == student_id)
    ):
        values.setdefault((row.item, None), []).append(row.value)
    for record in session.scalars(
        select(Record).where(Record.student_id == student_id).order_by(Record.id)
    ):
        # notes kept by their maker and never shown to anyone are not education
        # records: their maker reads them, nobody else ever does
        if record.shared:
            values.setdefault((record.category, record.subject_id), []).append(record.content)
        elif record.made_by == reader_id:
            own_notes.append(record.content)
    return values, own_notes


def _subject_codes(session: Session, groups: Iterable[Group]) -> dict[str, str]:
    ids = {subject for _, subject in groups if subject is not None}
    if not ids:
        return {}
    rows = session.execute(select(Subject.id, Subject.code).where(Subject.id.in_(ids)))
    return {subject_id: code for subject_id, code in rows}


def release_record(
    session: Session,
    profile: Profile,
    *,
    reader_id: str,
    student_id: str,
    purpose: str | None = None,
    channel: str = "in_person",
    at: datetime | None = None,
) -> ReleasedRecord:
    """Return the student's record as ``reader_id`` may see it, logging what the law asks."""
    at = at or now()
    reader, about = person(session, reader_id), student(session, student_id)
    values, own_notes = _record_values(session, about.id, reader.id)
    base: dict[str, Any] = {
        "recipient": {"id": reader.id},
        "student": {"id": about.id},
        "channel": channel,
    }
    if purpose is not None:
        base["purpose"] = purpose
    base["information"] = sorted({item for item, _ in values}) or ["name"]
    question, _, _ = complete_question(session, profile, base, at)
    codes = _subject_codes(session, values)
    released: list[ReleasedItem] = []
    logged_items: list[str] = []
    logged_rules: list[str] = []
    for item, subject_id in sorted(values, key=lambda g: (g[0], codes.get(g[1] or "", ""))):
        asked = {**question, "information": [item]}
        if subject_id is not None:
            scoped = relations(session, profile, reader, about, subject_id)
            asked["recipient"] = {**question["recipient"], "relations": scoped}
        ruling = decide(parse_question(asked, profile), profile)
        item_ruling = ruling.by_information[item]
        released.append(
            ReleasedItem(
                item,
                item_ruling.decision,
                item_ruling.rule,
                values[(item, subject_id)],
                item_ruling.refer_to.id if item_ruling.refer_to else None,
                [c.value for c in ruling.conditions],
                codes.get(subject_id) if subject_id is not None else None,
            )
        )
        if item_ruling.decision is Decision.PERMIT and (
            Condition.RECORD_DISCLOSURE in ruling.conditions
        ):
            logged_items.append(item)
            logged_rules.append(item_ruling.rule)
    logged = None
    if logged_items:
        logged = disclosure_log.append(
            session,
            actor_id=reader.id,
            recipient=reader.organization or display_name(reader),
            student_id=about.id,
            items=sorted(set(logged_items)),
            rules=sorted(set(logged_rules)),
            purpose=purpose,
            at=at,
        )
    shows_anything = any(i.included for i in released)
    notice = WITHHELD_NOTICE if question["student"]["withheld"] and shows_anything else None
    return ReleasedRecord(about.id, reader.id, released, notice, logged, own_notes)


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


def release_class_list(
    session: Session, profile: Profile, *, reader_id: str, subject_id: str, channel: str = "paper"
) -> ClassList:
    """Return the class list of a subject to a member of its staff.

    Raises:
        RefusedError: the reader is not assigned to the subject (the ruling says why).
    """
    reader = person(session, reader_id)
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFoundError(f"unknown subject `{subject_id}`")
    roles = set(
        session.scalars(
            select(Enrollment.role).where(
                Enrollment.subject_id == subject.id, Enrollment.person_id == reader.id
            )
        )
    )
    question = {
        "act": "share_class_list",
        "recipient": {
            "kind": "official" if reader.kind == "official" else "community",
            "assigned_to_subject": bool(roles & set(SUBJECT_ROLES)),
        },
        "information": list(CLASS_LIST_ITEMS),
        "students": "many",
        "channel": channel,
    }
    ruling = decide(parse_question(question, profile), profile)
    if ruling.decision is not Decision.PERMIT:
        raise RefusedError(
            f"the class list of `{subject.code}` may not go to `{reader.id}`", ruling
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
