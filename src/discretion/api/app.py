"""The API application: routers, sign-in, sessions, the error shape, docs, response headers.

``create_app`` opens the store and refuses to start on a database that is
not migrated, or without the disclosure log's key (DISCRETION_LOG_KEY; the
demo has a published one). The app keeps no state of its own beyond that
connection pool, so any number of processes can serve one PostgreSQL
database (they must share DISCRETION_SECRET_KEY for sessions to cross them,
and DISCRETION_LOG_KEY for the log).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from discretion.api import docs, errors, signin
from discretion.api.auth import Recent
from discretion.api.body import BodyGuard
from discretion.api.models import ErrorBody
from discretion.api.routes import (
    access_requests,
    decisions,
    directory,
    feed,
    journal,
    log,
    referrals,
    students,
    subjects,
    system,
)
from discretion.api.settings import Settings
from discretion.services import Context, LogKeyMissingError, open_context
from discretion.services.log_keys import MISSING, log_key_for

__all__ = ["create_app"]

DEMO_NOTICE = "demo sign-in is on: synthetic people only, never real student data"
# no inline script or style anywhere, no other host, no framing; Swagger UI draws data: images
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class Headers:
    """Adds the headers every answer carries (plain ASGI: no per-request overhead to speak of)."""

    def __init__(self, app: ASGIApp, demo: bool) -> None:
        self.app = app
        extra = [
            (b"x-content-type-options", b"nosniff"),
            (b"cache-control", b"no-store"),
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        ]
        if demo:
            extra.append((b"x-discretion-demo", DEMO_NOTICE.encode()))
        self.extra = extra

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.extra]
            await send(message)

        await self.app(scope, receive, sending)


def create_app(settings: Settings | None = None, context: Context | None = None) -> FastAPI:
    """Build the app; with no arguments, from the environment (what ``discretion serve`` runs).

    Raises:
        NotMigratedError: the database is not migrated (run `discretion db upgrade`).
        LogKeyMissingError: no DISCRETION_LOG_KEY, and not the demo.
    """
    settings = settings or Settings.from_env()
    if context is None:
        key = log_key_for(settings.log_key, settings.demo)
        if key is None:
            raise LogKeyMissingError(MISSING)
        context = open_context(settings.database_url, settings.profile, log_key=key)
    elif context.log_key is None:
        raise LogKeyMissingError(MISSING)
    error = {"model": ErrorBody, "description": "The error shape"}
    app = FastAPI(
        title="Discretion",
        version="1",
        responses={status: error for status in (400, 401, 403, 404, 409, 422, 429, 503)},
        summary="May this student information be shared? Ask, and read it as the policy allows.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings, app.state.context = settings, context
    app.state.recent_principals = Recent(settings.principal_cache_seconds)
    errors.install(app)
    signin.setup_oidc(app, settings)
    routers = (system, decisions, students, subjects, directory, log, journal, referrals,
               access_requests, feed)  # fmt: skip
    for module in routers:
        app.include_router(module.router)
    app.include_router(signin.router)
    docs.install(app)

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="discretion_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(BodyGuard, max_bytes=settings.max_body_bytes)
    app.add_middleware(Headers, demo=settings.demo)
    if settings.trusted_proxies:
        # outermost: X-Forwarded-For is believed from the named proxies only, and the
        # client is the nearest hop that is not one of them
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app
