"""Signing in: OpenID Connect for people, and a demo sign-in only when DISCRETION_DEMO=1.

The provider's subject (`sub`) must be linked to a person in the store
(`discretion people link`); nobody else gets a session.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from discretion.api.auth import sign_in, sign_out, transaction
from discretion.api.errors import ApiError
from discretion.api.models import DemoPerson, DemoSignIn, Me
from discretion.api.settings import Settings
from discretion.services.principals import demo_people, find_by_subject, principal_for_person

__all__ = ["router", "setup_oidc"]

router = APIRouter(prefix="/auth", tags=["sign-in"])


def setup_oidc(app: FastAPI, settings: Settings) -> None:
    """Register the OpenID Connect provider, if configured."""
    oauth = OAuth()
    if settings.oidc_enabled:
        issuer = (settings.oidc_issuer or "").rstrip("/")
        oauth.register(
            "campus",
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            client_kwargs={"scope": settings.oidc_scope, "code_challenge_method": "S256"},
        )
    app.state.oauth = oauth


def _provider(request: Request) -> Any:
    if not request.app.state.settings.oidc_enabled:
        raise ApiError(
            404, "not_found", "OpenID Connect is not configured (DISCRETION_OIDC_ISSUER)"
        )
    return request.app.state.oauth.campus


@router.get("/login", summary="Sign in with the campus OpenID provider")
async def login(request: Request) -> Any:
    """Send the browser to the provider."""
    provider = _provider(request)
    return await provider.authorize_redirect(request, str(request.url_for("auth_callback")))


@router.get("/callback", name="auth_callback", summary="Where the provider sends the browser back")
async def callback(request: Request) -> Any:
    """Check the provider's answer, map its subject to a person, and start a session."""
    provider = _provider(request)
    try:
        token = await provider.authorize_access_token(request)
    except OAuthError as error:
        raise ApiError(401, "unauthenticated", f"sign-in failed: {error.error}") from None
    subject = (token.get("userinfo") or {}).get("sub")
    if not subject:
        raise ApiError(401, "unauthenticated", "the provider sent no subject")

    def start() -> str | None:
        with transaction(request) as session:
            someone = find_by_subject(session, subject)
            if someone is None:
                return None
            sign_in(request, session, someone.id, "oidc")
            return someone.id

    if await run_in_threadpool(start) is None:
        raise ApiError(
            403, "forbidden", "this sign-in is not linked to anyone here; ask the Registrar"
        )
    return RedirectResponse("/", status_code=303)  # home, where the pages say who signed in


@router.post("/logout", status_code=204, summary="End the session")
def logout(request: Request) -> None:
    """End the session on the server, for every copy of its cookie (send the CSRF token)."""
    sign_out(request)


def _demo_only(request: Request) -> None:
    if not request.app.state.settings.demo:
        raise ApiError(404, "not_found", "the demo sign-in exists only when DISCRETION_DEMO=1")


@router.get(
    "/demo",
    response_model=list[DemoPerson],
    summary="Demo people to act as (DISCRETION_DEMO=1 only)",
)
def demo_choices(request: Request) -> list[dict[str, Any]]:
    """A few people of each role on the demo campus."""
    _demo_only(request)
    with transaction(request) as session:
        return demo_people(session)


@router.post("/demo", response_model=Me, summary="Act as a demo person (DISCRETION_DEMO=1 only)")
def demo_sign_in(request: Request, body: DemoSignIn) -> Me:
    """Start a session as any person of the demo campus, without a password."""
    _demo_only(request)
    with transaction(request) as session:
        principal = principal_for_person(session, body.person_id, "demo")
        csrf = sign_in(request, session, body.person_id, "demo")
    return Me(
        person_id=principal.person_id,
        roles=sorted(principal.roles),
        offices=sorted(principal.offices),
        via="demo",
        csrf_token=csrf,
        demo=True,
    )
