"""The pages of part one: home, sign-in (OpenID Connect, or a demo person), sign-out.

Every form repeats the session's CSRF token; a form without it changes
nothing and is shown again with a fresh token. After signing in or out the
browser goes home.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from discretion.services.errors import NotFoundError
from discretion.services.principals import demo_people
from discretion.web.browsing import context_of, settings_of, sign_in, sign_out, viewer
from discretion.web.forms import is_csrf_valid, read_form
from discretion.web.people import describe_roles
from discretion.web.rendering import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

EXPIRED = "The form had expired. Nothing was changed; please try again."
CHOOSE = "Choose who to sign in as"


@router.get("/")
async def home(request: Request) -> Response:
    """What Discretion is, and where each kind of visitor goes next."""
    who = await viewer(request)
    roles = who.principal.roles if who else frozenset()
    return render(
        request,
        "home.html",
        who,
        title="Discretion",
        is_student="student" in roles,
        is_staff=bool(roles & {"official", "office_member", "registrar", "administrator"}),
        oidc=settings_of(request).oidc_enabled,
    )


def _choices(request: Request) -> list[dict[str, Any]]:
    with context_of(request).transaction() as session:
        people = demo_people(session)
    return [
        {
            "id": str(someone["person_id"]),
            "name": str(someone["name"]),
            "what": describe_roles(
                someone["roles"],  # type: ignore[arg-type]
                someone["offices"],  # type: ignore[arg-type]
            ),
        }
        for someone in people
    ]


async def _sign_in_page(request: Request, status: int = 200, error: str | None = None) -> Response:
    settings = settings_of(request)
    choices = await run_in_threadpool(_choices, request) if settings.demo else []
    return render(
        request,
        "sign_in.html",
        await viewer(request),
        status,
        title="Sign in",
        oidc=settings.oidc_enabled,
        demo_choices=choices,
        error=error,
    )


@router.get("/sign-in")
async def sign_in_page(request: Request) -> Response:
    """Sign in with the campus provider, or, on the demo, as one of its people."""
    return await _sign_in_page(request)


@router.post("/sign-in/demo")
async def demo_sign_in(request: Request) -> Response:
    """Start a session as the chosen demo person (DISCRETION_DEMO=1 only); then go home."""
    if not settings_of(request).demo:
        return render(request, "not_found.html", None, 404, title="Page not found")
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        return await _sign_in_page(request, 403, EXPIRED)
    person_id = form.get("person", "")
    if not person_id:
        return await _sign_in_page(request, 400, CHOOSE)
    try:
        await run_in_threadpool(sign_in, request, person_id, "demo")
    except NotFoundError:
        return await _sign_in_page(request, 400, CHOOSE)
    return RedirectResponse("/", status_code=303)


@router.post("/sign-out")
async def sign_out_form(request: Request) -> Response:
    """End the session everywhere, then go home."""
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        who = await viewer(request)
        return render(request, "problem.html", who, 403, title="Not signed out", message=EXPIRED)
    await run_in_threadpool(sign_out, request)
    return RedirectResponse("/", status_code=303)
