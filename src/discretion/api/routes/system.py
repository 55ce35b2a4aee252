"""Health, readiness, and who the caller is."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from discretion.api.auth import Caller, context_of
from discretion.api.errors import error_body
from discretion.api.models import Me
from discretion.services.availability import RETRY_AFTER_SECONDS

__all__ = ["router"]

router = APIRouter()


@router.get("/healthz", tags=["system"], summary="The process is up (a constant answer)")
async def healthz() -> dict[str, str]:
    """Answer while the process runs; says nothing of the database."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    tags=["system"],
    summary="Ready when the database answers and is migrated",
    responses={503: {"description": "Not ready"}},
)
def readyz(request: Request) -> Any:
    """Answer 200 only when the database answers and is at the newest migration."""
    try:
        context_of(request).check_ready()
    except Exception as error:  # any failure means not ready; say which kind only
        message = f"not ready: {type(error).__name__}"
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return JSONResponse(error_body("unavailable", message), status_code=503, headers=headers)
    return {"status": "ready"}


@router.get("/v1/me", tags=["system"], response_model=Me, summary="Who the caller is")
def me(request: Request, principal: Caller) -> Me:
    """Return the caller's person, roles and offices, and the CSRF token of a session."""
    csrf = request.session.get("csrf") if principal.via != "token" else None
    return Me(
        person_id=principal.person_id,
        roles=sorted(principal.roles),
        offices=sorted(principal.offices),
        via=principal.via,
        csrf_token=csrf,
        demo=request.app.state.settings.demo,
    )
