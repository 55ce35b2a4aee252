"""A student's request to inspect their records, and its clock (34 CFR 99.10).

The student files one themself, signed in (``online``), or the Registrar's
office records one that came on paper or by email, with the day it arrived.
A spoken request is not one: the right is exercised in writing. The
institution answers within the profile's ``inspection_days`` of receipt;
pauses (e.g. while the student's identity is verified) are recorded with who
and why, and add their length. A request ends fulfilled, withdrawn or refused
with a reason, and an ended request is final. Every step is a recorded change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.orm import Session

from discretion.policy import Profile
from discretion.services.access import KEEPER, require_keeper, require_registrar
from discretion.services.context import now
from discretion.services.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from discretion.services.people import student
from discretion.services.principals import Principal
from discretion.store.models import AccessRequest, AccessRequestPause, Change, InspectionCopy

__all__ = [
    "DUE_SOON_DAYS",
    "METHODS",
    "RequestView",
    "Transition",
    "file_request",
    "fulfil",
    "kept_request",
    "list_requests",
    "open_request",
    "pause",
    "refuse",
    "resume",
    "show",
    "view_of",
    "by_urgency",
    "withdraw",
]

METHODS = ("online", "paper", "email")
OPEN = ("open", "paused")
DUE_SOON_DAYS = 7
_ENTITY = "access_request"


@dataclass(frozen=True, slots=True)
class Transition:
    """One recorded step of a request: when, by whom, what."""

    at: datetime
    actor: str
    action: str


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request as it stands now, with its clock.

    ``due_at`` is the receipt plus the profile's days; ``effective_due_at``
    adds the time paused (an open pause counts up to now); ``paused_days``
    is that time in whole days. ``transitions`` are the request's steps and
    its copies' (compiled, released, downloaded, purged).
    """

    id: int
    student_id: str
    method: str
    received_at: datetime
    recorded_by: str
    state: str
    ended_at: datetime | None
    ended_by: str | None
    reason: str | None
    due_at: datetime
    paused_days: int
    effective_due_at: datetime
    overdue: bool
    due_soon: bool
    transitions: tuple[Transition, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the view as JSON-ready data."""
        data: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if name == "transitions":
                value = [{"at": t.at.isoformat(), "actor": t.actor, "action": t.action}
                         for t in value]  # fmt: skip
            data[name] = value.isoformat() if isinstance(value, datetime) else value
        return data


def _record(session: Session, actor: Principal, action: str, request: AccessRequest) -> None:
    session.flush()
    session.add(
        Change(
            at=now(),
            actor=actor.name,
            action=action,
            entity=_ENTITY,
            entity_id=str(request.id),
            student_id=request.student_id,
        )  # fmt: skip
    )


def file_request(
    session: Session,
    *,
    actor: Principal,
    student_id: str,
    method: str,
    received_at: datetime | None = None,
) -> AccessRequest:
    """File a request to inspect records: the student online, or the Registrar from a letter.

    Raises:
        InvalidRequestError: a spoken request or an unknown method; a paper or email
            request without the day it was received, or received in the future; an
            online request with a received date.
        ForbiddenError: anyone but the student filing online, or the Registrar's office
            recording a letter or an email.
    """
    if method in ("verbal", "in_person", "phone"):
        raise InvalidRequestError(
            "a request to inspect records must be in writing: the student files it online, "
            "signed in, or sends it to the Registrar's office on paper or by email"
        )
    if method not in METHODS:
        raise InvalidRequestError(f"unknown request method `{method}`; use {', '.join(METHODS)}")
    require_keeper(actor, student_id)
    if method == "online":
        if not actor.is_person(student_id):
            raise ForbiddenError("only the student files online, signed in; record a letter "
                                 "or an email with --method paper or email")  # fmt: skip
        if received_at is not None:
            raise InvalidRequestError("an online request is received when filed; give no date")
        received_at = now()
    else:
        require_registrar(actor)
        if received_at is None:
            raise InvalidRequestError(f"a request by {method} needs the date it was received")
        if received_at > now():
            raise InvalidRequestError("the request cannot be received in the future")
    about = student(session, student_id)
    request = AccessRequest(
        student_id=about.id, method=method, received_at=received_at,
        recorded_by=actor.name, state="open",
    )  # fmt: skip
    session.add(request)
    _record(session, actor, "file", request)
    return request


def kept_request(session: Session, actor: Principal, request_id: int) -> AccessRequest:
    """Return the request, locked; to a student, another's and none at all look the same."""
    request = session.get(AccessRequest, request_id, with_for_update=True)
    if request is None:
        if actor.is_system or actor.has(KEEPER):
            raise NotFoundError(f"unknown access request `{request_id}`")
        raise ForbiddenError(f"only the student or the Registrar's office ({KEEPER}) may do this")
    require_keeper(actor, request.student_id)
    return request


def open_request(session: Session, actor: Principal, request_id: int) -> AccessRequest:
    """Return the request, locked, if it has not ended (see ``kept_request``).

    Raises:
        ConflictError: it has ended.
    """
    request = kept_request(session, actor, request_id)
    if request.state not in OPEN:
        assert request.ended_at is not None  # INVARIANT: the ended CHECK
        raise ConflictError(
            f"access request {request_id} was {request.state} on "
            f"{request.ended_at.date().isoformat()}; it is final: file a new one instead"
        )
    return request


def _open_pause(session: Session, request: AccessRequest) -> AccessRequestPause | None:
    return session.scalars(
        select(AccessRequestPause).where(
            AccessRequestPause.request_id == request.id, AccessRequestPause.ended_at.is_(None)
        )
    ).first()


def pause(session: Session, *, actor: Principal, request_id: int, reason: str) -> AccessRequest:
    """Stop a request's clock, saying why (the Registrar's office).

    Raises:
        ConflictError: the request has ended or is paused already.
        InvalidRequestError: no reason.
    """
    request = open_request(session, actor, request_id)
    require_registrar(actor)
    if not reason.strip():
        raise InvalidRequestError("a pause says why; give --reason")
    if request.state == "paused":
        raise ConflictError(f"access request {request_id} is paused already; resume it first")
    session.add(AccessRequestPause(request_id=request.id, started_at=now(),
                                   started_by=actor.name, reason=reason.strip()))  # fmt: skip
    request.state = "paused"
    _record(session, actor, "pause", request)
    return request


def _close_pause(session: Session, actor: Principal, request: AccessRequest) -> None:
    open_pause = _open_pause(session, request)
    if open_pause is not None:
        open_pause.ended_at, open_pause.ended_by = now(), actor.name


def resume(session: Session, *, actor: Principal, request_id: int) -> AccessRequest:
    """Restart a paused request's clock (the Registrar's office).

    Raises:
        ConflictError: the request has ended or is not paused.
    """
    request = open_request(session, actor, request_id)
    require_registrar(actor)
    if request.state != "paused":
        raise ConflictError(f"access request {request_id} is not paused")
    _close_pause(session, actor, request)
    request.state = "open"
    _record(session, actor, "resume", request)
    return request


def _end(request: AccessRequest, session: Session, actor: Principal, state: str) -> None:
    _close_pause(session, actor, request)
    request.state, request.ended_at, request.ended_by = state, now(), actor.name
    _record(session, actor, {"fulfilled": "fulfil", "refused": "refuse"}.get(state, "withdraw"),
            request)  # fmt: skip


def fulfil(session: Session, *, actor: Principal, request_id: int) -> AccessRequest:
    """Record that the student inspected their records (the Registrar's office; final)."""
    request = open_request(session, actor, request_id)
    require_registrar(actor)
    _end(request, session, actor, "fulfilled")
    return request


def refuse(session: Session, *, actor: Principal, request_id: int, reason: str) -> AccessRequest:
    """Refuse a request, saying why (the Registrar's office; final).

    Raises:
        InvalidRequestError: no reason.
    """
    request = open_request(session, actor, request_id)
    require_registrar(actor)
    if not reason.strip():
        raise InvalidRequestError("a refusal says why; give --reason")
    request.reason = reason.strip()
    _end(request, session, actor, "refused")
    return request


def withdraw(session: Session, *, actor: Principal, request_id: int) -> AccessRequest:
    """Withdraw a request (the student, or the Registrar's office for them; final)."""
    request = open_request(session, actor, request_id)
    _end(request, session, actor, "withdrawn")
    return request


def view_of(session: Session, profile: Profile, request: AccessRequest) -> RequestView:
    """Return the view of a request already read (and authorised) by the caller: its clock."""
    moment = now()
    pauses = session.scalars(
        select(AccessRequestPause).where(AccessRequestPause.request_id == request.id)
    )
    paused = sum(((p.ended_at or moment) - p.started_at for p in pauses), timedelta())
    due = request.received_at + timedelta(days=profile.inspection_days)
    effective = due + paused
    is_open = request.state in OPEN
    copies = select(cast(InspectionCopy.id, String)).where(InspectionCopy.request_id == request.id)
    changes = session.scalars(
        select(Change)
        .where(
            or_(
                and_(Change.entity == _ENTITY, Change.entity_id == str(request.id)),
                and_(Change.entity == "inspection_copy", Change.entity_id.in_(copies)),
            )
        )
        .order_by(Change.id)
    )
    return RequestView(
        id=request.id, student_id=request.student_id, method=request.method,
        received_at=request.received_at, recorded_by=request.recorded_by, state=request.state,
        ended_at=request.ended_at, ended_by=request.ended_by, reason=request.reason,
        due_at=due, paused_days=paused.days, effective_due_at=effective,
        overdue=is_open and moment > effective,
        due_soon=is_open and moment <= effective <= moment + timedelta(days=DUE_SOON_DAYS),
        transitions=tuple(Transition(c.at, c.actor, c.action) for c in changes),
    )  # fmt: skip


def show(session: Session, profile: Profile, reader: Principal, request_id: int) -> RequestView:
    """Return one request with its clock, to the student or the Registrar's office.

    Raises:
        ForbiddenError: anyone else (to a student, another's request looks like none).
        NotFoundError: the Registrar's office asked for a request that does not exist.
    """
    return view_of(session, profile, kept_request(session, reader, request_id))


def list_requests(
    session: Session,
    profile: Profile,
    reader: Principal,
    student_id: str | None = None,
    *,
    open_only: bool = False,
) -> list[RequestView]:
    """Return requests, oldest first: one student's, or (no student) the reader's own or all.

    A student without ``student_id`` sees their own; the Registrar's office sees all.

    Raises:
        ForbiddenError: a student asking for another's, or anyone else.
    """
    if student_id is None and not (reader.is_system or reader.has(KEEPER)):
        student_id = reader.person_id if reader.has("student") else None
        if student_id is None:
            raise ForbiddenError(f"only the Registrar's office ({KEEPER}) sees every request")
    query = select(AccessRequest).order_by(AccessRequest.id)
    if student_id is not None:
        require_keeper(reader, student_id)
        student(session, student_id)
        query = query.where(AccessRequest.student_id == student_id)
    if open_only:
        query = query.where(AccessRequest.state.in_(OPEN))
    return [view_of(session, profile, request) for request in session.scalars(query)]


def by_urgency(views: list[RequestView]) -> list[RequestView]:
    """Return requests as the desk works them: overdue first, then due within a week,
    then the rest, each by the due date their pauses moved."""
    return sorted(views, key=lambda v: (not v.overdue, not v.due_soon, v.effective_due_at, v.id))
