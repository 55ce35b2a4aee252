"""Sign-in sessions kept on the server, so that ending one ends it everywhere.

The browser's cookie carries a random secret; the store keeps only its
SHA-256, with who signed in, how (OpenID Connect or the demo), when, and
when the session was last used. A session opens nothing once it is ended
(sign-out, or an administrator ending all of a person's sessions), once it
is older than the absolute limit or unused for longer than the idle limit,
and, for a demo session, whenever the demo is off.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from discretion.services.access import require_administrator
from discretion.services.context import now
from discretion.services.errors import ForbiddenError, InvalidRequestError, NotFoundError
from discretion.services.people import person
from discretion.services.principals import Principal, principal_for_person
from discretion.store.models import WebSession

__all__ = [
    "KINDS",
    "Limits",
    "digest",
    "end",
    "end_all",
    "list_sessions",
    "principal_for_session",
    "start",
]

KINDS = ("oidc", "demo")
# how stale ``last_seen_at`` may be before a use writes it again (keeps reads cheap)
TOUCH = timedelta(seconds=60)


@dataclass(frozen=True)
class Limits:
    """How long a session lasts: from sign-in at most, and unused at most."""

    absolute: timedelta = timedelta(hours=8)
    idle: timedelta = timedelta(minutes=30)


def digest(secret: str) -> str:
    """Return the id a session is kept under: the SHA-256 of the cookie's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def start(session: Session, *, person_id: str, via: str, at: datetime | None = None) -> str:
    """Record a new session for the person; return the secret for the cookie (kept nowhere).

    Raises:
        NotFoundError: no such person.
        InvalidRequestError: an unknown way of signing in.
    """
    if via not in KINDS:
        raise InvalidRequestError(f"unknown sign-in `{via}`; use {', '.join(KINDS)}")
    person(session, person_id)
    secret = secrets.token_urlsafe(32)
    at = at or now()
    session.add(
        WebSession(id=digest(secret), person_id=person_id, via=via, created_at=at, last_seen_at=at)
    )
    return secret


def principal_for_session(
    session: Session,
    secret: str,
    *,
    limits: Limits,
    demo_on: bool,
    at: datetime | None = None,
) -> Principal | None:
    """Return who a session stands for, or None when it opens nothing any more."""
    row = session.get(WebSession, digest(secret))
    at = at or now()
    if row is None or row.ended_at is not None:
        return None
    if row.via == "demo" and not demo_on:
        return None
    if at - row.created_at >= limits.absolute or at - row.last_seen_at >= limits.idle:
        return None
    if at - row.last_seen_at >= TOUCH:
        row.last_seen_at = at
    try:
        return principal_for_person(session, row.person_id, row.via)
    except NotFoundError:  # INVARIANT: the foreign key keeps the person; fail closed anyway
        return None


def end(session: Session, secret: str, *, at: datetime | None = None) -> bool:
    """End the session the secret opens (sign-out); return whether one was in force."""
    row = session.get(WebSession, digest(secret), with_for_update=True)
    if row is None or row.ended_at is not None:
        return False
    row.ended_at, row.ended_by = at or now(), row.person_id
    return True


def _allowed(actor: Principal, person_id: str) -> None:
    if actor.is_person(person_id):
        return
    try:
        require_administrator(actor)
    except ForbiddenError:
        raise ForbiddenError(
            "only an administrator, or the person themselves, may see or end their sessions"
        ) from None


def end_all(session: Session, *, actor: Principal, person_id: str) -> int:
    """End every session of a person in force; return how many.

    Raises:
        ForbiddenError: the actor is neither an administrator nor that person.
        NotFoundError: no such person.
    """
    _allowed(actor, person_id)
    person(session, person_id)
    result = session.execute(
        update(WebSession)
        .where(WebSession.person_id == person_id, WebSession.ended_at.is_(None))
        .values(ended_at=now(), ended_by=actor.name)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_sessions(session: Session, *, actor: Principal, person_id: str) -> list[dict[str, Any]]:
    """Return a person's sessions, newest first (never their secrets).

    Raises:
        ForbiddenError: the actor is neither an administrator nor that person.
        NotFoundError: no such person.
    """
    _allowed(actor, person_id)
    person(session, person_id)
    rows = session.scalars(
        select(WebSession)
        .where(WebSession.person_id == person_id)
        .order_by(WebSession.created_at.desc())
    )
    return [
        {
            "via": row.via,
            "created_at": row.created_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat(),
            "ended_at": row.ended_at.isoformat() if row.ended_at else None,
            "ended_by": row.ended_by,
        }
        for row in rows
    ]
