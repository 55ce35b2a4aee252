"""Enforced reads: a student's record as one reader may see it, and nothing more.

Each item goes out only if its ruling permits it; what is masked is absent,
not listed: the release never names a masked item's category, subject,
count or rule. It says instead that some information is not shown and what
would change that, worked out from the reader's standing over every item the
profile knows, so the notice reveals nothing about the records that exist.
A reader whom the rulings allow nothing gets the answer an unknown id gets.

A withheld student's record carries a visible notice; every included item
whose ruling says ``record_disclosure`` goes into the disclosure log, and
every read, allowed or not, into the access journal, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.policy import Profile, Ruling, decide, parse_question
from discretion.policy.profile import Office
from discretion.policy.vocabulary import Condition, Decision
from discretion.services import access_journal, disclosure_log
from discretion.services.context import now
from discretion.services.facts import (
    active_suppressions,
    match_consent,
    recipient_json,
    student_json,
)
from discretion.services.people import SUBJECT_ROLES, display_name, person, ties
from discretion.services.principals import Principal
from discretion.services.standing import Standing, subject_codes
from discretion.store.models import DirectoryValue, Person, Record

__all__ = [
    "NOT_OPEN",
    "WITHHELD_NOTICE",
    "NotShown",
    "ReleasedItem",
    "ReleasedRecord",
    "release_record",
]

WITHHELD_NOTICE = (
    "CONFIDENTIAL: this student has withheld their information from the directory. "
    "Release nothing about them without their written consent."
)
# an id no student has (ids are never empty): what a read of an unknown id looks at
NOBODY = ""
# the one answer for an unknown id, someone who is no student, and a record the reader
# may see nothing of
NOT_OPEN = "no student record with that id is open to {reader}"


@dataclass(frozen=True)
class ReleasedItem:
    """One item the reader may see, with the rule that allowed it and its conditions."""

    item: str
    rule: str
    values: list[str]
    conditions: list[str] = field(default_factory=list)
    # the code of the subject the record belongs to, for records of one subject
    subject: str | None = None

    @property
    def label(self) -> str:
        """Return the item as the journal names it (with its subject, if any)."""
        return f"{self.item} ({self.subject})" if self.subject else self.item

    def to_json(self) -> dict[str, Any]:
        """Return the item as JSON-ready data."""
        return {
            "item": self.item,
            "subject": self.subject,
            "rule": self.rule,
            "values": self.values,
            "conditions": self.conditions,
        }


@dataclass(frozen=True)
class NotShown:
    """That some information is not shown to this reader, and what would change that."""

    consent_would_help: bool
    ask: tuple[Office, ...]

    @property
    def message(self) -> str:
        """Return the notice in plain words."""
        parts = ["Some information held about this student is not shown to you."]
        if self.consent_would_help:
            parts.append(
                "The student's written consent, naming you, the purpose and the information, "
                "would let more of it be released to you."
            )
        if self.ask:
            offices = "; ".join(
                f"{o.name} ({o.location})" if o.location else o.name for o in self.ask
            )
            parts.append(f"To ask for more, go to: {offices}.")
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Return the notice as JSON-ready data."""
        return {
            "message": self.message,
            "consent_would_help": self.consent_would_help,
            "ask": [office.to_json() for office in self.ask],
        }


