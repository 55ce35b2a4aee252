"""Who is browsing: the signed-in person behind the session cookie, and signing in and out.

The cookie is the one the API uses (a session's secret and its CSRF token;
the session itself lives in ``services.sessions``), so a person signed in on
the pages is signed in for the API's docs too, and the other way round. The
steps mirror the API's sign-in: the cookie is cleared first (no fixation),
and signing out ends the session in the store for every copy of the cookie.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from discretion.services import Context, sessions
from discretion.services.people import person
from discretion.services.principals import Principal, principal_for_person

__all__ = ["SiteSettings", "Viewer", "context_of", "settings_of", "sign_in", "sign_out", "viewer"]


class SiteSettings(Protocol):
    """What the pages read of the app's settings."""

    @property
    def demo(self) -> bool: ...

    @property
    def session_hours(self) -> int: ...

    @property
    def session_idle_minutes(self) -> int: ...

    @property
    def oidc_enabled(self) -> bool: ...


@dataclass(frozen=True)
class Viewer:
    """The signed-in person: who they are to the policy, and the name to greet them by."""

    principal: Principal
    name: str


def settings_of(request: Request) -> SiteSettings:
    """Return the app's settings."""
    settings: SiteSettings = request.app.state.settings
    return settings


def context_of(request: Request) -> Context:
    """Return the app's store and profile."""
    context: Context = request.app.state.context
    return context


def _limits(settings: SiteSettings) -> sessions.Limits:
    return sessions.Limits(
        absolute=timedelta(hours=settings.session_hours),
        idle=timedelta(minutes=settings.session_idle_minutes),
    )


async def viewer(request: Request) -> Viewer | None:
    """Return who is signed in, or None (a cookie that opens nothing is cleared)."""
    data: dict[str, Any] = request.session
    secret = data.get("sid")
    if not isinstance(secret, str):
        return None
    settings = settings_of(request)

    def look_up() -> Viewer | None:
        with context_of(request).transaction() as session:
            principal = sessions.principal_for_session(
                session, secret, limits=_limits(settings), demo_on=settings.demo
            )
            if principal is None or principal.person_id is None:
                return None
            someone = person(session, principal.person_id)
            return Viewer(principal, f"{someone.given_name} {someone.family_name}")

    found = await run_in_threadpool(look_up)
    if found is None:
        data.clear()
    return found


def sign_in(request: Request, person_id: str, via: str) -> Principal:
    """Start a session for the person, in the store and in the cookie; return who they are.

    Raises:
        NotFoundError: no such person.
    """
    with context_of(request).transaction() as session:
        principal = principal_for_person(session, person_id, via)
        secret = sessions.start(session, person_id=person_id, via=via)
    request.session.clear()
    request.session.update({"sid": secret, "csrf": secrets.token_urlsafe(24)})
    return principal


def sign_out(request: Request) -> None:
    """End the cookie's session in the store (for every copy of the cookie) and clear it."""
    secret = request.session.get("sid")
    if isinstance(secret, str):
        with context_of(request).transaction() as session:
            sessions.end(session, secret)
        # the API remembers sessions for a few seconds; forget this one at once
        recent = getattr(request.app.state, "recent_principals", None)
        if recent is not None:
            recent.forget("session:" + sessions.digest(secret))
    request.session.clear()
