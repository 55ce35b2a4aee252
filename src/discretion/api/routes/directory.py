"""The directory: one student at a time, for the public and for people inside.

The public lookup needs no sign-in. It matches an exact id, username or full
name only, shows only what the directory shows by default and the student
left open, and answers a withheld student exactly as it answers someone who
does not exist. It is rate-limited per client.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from discretion.api.auth import Caller, context_of, transaction
from discretion.api.errors import ApiError
from discretion.api.models import DirectoryEntry, ErrorBody
from discretion.services.context import now
from discretion.services.directory import lookup
from discretion.services.rate_limit import client_key, hit, sweep, window_of

__all__ = ["router"]

router = APIRouter(tags=["directory"])
NOT_FOUND = "no directory entry matches; give an exact id, username or full name"
Exact = Query(min_length=1, max_length=200, description="An exact id, username or full name")


@router.get(
    "/v1/directory",
    response_model=DirectoryEntry,
    responses={404: {"model": ErrorBody}},
    summary="Look up one student, as someone inside",
)
def inside(request: Request, principal: Caller, q: str = Exact) -> dict[str, Any]:
    """Every directory item of one student that the caller may see; withheld students marked.

    A student the caller may see nothing of answers as an unknown name does.
    """
    with transaction(request) as session:
        entry = lookup(session, context_of(request).profile, q, principal)
    if entry is None:
        raise ApiError(404, "not_found", NOT_FOUND)
    return entry.to_json()


def _client(request: Request) -> str:
    """Return the key of the client's address (a trusted proxy's forwarding already applied)."""
    settings = request.app.state.settings
    address = request.client.host if request.client else "unknown"
    return client_key(address, settings.secret_key.encode())


def _sweep(request: Request, window: int) -> None:
    """Once per window in each process, forget every client's old windows."""
    state = request.app.state
    if getattr(state, "swept_window", None) == window:
        return
    state.swept_window = window
    with transaction(request) as session:
        sweep(session, window)


def _public_entry(request: Request, q: str) -> dict[str, Any]:
    """Count the lookup against the client's limit, then look up.

    The count commits on its own at once: a client's counter row stays locked
    only for that short transaction, not for the lookup.
    """
    settings = request.app.state.settings
    at = now()
    _sweep(request, window_of(at, settings.public_rate_window))
    with transaction(request) as session:
        wait = hit(
            session,
            _client(request),
            limit=settings.public_rate_limit,
            window_seconds=settings.public_rate_window,
            at=at,
        )
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"too many lookups; try again in {wait} s",
            {"retry_after": wait},
            headers={"Retry-After": str(wait)},
        )
    with transaction(request) as session:
        entry = lookup(session, context_of(request).profile, q)
    if entry is None:
        raise ApiError(404, "not_found", NOT_FOUND)
    return entry.to_json()


@router.get(
    "/v1/public/directory",
    response_model=DirectoryEntry,
    responses={404: {"model": ErrorBody}, 429: {"model": ErrorBody}},
    summary="Look up one student (public, no sign-in)",
)
async def public(request: Request, q: str = Exact) -> Any:
    """The public directory: one exact match, open items only, no listing."""
    return JSONResponse(await run_in_threadpool(_public_entry, request, q))