@dataclass(frozen=True)
class ReleasedRecord:
    """A student's record as released to one reader: only what they may see."""

    student_id: str
    reader_id: str
    items: list[ReleasedItem]
    notice: str | None
    logged: disclosure_log.Entry | None
    own_notes: list[str] = field(default_factory=list)
    not_shown: NotShown | None = None

    @property
    def is_empty(self) -> bool:
        """Return whether the reader may see nothing (the door answers as for an unknown id)."""
        return not self.items and not self.own_notes

    def to_json(self) -> dict[str, Any]:
        """Return the release as JSON-ready data."""
        return {
            "student": self.student_id,
            "reader": self.reader_id,
            "notice": self.notice,
            "items": [i.to_json() for i in self.items],
            "not_shown": None if self.not_shown is None else self.not_shown.to_json(),
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


def _rule(profile: Profile, question: dict[str, Any]) -> Ruling:
    return decide(parse_question(question, profile), profile)


def _not_shown(profile: Profile, everything: dict[str, Any], ruling: Ruling) -> NotShown | None:
    """Return what the reader's standing keeps from them, over every item of the profile.

    ``ruling`` answers ``everything``, the question asked of all the
    profile's items, not of the records on file, so the notice is the same
    whatever the student's record holds. A reader whose relation runs through
    a subject may be kept from the records of other subjects.
    """
    masked = [i for i, r in ruling.by_information.items() if r.decision is not Decision.PERMIT]
    scoped = set(everything["recipient"]["relations"]) & set(SUBJECT_ROLES)
    if not masked and not scoped:
        return None
    offices = {
        r.refer_to.id: r.refer_to
        for r in ruling.by_information.values()
        if r.refer_to is not None and r.decision is not Decision.PERMIT
    }
    consented = _rule(profile, {**everything, "consent": {"form": "written", "specific": True}})
    helps = bool(scoped) or any(
        consented.by_information[item].decision is Decision.PERMIT for item in masked
    )
    return NotShown(helps, tuple(offices[key] for key in sorted(offices)))


def _target(session: Session, student_id: str) -> tuple[Person | None, dict[str, Any]]:
    """Return the student an id names (None: nobody) and their facts for the question.

    Both cases run the same statement: an id that names no student is read as
    a student who withheld everything, with ``NOBODY`` standing for the id.
    """
    about = session.get(Person, student_id)
    if about is not None and about.kind == "student":
        return about, student_json(session, about)
    active_suppressions(session, NOBODY)  # the same work as a student's facts
    facts: dict[str, Any] = {"status": "current", "level": "undergraduate", "suppressed": [],
             "withheld": True}  # fmt: skip
    return None, facts


def release_record(
    session: Session,
    profile: Profile,
    *,
    reader: Principal,
    student_id: str,
    door: str,
    purpose: str | None = None,
    channel: str = "in_person",
    at: datetime | None = None,
) -> ReleasedRecord:
    """Return the student's record as ``reader`` may see it; log and journal the read.

    An id that names no student returns an empty release, as a record the
    reader may see nothing of does; both are journaled, and both take the same
    statements up to that point (the standing, the consents, the record),
    so neither answer nor work tells them apart.

    Raises:
        ForbiddenError: the reader is not a person.
    """
    at = at or now()
    reader_id = reader.require_person()
    about, facts = _target(session, student_id)
    target = about.id if about is not None else NOBODY
    holder = person(session, reader_id)
    known = ties(session, reader, target)
    question: dict[str, Any] = {
        "recipient": recipient_json(session, profile, reader, target, {}, known),
        "student": facts,
        "channel": channel,
        "information": sorted(profile.items),
    }
    if purpose is not None:
        question["purpose"] = purpose
    consent = match_consent(session, target, holder, purpose, question["information"], at)
    question["consent"] = dict(consent.consent)
    overview = _rule(profile, question)
    values, own_notes = _record_values(session, target, reader_id)
    open_items = {i for i, r in overview.by_information.items() if r.decision is Decision.PERMIT}
    if about is None or (not open_items and not own_notes):
        access_journal.record(session, reader=reader, student_id=student_id, shown=[], door=door)
        return ReleasedRecord(student_id, reader_id, [], None, None)
    standing = Standing(session, profile, reader, about.id, question["recipient"], known)
    released, logged_items, logged_rules = _release_items(session, standing, question, values)
    access_journal.record(
        session, reader=reader, student_id=about.id, shown=[i.label for i in released], door=door
    )
    if not released and not own_notes:
        return ReleasedRecord(student_id, reader_id, [], None, None)
    logged = None
    if logged_items:
        logged = disclosure_log.append(
            session,
            actor_id=reader_id,
            recipient=holder.organization or display_name(holder),
            student_id=about.id,
            items=sorted(set(logged_items)),
            rules=sorted(set(logged_rules)),
            purpose=purpose,
            at=at,
        )
    notice = WITHHELD_NOTICE if facts["withheld"] and released else None
    not_shown = _not_shown(profile, question, overview)
    return ReleasedRecord(about.id, reader_id, released, notice, logged, own_notes, not_shown)


def _release_items(
    session: Session,
    standing: Standing,
    question: dict[str, Any],
    values: dict[Group, list[str]],
) -> tuple[list[ReleasedItem], list[str], list[str]]:
    """Rule on each item of the record; return what is shown, and what the log must record.

    A record kept in a subject is ruled on the reader's standing in that
    subject (``Standing``, as ``ask`` rules a question naming the subject).
    """
    codes = subject_codes(session, (s for _, s in values if s is not None))
    released: list[ReleasedItem] = []
    logged_items: list[str] = []
    logged_rules: list[str] = []
    for item, subject_id in sorted(values, key=lambda g: (g[0], codes.get(g[1] or "", ""))):
        asked = {**question, "information": [item]}
        outcome = standing.outcome(asked, item, None if subject_id is None else (subject_id,))
        if outcome.decision is not Decision.PERMIT:
            continue  # masked means absent
        rule = outcome.deciding.rule.id
        released.append(
            ReleasedItem(
                item,
                rule,
                values[(item, subject_id)],
                [c.value for c in outcome.conditions],
                codes.get(subject_id) if subject_id is not None else None,
            )
        )
        if Condition.RECORD_DISCLOSURE in outcome.conditions:
            logged_items.append(item)
            logged_rules.append(rule)
    return released, logged_items, logged_rules
