"""A reader's standing toward a student, where a record is kept: one ruling for ask and release.

A record kept in a subject is ruled on the reader's relations through that
subject only (the instructor of one subject has no need to know the grades
of another); directory information and a record kept in no subject, on the
relations of the reader's whole standing. ``release`` rules each record of
the student this way; ``ask`` rules each item in the subject the question
names or, naming none, in every subject the student's records of that item
are kept in, and answers the strictest. Both rule through
``Standing.outcome``, so they cannot disagree.

A subject the student does not take gives the reader no role, as a subject
they have no part in does, so naming one tells nothing of the student's
enrolments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from discretion.policy import Profile, parse_question
from discretion.policy.decide import Outcome, evaluate
from discretion.policy.facts import ItemFacts, item_facts
from discretion.policy.question import Question
from discretion.policy.vocabulary import Decision
from discretion.services.errors import NotFoundError
from discretion.services.people import Ties, ties
from discretion.services.principals import Principal
from discretion.store.models import Record, Subject

__all__ = [
    "SEVERITY",
    "Scope",
    "Standing",
    "kept_in",
    "subject_codes",
    "subject_ids",
]

# the ids of the subject (one per term it is taught in) a record is kept in; None: none
Scope = tuple[str, ...] | None
SEVERITY = {Decision.PERMIT: 0, Decision.REFER: 1, Decision.DENY: 2}
_MEMO_LIMIT = 1 << 16


def subject_ids(session: Session, code: str) -> tuple[str, ...]:
    """Return the ids of the subjects with this code (case and spaces do not count).

    Raises:
        NotFoundError: no subject has that code.
    """
    wanted = " ".join(code.split()).lower()
    found = tuple(
        sorted(session.scalars(select(Subject.id).where(func.lower(Subject.code) == wanted)))
    )
    if not found:
        raise NotFoundError(f"unknown subject `{code}`")
    return found


def subject_codes(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """Return the code of each subject id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(Subject.id, Subject.code).where(Subject.id.in_(wanted)))
    return {subject_id: code for subject_id, code in rows}


def kept_in(session: Session, student_id: str) -> dict[str, list[Scope]]:
    """Return, for each item the student's records hold, the scopes they are kept in.

    Only records ever shown to anyone count: a note its maker keeps for
    themselves is no education record and is ruled on by no one.
    """
    rows = session.execute(
        select(Record.category, Record.subject_id)
        .where(Record.student_id == student_id, Record.shared.is_(True))
        .distinct()
    )
    kept: dict[str, set[str | None]] = {}
    for category, subject_id in rows:
        kept.setdefault(category, set()).add(subject_id)
    return {
        item: [None if s is None else (s,) for s in sorted(found, key=lambda s: s or "")]
        for item, found in kept.items()
    }


@lru_cache(maxsize=_MEMO_LIMIT)
def _evaluate(facts: ItemFacts, profile: Profile) -> Outcome:
    return evaluate(facts, profile)


@dataclass
class Standing:
    """A reader's standing toward one student, and their relations in each scope.

    ``recipient`` is the question's recipient with the relations of the
    reader's whole standing (``facts.recipient_json``).
    """

    session: Session
    profile: Profile
    reader: Principal
    student_id: str
    recipient: dict[str, Any]
    known: Ties | None = field(default=None, repr=False)  # the reader's ties, once read
    # questions parsed with some relations: (id, relations) -> (the question, parsed)
    _parsed: dict[tuple[int, tuple[str, ...]], tuple[dict[str, Any], Question]] = field(
        default_factory=dict, repr=False
    )

    def relations(self, scope: Scope) -> list[str]:
        """Return the reader's relations to the student for a record kept in ``scope``."""
        if scope is None:
            return list(self.recipient["relations"])
        if self.known is None:
            self.known = ties(self.session, self.reader, self.student_id)
        return self.known.relations(self.profile, scope)

    def outcome(self, question: dict[str, Any], item: str, scope: Scope) -> Outcome:
        """Rule on ``item`` of ``question`` for a record of it kept in ``scope``.

        Directory information is no subject's: it is ruled on the whole standing.

        Raises:
            InvalidQuestionError: the question does not fit the schema.
            UnknownInformationError: the profile does not know an item.
        """
        if item in self.profile.items and self.profile.items[item].directory:
            scope = None
        return _evaluate(item_facts(self._parse(question, scope), item, self.profile), self.profile)

    def _parse(self, question: dict[str, Any], scope: Scope) -> Question:
        """Return the question with the relations of ``scope``, parsed once for each.

        A question is known by identity: callers pass a new dict for a changed question.
        """
        held = self.relations(scope)
        key = (id(question), tuple(held))
        found = self._parsed.get(key)
        if found is not None and found[0] is question:
            return found[1]
        recipient = {**self.recipient, "relations": held}
        parsed = parse_question({**question, "recipient": recipient}, self.profile)
        self._parsed[key] = (question, parsed)
        return parsed
