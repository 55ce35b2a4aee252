"""Who is calling: a bearer token, or a session cookie from sign-in; CSRF for cookie writes.

Every route but the public directory, the health checks and sign-in itself
depends on ``caller``. A token is sent as ``Authorization: Bearer dsc_...``.
A session cookie (signed, HttpOnly, SameSite=Lax, Secure unless configured
off for local use) carries only a session's secret and a CSRF token; the
session itself lives in the store (``services.sessions``), so signing out
ends it for every copy of the cookie. A request that changes something with
a cookie, sign-out included, must repeat the CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from discretion.api.errors import ApiError
from discretion.services import Context, access, sessions
from discretion.services.principals import Principal
from discretion.services.tokens import authenticate

__all__ = [
    "Administrator",
    "Caller",
    "FeedReader",
    "LogChecker",
    "Recent",
    "Registrar",
    "caller",
    "check_csrf",
    "sign_in",
    "sign_out",
    "transaction",
]

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

    def forget(self, key: str) -> None:
        """Forget a key at once (a session just ended in this process)."""
        self.found.pop(key, None)


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


def check_csrf(request: Request) -> None:
    """Refuse a cookie request that does not repeat its session's CSRF token.

    Raises:
        ApiError: 403 ``csrf_failed``.
    """
    sent = request.headers.get(CSRF_HEADER, "")
    expected = str(request.session.get("csrf", ""))
    if not expected or not hmac.compare_digest(sent, expected):
        raise ApiError(403, "csrf_failed", f"repeat the session's CSRF token in {CSRF_HEADER}")


def _session_key(secret: str) -> str:
    return "session:" + sessions.digest(secret)


async def _from_session(request: Request) -> Principal | None:
    data: dict[str, Any] = request.session
    secret = data.get("sid")
    if not isinstance(secret, str):
        data.clear()  # a cookie of an older form, or none: it opens nothing
        return None
    if request.method not in SAFE_METHODS:
        check_csrf(request)
    settings = request.app.state.settings
    limits = sessions.Limits(
        absolute=timedelta(hours=settings.session_hours),
        idle=timedelta(minutes=settings.session_idle_minutes),
    )

    def look_up() -> Principal | None:
        with transaction(request) as session:
            return sessions.principal_for_session(
                session, secret, limits=limits, demo_on=settings.demo
            )

    principal = await _remembered(request, _session_key(secret), look_up)
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


def _holding(check: Callable[[Principal], None]) -> Any:
    """Return a dependency that gives the caller once ``check`` (from services.access) allows."""

    async def allowed(principal: Caller) -> Principal:
        check(principal)
        return principal

    return Depends(allowed)


Registrar = Annotated[Principal, _holding(access.require_registrar)]
Administrator = Annotated[Principal, _holding(access.require_administrator)]
FeedReader = Annotated[Principal, _holding(access.require_feed_reader)]
LogChecker = Annotated[Principal, _holding(access.require_log_checker)]


def sign_in(request: Request, session: Session, person_id: str, via: str) -> str:
    """Start a session for the person (in the store and in the cookie); return its CSRF token.

    Raises:
        NotFoundError: no such person.
    """
    request.session.clear()
    secret = sessions.start(session, person_id=person_id, via=via)
    token = secrets.token_urlsafe(24)
    request.session.update({"sid": secret, "csrf": token})
    return token


def sign_out(request: Request) -> None:
    """End the cookie's session in the store and forget the cookie; CSRF is checked first.

    Raises:
        ApiError: 403 when a session is open and the CSRF token is not repeated.
    """
    secret = request.session.get("sid")
    if not isinstance(secret, str):
        request.session.clear()
        return
    check_csrf(request)
    with transaction(request) as session:
        sessions.end(session, secret)
    request.app.state.recent_principals.forget(_session_key(secret))
    request.session.clear()
