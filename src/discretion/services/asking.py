"""Asking the policy: with the facts stated, or fetched from the store by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from discretion.policy import Profile, Ruling, decide, parse_question
from discretion.policy.errors import InvalidQuestionError
from discretion.policy.question import question_schema, ruling_schema
from discretion.services.context import now
from discretion.services.facts import (
    match_authorization,
    match_consent,
    match_web_permission,
    recipient_json,
    student_json,
)
from discretion.services.people import person, student

__all__ = [
    "Answer",
    "ask",
    "complete_question",
    "names_anyone",
    "question_schema",
    "rule_on_stated_facts",
    "ruling_schema",
]


@dataclass(frozen=True)
class Answer:
    """A ruling, the question it answered (with the store's facts filled in), and notes."""

    ruling: Ruling
    question: dict[str, Any]
    consents_used: list[int] = field(default_factory=list)
    consents_unmatched: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the ruling with the facts behind it (the ``facts`` key is an extension)."""
        facts = {
            "question": self.question,
            "consents_used": self.consents_used,
            "consents_unmatched": self.consents_unmatched,
        }
        return {**self.ruling.to_json(), "facts": facts}


def complete_question(
    session: Session, profile: Profile, data: dict[str, Any], at: datetime
) -> tuple[dict[str, Any], list[int], list[dict[str, Any]]]:
    """Fill a question's student, recipient and consent from the store where ids are given.

    Stated facts about a student or recipient that the store knows are
    replaced by the store's: the store, not the asker, says who someone is.
    """
    if not isinstance(data, dict) or not isinstance(data.get("recipient"), dict):
        return data, [], []  # let the schema say what is wrong
    question = dict(data)
    student_id = (data.get("student") or {}).get("id")
    reader_id = data["recipient"].get("id")
    about = student(session, student_id) if student_id else None
    reader = person(session, reader_id) if reader_id else None
    if about is not None:
        question["student"] = student_json(session, about)
    if reader is not None and about is not None:
        question["recipient"] = recipient_json(session, profile, reader, about, data["recipient"])
    if reader is None or about is None:
        return question, [], []
    information = data.get("information")
    if not isinstance(information, list):
        raise InvalidQuestionError("invalid question at `information`: give a list of items")
    match = match_consent(session, about.id, reader, data.get("purpose"), information, at)
    consent = dict(match.consent)
    background_check = data["recipient"].get("legal_process") == "routine_background_check"
    if background_check and match_authorization(session, about.id, reader, at) is not None:
        consent = {"form": "signed_authorization", "specific": True}
    permission = match_web_permission(session, about.id, data.get("site"))
    if permission is not None:
        consent |= {"web_posting": True, "web_posting_items": sorted(permission.items)}
    question["consent"] = consent
    return question, match.used, match.unmatched


def ask(session: Session, profile: Profile, data: Any, at: datetime | None = None) -> Answer:
    """Rule on a question; ``student.id`` and ``recipient.id`` bring in the store's facts.

    Raises:
        InvalidQuestionError: the question does not fit the schema.
        NotFoundError: an id names no one in the store.
    """
    question, used, unmatched = complete_question(session, profile, data, at or now())
    ruling = decide(parse_question(question, profile), profile)
    return Answer(ruling, question, used, unmatched)


def names_anyone(data: Any) -> bool:
    """Return whether a question names a student or recipient the store would fill in."""
    if not isinstance(data, dict):
        return False
    student_part, recipient = data.get("student"), data.get("recipient")
    return (isinstance(student_part, dict) and "id" in student_part) or (
        isinstance(recipient, dict) and "id" in recipient
    )


def rule_on_stated_facts(profile: Profile, data: Any) -> Ruling:
    """Rule on a question whose facts are all stated (no store needed).

    Raises:
        InvalidQuestionError: the question does not fit the schema.
    """
    return decide(parse_question(data, profile), profile)
