"""Asking the policy: with the facts stated, or fetched from the store by id.

A question that names someone by id is checked for its shape before the
store is touched, and the caller must be allowed the store's facts
(``services.access``); the store then replaces whatever was stated about
the people it knows.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from sqlalchemy.orm import Session

from discretion.policy import Profile, Ruling, decide, parse_question
from discretion.policy.errors import InvalidQuestionError
from discretion.policy.question import question_schema, ruling_schema
from discretion.services.access import require_store_facts
from discretion.services.context import now
from discretion.services.facts import (
    match_authorization,
    match_consent,
    match_web_permission,
    recipient_json,
    student_json,
)
from discretion.services.people import person, student
from discretion.services.principals import Principal, principal_for_person

__all__ = [
    "Answer",
    "ask",
    "check_shape",
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


@cache
def _store_backed_schema() -> dict[str, Any]:
    schema = copy.deepcopy(question_schema())
    # the store fills in the kind of a recipient it knows by id
    schema["properties"]["recipient"]["required"] = []
    return schema


@cache
def _shape_check() -> Callable[[Any], Any]:
    check: Callable[[Any], Any] = fastjsonschema.compile(_store_backed_schema(), use_default=False)
    return check


def check_shape(data: Any) -> None:
    """Check a question's shape and types before the store is asked anything.

    Raises:
        InvalidQuestionError: saying where the question is wrong.
    """
    try:
        _shape_check()(data)
    except fastjsonschema.JsonSchemaException:
        error = best_match(Draft202012Validator(_store_backed_schema()).iter_errors(data))
        where = "the question"
        message = "does not fit the question schema"
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path) or where
            message = error.message
        raise InvalidQuestionError(f"invalid question at `{where}`: {message}") from None


def _reader(session: Session, reader_id: str, caller: Principal | None) -> Principal:
    """Return the standing of the question's recipient: the caller's own, if it is them."""
    if caller is not None and caller.is_person(reader_id):
        return caller
    return principal_for_person(session, reader_id, "store")


def complete_question(
    session: Session,
    profile: Profile,
    data: dict[str, Any],
    at: datetime,
    caller: Principal | None = None,
) -> tuple[dict[str, Any], list[int], list[dict[str, Any]]]:
    """Fill a question's student, recipient and consent from the store where ids are given.

    Stated facts about a student or recipient that the store knows are
    replaced by the store's: the store, not the asker, says who someone is.
    A recipient who is the caller reads with the caller's own standing (a
    narrowed token stays narrow).

    Raises:
        InvalidQuestionError: the question's shape or types are wrong.
        NotFoundError: an id names no one.
    """
    check_shape(data)
    question = dict(data)
    student_id = data.get("student", {}).get("id")
    reader_id = data["recipient"].get("id")
    about = student(session, student_id) if student_id else None
    if about is not None:
        question["student"] = student_json(session, about)
    if reader_id is None or about is None:
        if reader_id is not None:
            person(session, reader_id)  # an id must name someone, even without a student
        return question, [], []
    reader = _reader(session, reader_id, caller)
    question["recipient"] = recipient_json(session, profile, reader, about.id, data["recipient"])
    holder = person(session, reader_id)
    match = match_consent(session, about.id, holder, data.get("purpose"), data["information"], at)
    consent = dict(match.consent)
    background_check = data["recipient"].get("legal_process") == "routine_background_check"
    if background_check and match_authorization(session, about.id, holder, at) is not None:
        consent = {"form": "signed_authorization", "specific": True}
    permission = match_web_permission(session, about.id, data.get("site"))
    if permission is not None:
        # a posting to that site is ruled on the permission, in the form it was given
        consent = {
            "form": permission.form,
            "specific": True,
            "web_posting": True,
            "web_posting_items": sorted(permission.items),
        }
    question["consent"] = consent
    return question, match.used, match.unmatched


def ask(
    session: Session,
    profile: Profile,
    data: Any,
    at: datetime | None = None,
    caller: Principal | None = None,
) -> Answer:
    """Rule on a question; ``student.id`` and ``recipient.id`` bring in the store's facts.

    Args:
        caller: who asks, when someone does (the API); they must be allowed the
            store's facts about the people named. None on the operator's command line.

    Raises:
        ForbiddenError: the caller may not have the store's facts about those named.
        InvalidQuestionError: the question does not fit the schema.
        NotFoundError: an id names no one in the store.
    """
    if caller is not None:
        require_store_facts(caller, data)
    question, used, unmatched = complete_question(session, profile, data, at or now(), caller)
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
