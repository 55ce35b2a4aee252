"""The referral queue: requests the policy sends to an office, worked by that office.

A request is recorded only when the policy refers it (parents, subpoenas and
court orders, the media, degree and attendance checks, non-routine law
enforcement); the office it names owns it. Its members assign it to one of
themselves and close it with an outcome; a closed referral stays closed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.policy import Profile
from discretion.policy.vocabulary import Decision
from discretion.services.asking import ask
from discretion.services.changes import row_json
from discretion.services.context import now
from discretion.services.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from discretion.services.principals import Principal
from discretion.store.models import OfficeMember, Referral

__all__ = [
    "STATUSES",
    "assign_referral",
    "close_referral",
    "list_referrals",
    "open_referral",
    "referral_json",
]

STATUSES = ("open", "assigned", "closed")
# who may record a referred request
OPENERS = ("official", "administrator", "service")


def referral_json(referral: Referral) -> dict[str, Any]:
    """Return a referral as JSON-ready data."""
    return row_json(referral)


def open_referral(
    session: Session,
    profile: Profile,
    *,
    actor: Principal,
    question: dict[str, Any],
    requester: str,
    note: str | None = None,
) -> Referral:
    """Record a request the policy refers, in the queue of the office it names.

    Raises:
        ForbiddenError: the actor is not an official, an administrator or a service.
        InvalidRequestError: the policy does not refer this request (it says what it says).
    """
    actor.require(*OPENERS)
    answer = ask(session, profile, question, caller=actor)
    ruling = answer.ruling
    if ruling.decision is not Decision.REFER or ruling.refer_to is None:
        rule = ruling.reasons[0].rule
        raise InvalidRequestError(
            f"the policy does not refer this request: it says {ruling.decision.value} ({rule})"
        )
    if not requester.strip():
        raise InvalidRequestError("say who made the request (requester)")
    referred = [i for i, r in ruling.by_information.items() if r.decision is Decision.REFER]
    referral = Referral(
        office=ruling.refer_to.id,
        student_id=(answer.question.get("student") or {}).get("id"),
        requester=requester.strip(),
        recipient_kind=answer.question["recipient"]["kind"],
        items=referred,
        rule=ruling.by_information[referred[0]].rule,
        note=note,
        status="open",
        opened_at=now(),
        opened_by=actor.name,
    )
    session.add(referral)
    session.flush()
    return referral


def _visible_offices(principal: Principal) -> frozenset[str] | None:
    """Return the offices whose queue the caller sees; None: every office."""
    return None if principal.has("administrator") else principal.offices


def list_referrals(
    session: Session, principal: Principal, status: str | None = None
) -> list[Referral]:
    """Return the referrals of the caller's offices (every office for an administrator).

    Raises:
        ForbiddenError: the caller works in no office and is no administrator.
        InvalidRequestError: an unknown status.
    """
    principal.require("office_member", "administrator")
    if status is not None and status not in STATUSES:
        raise InvalidRequestError(f"unknown status `{status}`; use {', '.join(STATUSES)}")
    query = select(Referral).order_by(Referral.id)
    offices = _visible_offices(principal)
    if offices is not None:
        query = query.where(Referral.office.in_(sorted(offices)))
    if status is not None:
        query = query.where(Referral.status == status)
    return list(session.scalars(query))


def _owned(session: Session, principal: Principal, referral_id: int) -> Referral:
    principal.require("office_member")
    referral = session.get(Referral, referral_id, with_for_update=True)
    if referral is None:
        raise NotFoundError(f"unknown referral `{referral_id}`")
    if referral.office not in principal.offices:
        raise ForbiddenError(f"referral {referral_id} belongs to the office `{referral.office}`")
    if referral.status == "closed":
        raise ConflictError(f"referral {referral_id} is closed")
    return referral


def assign_referral(
    session: Session, principal: Principal, *, referral_id: int, assignee_id: str
) -> Referral:
    """Assign a referral to a member of its office.

    Raises:
        NotFoundError: no such referral.
        ForbiddenError: the caller is not in the referral's office.
        ConflictError: it is closed.
        InvalidRequestError: the assignee is not in the office.
    """
    referral = _owned(session, principal, referral_id)
    if session.get(OfficeMember, (assignee_id, referral.office)) is None:
        raise InvalidRequestError(f"`{assignee_id}` is not a member of `{referral.office}`")
    referral.assignee_id, referral.status = assignee_id, "assigned"
    return referral


def close_referral(
    session: Session, principal: Principal, *, referral_id: int, outcome: str
) -> Referral:
    """Close a referral with what the office did (final).

    Raises:
        NotFoundError: no such referral.
        ForbiddenError: the caller is not in the referral's office.
        ConflictError: it is already closed.
        InvalidRequestError: no outcome given.
    """
    if not outcome.strip():
        raise InvalidRequestError("say what the office did (outcome)")
    referral = _owned(session, principal, referral_id)
    referral.status, referral.outcome = "closed", outcome.strip()
    referral.closed_at, referral.closed_by = now(), principal.name
    return referral
