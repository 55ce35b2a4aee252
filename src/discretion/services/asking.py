"""Asking the policy: with the facts stated, or fetched from the store by id.

A question that names someone by id is checked for its shape before the
store is touched, and the caller must be allowed the store's facts
(``services.access``); the store then replaces whatever was stated about
the people it knows.

A question about a student's records is ruled as ``release`` rules them
(``services.standing``): a record kept in a subject on the reader's
relations through that subject. A question may name the subject by its code
(``subject``); naming none, an item kept in several subjects gets the
strictest of their answers, and the answer's notes say in which subjects it
would be otherwise, and that naming one asks about its records.
"""

from __future__ import annotations

import copy
import json
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
from discretion.policy.decide import Outcome, assemble
from discretion.policy.errors import InvalidQuestionError
from discretion.policy.question import question_schema, ruling_schema
from discretion.policy.vocabulary import Decision
from discretion.services.access import require_store_facts
from discretion.services.context import now
from discretion.services.facts import (
    NO_PURPOSE,
    match_authorization,
    match_consent,
    match_web_permission,
    recipient_json,
    student_json,
)
from discretion.services.people import person, student, ties
from discretion.services.principals import Principal, principal_for_person
from discretion.services.standing import (
    SEVERITY,
    Scope,
    Standing,
    kept_in,
    subject_codes,
    subject_ids,
)
from discretion.store.models import Consent

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
    # items ruled where their records are kept: item -> [{subject, relations, decision}]
    by_subject: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # what the reader of the answer should know, in sentences
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the ruling with the facts behind it and the notes (extensions)."""
        facts = {
            "question": self.question,
            "consents_used": self.consents_used,
            "consents_unmatched": self.consents_unmatched,
            "by_subject": self.by_subject,
        }
        return {**self.ruling.to_json(), "facts": facts, "notes": self.notes}


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


@dataclass(frozen=True)
class _Completed:
    """A question with the store's facts, the consents looked at, and the reader's standing."""

    question: dict[str, Any]
    used: list[int] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    standing: Standing | None = None
    subject: Scope = None


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
    narrowed token stays narrow). The recipient's relations are those of
    their whole standing; ``ask`` narrows them to the subject a record is kept in.

    Raises:
        InvalidQuestionError: the question's shape or types are wrong.
        NotFoundError: an id or subject code names no one and nothing.
    """
    completed = _complete(session, profile, data, at, caller)
    return completed.question, completed.used, completed.unmatched


