"""API tokens for services and scripts: shown once, kept as a SHA-256, scoped, expiring.

A token either acts for a person (its roles are some of that person's, none
for an outside contact, who holds no role) or for a service (role ``service``
only). Only an administrator makes or
revokes one. A revoked or expired token opens nothing; a token whose person
has since lost a role loses it too.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.services.access import require_administrator
from discretion.services.context import now
from discretion.services.errors import ConflictError, InvalidRequestError, NotFoundError
from discretion.services.principals import ROLES, Principal, principal_for_person, roles_of
from discretion.store.models import ApiToken

__all__ = ["PREFIX", "authenticate", "create_token", "list_tokens", "revoke_token"]

PREFIX = "dsc_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session,
    *,
    actor: Principal,
    name: str,
    roles: Sequence[str],
    person_id: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token; return its row and the secret, which is never shown again.

    Raises:
        ForbiddenError: the actor is not an administrator.
        InvalidRequestError: no name, an unknown role, a role the person does not hold,
            a service role for a person, or an expiry in the past.
        NotFoundError: ``person_id`` names no one.
    """
    require_administrator(actor)
    if not name.strip():
        raise InvalidRequestError("give the token a name that says who uses it")
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise InvalidRequestError(f"unknown role `{unknown[0]}`; use some of {', '.join(ROLES)}")
    if person_id is None and set(roles) != {"service"}:
        raise InvalidRequestError("a token for no person has the role service only; add --person")
    if person_id is not None:
        if "service" in roles:
            raise InvalidRequestError("a token acting for a person cannot also be a service")
        held = roles_of(session, person_id)
        lacking = sorted(set(roles) - held)
        if lacking:
            raise InvalidRequestError(
                f"`{person_id}` does not hold the role `{lacking[0]}`; "
                f"give some of: {', '.join(sorted(held)) or '(none: they hold no role)'}"
            )
    at = now()
    if expires_at is not None and expires_at <= at:
        raise InvalidRequestError("the expiry is in the past; give a later date")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip(),
        token_sha256=_digest(secret),
        roles=sorted(set(roles)),
        person_id=person_id,
        created_at=at,
        created_by=actor.name,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return token, secret


def authenticate(session: Session, secret: str, at: datetime | None = None) -> Principal | None:
    """Return the principal a token stands for, or None if it opens nothing."""
    if not secret.startswith(PREFIX):
        return None
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_sha256 == _digest(secret))
    ).first()
    at = at or now()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= at:
        return None
    if token.person_id is None:
        return Principal(None, frozenset(token.roles), "token", token_id=token.id)
    principal = principal_for_person(session, token.person_id, "token", frozenset(token.roles))
    return replace(principal, token_id=token.id)


def revoke_token(session: Session, *, actor: Principal, token_id: int) -> ApiToken:
    """Revoke a token (final).

    Raises:
        ForbiddenError: the actor is not an administrator.
        NotFoundError: no such token.
        ConflictError: it was already revoked.
    """
    require_administrator(actor)
    token = session.get(ApiToken, token_id, with_for_update=True)
    if token is None:
        raise NotFoundError(f"unknown token `{token_id}`")
    if token.revoked_at is not None:
        raise ConflictError(f"token {token_id} was already revoked")
    token.revoked_at, token.revoked_by = now(), actor.name
    return token


def list_tokens(session: Session) -> list[ApiToken]:
    """Return every token, oldest first (secrets are not kept, so none is shown)."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))
