"""The Registrar's desk for access requests: the clock of each, the copy, letters recorded.

Open requests are listed overdue first, then those due within a week, then
the rest by their effective due date. The office records a request that came
on paper or by email, pauses and resumes the clock, compiles the student's
copy, reviews it, releases it (which fulfils the request) or refuses the
request with a reason. Only the Registrar's office comes here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from discretion.services import access_requests, inspection
from discretion.services.context import parse_moment
from discretion.services.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from discretion.services.principals import Principal
from discretion.web.browsing import Viewer, context_of
from discretion.web.desk import _absent, _expired, _run, _staff
from discretion.web.forms import is_csrf_valid, read_form
from discretion.web.rendering import render
from discretion.web.request_views import attachment, request_rows

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE = "/desk/access-requests"
REFUSED = (ConflictError, ForbiddenError, InvalidRequestError, NotFoundError)
DONE = {
    "record": "is recorded",
    "pause": "is paused",
    "resume": "runs again",
    "compile": "has a compiled copy: review it, then release it",
    "release": "is fulfilled: its copy is released to the student",
    "refuse": "is refused",
}


async def _page(
    request: Request,
    who: Viewer,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    profile = context_of(request).profile
    rows = await _run(request, lambda s: request_rows(s, profile, who.principal, open_only=True))
    done, number = request.query_params.get("done", ""), request.query_params.get("request", "")
    notice = f"Request A-{number} {DONE[done]}." if done in DONE and number.isdigit() else ""
    return render(request, "desk_access_requests.html", who, status, title="Access requests",
                  rows=rows, notice=notice, errors=errors or {}, typed=typed or {},
                  days=profile.inspection_days)  # fmt: skip


@router.get(PAGE)
async def requests_page(request: Request) -> Response:
    """Open requests, overdue first, with what the office can do on each."""
    who = await _staff(request, registrar=True)
    if isinstance(who, Response):
        return who
    return await _page(request, who)


async def _form(request: Request) -> tuple[Viewer, dict[str, str]] | Response:
    who = await _staff(request, registrar=True)
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        return _expired(request, who)
    return who, form


def _done(action: str, number: int) -> Response:
    return RedirectResponse(f"{PAGE}?done={action}&request={number}#request-{number}",
                            status_code=303)  # fmt: skip


def _check_record(form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not form.get("student_id", "").strip():
        errors["student_id"] = "Enter the student's id"
    if form.get("method") not in ("paper", "email"):
        errors["method-paper"] = "Choose how the request came: on paper or by email"
    if not form.get("received", "").strip():
        errors["received"] = "Enter the day the request was received"
    return errors


@router.post(PAGE)
async def record(request: Request) -> Response:
    """Record a request that came on paper or by email, with the day it was received."""
    found = await _form(request)
    if isinstance(found, Response):
        return found
    who, form = found
    errors = _check_record(form)
    if errors:
        return await _page(request, who, 400, errors, form)

    def work(session: Session) -> int:
        filed = access_requests.file_request(
            session, actor=who.principal, student_id=form["student_id"].strip(),
            method=form["method"], received_at=parse_moment(form["received"].strip()),
        )  # fmt: skip
        return filed.id

    try:
        number = await _run(request, work)
    except REFUSED as error:
        field = "student_id" if isinstance(error, NotFoundError) else "received"
        return await _page(request, who, 400, {field: str(error)}, form)
    return _done("record", number)


Step = Callable[[Session, Any, Principal, int, str], object]
STEPS: dict[str, Step] = {
    "pause": lambda s, _, p, n, why: access_requests.pause(s, actor=p, request_id=n, reason=why),
    "resume": lambda s, _, p, n, why: access_requests.resume(s, actor=p, request_id=n),
    "compile": lambda s, profile, p, n, why: inspection.compile_copy(s, profile, p, n),
    "release": lambda s, profile, p, n, why: inspection.release_copy(s, profile, p, n),
    "refuse": lambda s, _, p, n, why: access_requests.refuse(s, actor=p, request_id=n, reason=why),
}


@router.post(PAGE + "/{request_id}/{action}")
async def act(request: Request, request_id: int, action: str) -> Response:
    """Pause, resume, compile, release or refuse one request."""
    found = await _form(request)
    if isinstance(found, Response):
        return found
    who, form = found
    step = STEPS.get(action)
    if step is None:
        return _absent(request, who)
    profile, reason = context_of(request).profile, form.get("reason", "")
    try:
        await _run(request, lambda s: step(s, profile, who.principal, request_id, reason))
    except NotFoundError:
        return _absent(request, who)
    except REFUSED as error:
        status = 409 if isinstance(error, ConflictError) else 400
        return await _page(request, who, status, {f"request-{request_id}": str(error)})
    return _done(action, request_id)


@router.get(PAGE + "/{request_id}/copy.pdf")
async def review(request: Request, request_id: int) -> Response:
    """The compiled copy as PDF, to check before it is released."""
    who = await _staff(request, registrar=True)
    if isinstance(who, Response):
        return who
    await _run(request, inspection.purge_expired)  # its own: it stands if the review fails
    try:
        copy = await _run(request, lambda s: inspection.download(s, who.principal, request_id,
                                                                 "pdf"))  # fmt: skip
    except (ForbiddenError, NotFoundError):
        return _absent(request, who)
    return attachment(copy)
