"""Who is calling: a bearer token, or a session cookie from sign-in; CSRF for cookie writes.

Every route but the public directory, the health checks and sign-in itself
depends on ``caller``. A token is sent as ``Authorization: Bearer dsc_...``.
A session cookie (signed, HttpOnly, SameSite=Lax, Secure unless configured
off for local use) carries only the person's id and a CSRF token; a request
that changes something with a cookie must repeat that token in
``X-CSRF-Token``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from discretion.api.errors import ApiError
from discretion.services import Context, NotFoundError
from discretion.services.principals import Principal, principal_for_person
from discretion.services.tokens import authenticate

__all__ = ["Caller", "caller", "sign_in", "sign_out", "transaction"]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_HEADER = "X-CSRF-Token"


def context_of(request: Request) -> Context:
    """Return the app's store and profile."""
    context: Context = request.app.state.context
    return context


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    """Yield a session for this request's work; it commits or rolls back as a whole."""
    with context_of(request).transaction() as session:
        yield session


def _unauthenticated(message: str) -> ApiError:
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": "Bearer"})


def _from_token(request: Request, header: str) -> Principal:
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthenticated("send `Authorization: Bearer <token>` or sign in")
    with transaction(request) as session:
        principal = authenticate(session, secret.strip())
    if principal is None:
        raise _unauthenticated("the token is unknown, revoked or expired")
    return principal


def _from_session(request: Request) -> Principal | None:
    data: dict[str, Any] = request.session
    person_id = data.get("person")
    if not isinstance(person_id, str):
        return None
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        expected = str(data.get("csrf", ""))
        if not expected or not hmac.compare_digest(sent, expected):
            raise ApiError(403, "csrf_failed", f"repeat the session's CSRF token in {CSRF_HEADER}")
    try:
        with transaction(request) as session:
            return principal_for_person(session, person_id, str(data.get("via", "session")))
    except NotFoundError:
        data.clear()
        return None


def caller(request: Request) -> Principal:
    """Return the authenticated caller, or answer 401."""
    header = request.headers.get("Authorization")
    if header:
        return _from_token(request, header)
    principal = _from_session(request)
    if principal is None:
        raise _unauthenticated("sign in, or send `Authorization: Bearer <token>`")
    return principal


Caller = Annotated[Principal, Depends(caller)]


def sign_in(request: Request, person_id: str, via: str) -> str:
    """Start a session for the person; return its CSRF token."""
    request.session.clear()
    token = secrets.token_urlsafe(24)
    request.session.update({"person": person_id, "via": via, "csrf": token})
    return token


def sign_out(request: Request) -> None:
    """End the session."""
    request.session.clear()
