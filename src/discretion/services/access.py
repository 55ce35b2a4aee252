"""Who may use which door: the checks every service makes of its caller, in one place.

These decide whether a caller may ask at all (a role opens a door); what
they then read is the policy's to decide. The services call them, so the
API, the command line and the web pages cannot disagree.

- A student's choices on file (suppressions, consents, authorisations,
  posting permissions) and their disclosure and access records: the student,
  or the Registrar's office, which keeps them.
- Ending a suppression: the Registrar, on the student's written rescission.
- The whole disclosure log and the access journal: the Registrar; checking
  the log's chain, also administrators.
- The privacy-change feed: services, the Registrar and administrators.
- Webhooks, tokens and other people's sessions: administrators.
- The store's facts in a question about someone else: officials,
  administrators and services.
"""

from __future__ import annotations

from typing import Any

from discretion.services.errors import ForbiddenError
from discretion.services.principals import Principal

__all__ = [
    "FEED_READERS",
    "KEEPER",
    "LOG_CHECKERS",
    "STORE_ROLES",
    "require_administrator",
    "require_feed_reader",
    "require_keeper",
    "require_log_checker",
    "require_person",
    "require_registrar",
    "require_store_facts",
]

KEEPER = "registrar"  # the office that keeps students' choices on file
STORE_ROLES = ("official", "administrator", "service")
FEED_READERS = ("service", "registrar", "administrator")
LOG_CHECKERS = ("registrar", "administrator")


def require_person(principal: Principal) -> str:
    """Return the caller's person id; refuse a service acting as no one.

    Raises:
        ForbiddenError: the caller is not a person.
    """
    return principal.require_person()


def require_keeper(principal: Principal, student_id: str) -> None:
    """Allow the student themselves, the Registrar's office, or an import.

    Raises:
        ForbiddenError: anyone else.
    """
    if principal.is_system or principal.has(KEEPER):
        return
    if principal.is_person(student_id) and principal.has("student"):
        return
    raise ForbiddenError(f"only the student or the Registrar's office ({KEEPER}) may do this")


def require_registrar(principal: Principal) -> None:
    """Allow the Registrar's office (or an import).

    Raises:
        ForbiddenError: anyone else.
    """
    if not principal.is_system and not principal.has(KEEPER):
        raise ForbiddenError(f"only the Registrar's office ({KEEPER}) may do this")


def require_administrator(principal: Principal) -> None:
    """Allow an administrator (or the system itself).

    Raises:
        ForbiddenError: anyone else.
    """
    if not principal.is_system:
        principal.require("administrator")


def require_feed_reader(principal: Principal) -> None:
    """Allow the systems and offices that apply privacy changes downstream.

    Raises:
        ForbiddenError: anyone else.
    """
    principal.require(*FEED_READERS)


def require_log_checker(principal: Principal) -> None:
    """Allow those who check the disclosure log's chain: the Registrar and administrators.

    Raises:
        ForbiddenError: anyone else.
    """
    principal.require(*LOG_CHECKERS)


def _named(part: Any) -> str | None:
    if isinstance(part, dict):
        named = part.get("id")
        return named if isinstance(named, str) else None
    return None


def require_store_facts(principal: Principal, question: Any) -> None:
    """Allow the store to fill in a question's facts for this caller.

    Officials, administrators and services may ask about anyone; anyone else
    only about themselves, as student and as recipient.

    Raises:
        ForbiddenError: the question names someone else.
    """
    if principal.has(*STORE_ROLES) or not isinstance(question, dict):
        return
    student = question.get("student")
    recipient = question.get("recipient")
    names = [_named(part) for part in (student, recipient) if isinstance(part, dict)]
    if principal.person_id and all(n in (None, principal.person_id) for n in names):
        return
    raise ForbiddenError(
        "only officials and services may have the store fill in facts about others; "
        "state the facts instead"
    )
