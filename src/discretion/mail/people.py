"""Who the checker can recognise, and whether a recipient may receive what is said of them.

``People`` is what the checker asks when it is given one: the students a
text names (by full name, email address or ID number), and whether a
recipient may receive some information about one of them, as the policy
rules. ``RosterPeople`` answers from a roster held in memory and the policy
itself; ``store_people`` answers from the store, through services.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from discretion.policy import Profile, decide, parse_question
from discretion.policy.registry import REGISTRY
from discretion.policy.ruling import Ruling
from discretion.policy.vocabulary import Decision

__all__ = ["People", "Permission", "RosterPeople", "Student", "StudentRef", "permission_of"]


@dataclass(frozen=True, slots=True)
class StudentRef:
    """A student a text names: their id, and whether the text names them in full."""

    id: str
    in_full: bool = True  # by full name, address or ID number; not by initials or first name


@dataclass(frozen=True, slots=True)
class Permission:
    """Whether a recipient may receive the information, and the rules and clauses that said so."""

    allowed: bool
    rules: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()


class People(Protocol):
    """What the checker may ask about the people a message concerns."""

    def find(self, text: str) -> list[StudentRef]:
        """Return the students ``text`` names (each once)."""
        ...

    def may_receive(self, student_id: str, recipient: str, items: tuple[str, ...]) -> Permission:
        """Return whether the address ``recipient`` may receive ``items`` about the student."""
        ...


def permission_of(ruling: Ruling) -> Permission:
    """Return a ruling as a permission: only a permit allows; each reason's clauses are cited."""
    rules = ruling.rules
    cites = tuple(dict.fromkeys(c for r in rules if r in REGISTRY for c in REGISTRY[r].cites))
    return Permission(ruling.decision is Decision.PERMIT, rules, cites)


@dataclass(frozen=True, slots=True)
class Student:
    """A student on a roster: id, full name, and optionally email and ID number."""

    id: str
    name: str
    email: str | None = None
    id_number: str | None = None


class RosterPeople:
    """``People`` from a roster in memory, with recipients' facts given as the question's.

    Args:
        profile: the institution's profile, to rule with.
        students: the students the checker should recognise.
        recipients: address -> the question's ``recipient`` object; any other
            address is asked about as a member of the public (deny unless permitted).
    """

    def __init__(
        self,
        profile: Profile,
        students: list[Student],
        recipients: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.profile = profile
        self.students = {student.id: student for student in students}
        self.recipients = {k.lower(): dict(v) for k, v in (recipients or {}).items()}

    def find(self, text: str) -> list[StudentRef]:
        """Return the roster's students that ``text`` names."""
        found: dict[str, StudentRef] = {}
        for student in self.students.values():
            keys = [student.name, student.email, student.id_number]
            for key in filter(None, keys):
                parts = r"\s+".join(re.escape(p) for p in key.split())
                if re.search(rf"(?<![\w@.]){parts}(?![\w@])", text, re.IGNORECASE):
                    found[student.id] = StudentRef(student.id)
        return list(found.values())

    def may_receive(self, student_id: str, recipient: str, items: tuple[str, ...]) -> Permission:
        """Rule on sending ``items`` about the student to ``recipient`` by email."""
        question = {
            "act": "disclose",
            "recipient": self.recipients.get(recipient.lower(), {"kind": "public"}),
            "information": list(items),
            "channel": "email",
        }
        return permission_of(decide(parse_question(question, self.profile), self.profile))