def _complete(
    session: Session,
    profile: Profile,
    data: dict[str, Any],
    at: datetime,
    caller: Principal | None,
) -> _Completed:
    check_shape(data)
    question = dict(data)
    student_id = data.get("student", {}).get("id")
    reader_id = data["recipient"].get("id")
    # a subject is the catalog's, not the student's: an unknown code says nothing of anyone
    subject = subject_ids(session, data["subject"]) if "subject" in data else None
    about = student(session, student_id) if student_id else None
    if about is not None:
        question["student"] = student_json(session, about, data.get("student"))
    if reader_id is None or about is None:
        if reader_id is not None:
            person(session, reader_id)  # an id must name someone, even without a student
        return _Completed(question)
    reader = _reader(session, reader_id, caller)
    known = ties(session, reader, about.id)
    recipient = recipient_json(session, profile, reader, about.id, data["recipient"], known)
    question["recipient"] = recipient
    standing = Standing(session, profile, reader, about.id, recipient, known)
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
    return _Completed(question, match.used, match.unmatched, standing, subject)


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
        NotFoundError: an id names no one in the store, or ``subject`` no subject.
    """
    if caller is not None:
        require_store_facts(caller, data)
    completed = _complete(session, profile, data, at or now(), caller)
    question = completed.question
    parsed = parse_question(question, profile)
    if completed.standing is None:
        return Answer(decide(parsed, profile), question, completed.used, completed.unmatched)
    ruled = _Ruled(session, profile, completed.standing, completed.subject)
    ruling = ruled.rule(question)
    notes = ruled.notes(ruling)
    notes += _consent_notes(session, ruled, question, ruling, completed)
    return Answer(ruling, question, completed.used, completed.unmatched, ruled.by_subject, notes)


class _Ruled:
    """Rulings on a question's items where their records are kept, as ``release`` rules them."""

    def __init__(
        self, session: Session, profile: Profile, standing: Standing, subject: Scope
    ) -> None:
        self.session = session
        self.profile = profile
        self.standing = standing
        self.subject = subject
        # naming a subject asks about its records; naming none, about every one kept
        self.kept = kept_in(session, standing.student_id) if subject is None else {}
        self.codes: dict[str, str] = {}
        self.by_subject: dict[str, list[dict[str, Any]]] = {}
        self.found: dict[str, list[tuple[Scope, Outcome]]] = {}

    def scopes(self, item: str) -> list[Scope]:
        """Return where the item's records are ruled: a subject's, or no subject's."""
        if self.profile.items[item].directory:
            return [None]
        if self.subject is not None:
            return [self.subject]
        return self.kept.get(item) or [None]

    def outcomes(self, question: dict[str, Any]) -> dict[str, list[tuple[Scope, Outcome]]]:
        """Return each item's outcome in every scope its records are ruled in."""
        return {
            item: [(s, self.standing.outcome(question, item, s)) for s in self.scopes(item)]
            for item in question["information"]
        }

    def rule(self, question: dict[str, Any]) -> Ruling:
        """Return the ruling: each item's strictest answer where its records are kept."""
        by_item = self.outcomes(question)
        self.found = {
            item: found
            for item, found in by_item.items()
            if any(scope is not None for scope, _ in found)
        }
        ids = {i for found in self.found.values() for scope, _ in found for i in scope or ()}
        self.codes = subject_codes(self.session, ids)
        self.by_subject = {
            item: [
                {
                    "subject": self.code(scope),
                    "relations": self.standing.relations(scope),
                    "decision": outcome.decision.value,
                }
                for scope, outcome in found
            ]
            for item, found in self.found.items()
        }
        return assemble(list(by_item), [_strictest(f) for f in by_item.values()], self.profile)

    def code(self, scope: Scope) -> str | None:
        """Return the code of the subject of a scope (None: no subject)."""
        return None if scope is None else self.codes[scope[0]]

    def notes(self, ruling: Ruling) -> list[str]:
        """Return, for items answered otherwise in some subjects, where and how to ask."""
        notes = []
        for item, found in self.found.items():
            decision = ruling.by_information[item].decision
            otherwise: dict[str, list[str]] = {}
            for scope, outcome in found:
                if scope is not None and outcome.decision is not decision:
                    otherwise.setdefault(outcome.decision.value, []).append(self.code(scope) or "")
            if not otherwise:
                continue
            differ = "; ".join(
                f"for the records of {_and(sorted(codes))} it is {value}"
                for value, codes in sorted(otherwise.items())
            )
            first = min(code for codes in otherwise.values() for code in codes)
            example = json.dumps({"subject": first})[1:-1]
            notes.append(
                f"The student's {_words(item)} are kept in several subjects; this answer "
                f"({decision.value}) is the strictest of theirs. {differ[0].upper()}{differ[1:]}: "
                f"name the subject to ask about its records alone, e.g. {example}."
            )
        return notes


def _strictest(found: list[tuple[Scope, Outcome]]) -> Outcome:
    """Return the strictest outcome (the first of them, on a tie)."""
    return max(found, key=lambda f: SEVERITY[f[1].decision])[1]


def _words(item: str) -> str:
    return item.replace("_", " ")


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _consent_notes(
    session: Session, ruled: _Ruled, question: dict[str, Any], ruling: Ruling, done: _Completed
) -> list[str]:
    """Return, for each consent on file that stating its purpose would match, what it would permit.

    The consent names this recipient and is in force; only the question's
    silence on the purpose kept it from counting. Its purpose is not quoted:
    the recipient knows what they asked the student's consent for.
    """
    if done.used or question.get("consent") != {"form": "none"}:
        return []
    denied = [i for i, r in ruling.by_information.items() if r.decision is not Decision.PERMIT]
    notes = []
    for unmatched in done.unmatched:
        if unmatched["why"] != NO_PURPOSE or not denied:
            continue
        consent = session.get(Consent, unmatched["consent"])
        if consent is None:
            continue
        trial = {"form": consent.form, "specific": True, "items": sorted(consent.items)}
        by_item = ruled.outcomes({**question, "consent": trial})
        lifted = [item for item in denied if _strictest(by_item[item]).decision is Decision.PERMIT]
        if lifted:
            notes.append(
                f"Consent {consent.id} on file, from the student to this recipient, would "
                f"permit {_and([_words(i) for i in lifted])} if the question stated its "
                "purpose: ask again with the purpose that consent names."
            )
    return notes


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
