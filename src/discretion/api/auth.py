"""Who is calling: a bearer token, or a session cookie from sign-in; CSRF for cookie writes.

Every route but the public directory, the health checks and sign-in itself
depends on ``caller``. A token is sent as ``Authorization: Bearer dsc_...``.
A session cookie (signed, HttpOnly, SameSite=Lax, Secure unless configured
off for local use) carries only the person's id and a CSRF token; a request
that changes something with a cookie must repeat that token in
``X-CSRF-Token``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from discretion.api.errors import ApiError
from discretion.services import Context, NotFoundError
from discretion.services.principals import Principal, principal_for_person
from discretion.services.tokens import authenticate

__all__ = ["Caller", "Recent", "caller", "sign_in", "sign_out", "transaction"]

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


class Recent:
    """Principals looked up in the last few seconds, so a busy client costs no query each time.

    A revoked token, or a person's changed roles, take effect within ``seconds``.
    Keys are digests, never the secrets themselves.
    """

    LIMIT = 10_000

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.found: dict[str, tuple[float, Principal | None]] = {}

    def get(self, key: str) -> tuple[bool, Principal | None]:
        """Return whether the key is remembered, and its principal."""
        hit = self.found.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.seconds:
            return True, hit[1]
        return False, None

    def put(self, key: str, principal: Principal | None) -> None:
        """Remember a principal (None: nobody) for a while."""
        if len(self.found) >= self.LIMIT:
            self.found.clear()
        self.found[key] = (time.monotonic(), principal)


async def _remembered(
    request: Request, key: str, look_up: Callable[[], Principal | None]
) -> Principal | None:
    recent: Recent = request.app.state.recent_principals
    known, principal = recent.get(key)
    if not known:
        principal = await run_in_threadpool(look_up)
        recent.put(key, principal)
    return principal


async def _from_token(request: Request, header: str) -> Principal:
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthenticated("send `Authorization: Bearer <token>` or sign in")

    def look_up() -> Principal | None:
        with transaction(request) as session:
            return authenticate(session, secret.strip())

    key = "token:" + hashlib.sha256(secret.strip().encode()).hexdigest()
    principal = await _remembered(request, key, look_up)
    if principal is None:
        raise _unauthenticated("the token is unknown, revoked or expired")
    return principal


async def _from_session(request: Request) -> Principal | None:
    data: dict[str, Any] = request.session
    person_id = data.get("person")
    if not isinstance(person_id, str):
        return None
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        expected = str(data.get("csrf", ""))
        if not expected or not hmac.compare_digest(sent, expected):
            raise ApiError(403, "csrf_failed", f"repeat the session's CSRF token in {CSRF_HEADER}")
    via = str(data.get("via", "session"))

    def look_up() -> Principal | None:
        try:
            with transaction(request) as session:
                return principal_for_person(session, person_id, via)
        except NotFoundError:
            return None

    principal = await _remembered(request, f"person:{via}:{person_id}", look_up)
    if principal is None:
        data.clear()
    return principal


async def caller(request: Request) -> Principal:
    """Return the authenticated caller, or answer 401."""
    header = request.headers.get("Authorization")
    if header:
        return await _from_token(request, header)
    principal = await _from_session(request)
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
