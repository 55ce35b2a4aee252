"""A student's requests to see their records: file one online, follow it, download the copy.

Only the signed-in student comes here, about themselves; the services decide
what they may do, and another student's request reads as one that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from discretion.services import access_requests, inspection
from discretion.services.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from discretion.web.browsing import Viewer, context_of
from discretion.web.forms import is_csrf_valid, read_form
from discretion.web.privacy import EXPIRED, _absent, _run, _student
from discretion.web.rendering import render
from discretion.web.request_views import attachment, request_rows

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE = "/privacy/records-requests"
REFUSED = (ConflictError, ForbiddenError, InvalidRequestError, NotFoundError)


async def _page(request: Request, who: Viewer, status: int = 200, error: str = "") -> Response:
    profile = context_of(request).profile
    me = who.principal.person_id or ""
    rows = await _run(request, lambda s: request_rows(s, profile, who.principal, me))
    filed = request.query_params.get("filed", "")
    return render(
        request, "privacy_records_requests.html", who, status,
        title="Your requests to see your records", rows=rows,
        filed=int(filed) if filed.isdigit() else None,
        days=profile.inspection_days, help=inspection.help_office(profile),
        errors={"file": error} if error else {},
    )  # fmt: skip


@router.get(PAGE)
async def requests_page(request: Request) -> Response:
    """My requests to see my records, with their due dates and any copy to download."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    return await _page(request, who)


async def _checked(request: Request) -> Viewer | Response:
    who = await _student(request)
    if isinstance(who, Response):
        return who
    if not is_csrf_valid(request, await read_form(request)):
        return render(request, "problem.html", who, 403, title="Nothing changed", message=EXPIRED)
    return who


@router.post(PAGE)
async def file_online(request: Request) -> Response:
    """File a request online, signed in; it is received now."""
    who = await _checked(request)
    if isinstance(who, Response):
        return who
    me = who.principal.person_id or ""

    def work(session: Session) -> int:
        filed = access_requests.file_request(session, actor=who.principal, student_id=me,
                                             method="online")  # fmt: skip
        return filed.id

    try:
        number = await _run(request, work)
    except REFUSED as error:
        return await _page(request, who, 400, str(error))
    return RedirectResponse(f"{PAGE}?filed={number}#request-{number}", status_code=303)


@router.get(PAGE + "/{request_id}/withdraw")
async def withdraw_page(request: Request, request_id: int) -> Response:
    """Say what withdrawing a request changes, before it happens."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    profile, me = context_of(request).profile, who.principal.person_id or ""
    rows = await _run(request, lambda s: request_rows(s, profile, who.principal, me))
    row = next((r for r in rows if r.id == request_id and r.is_open), None)
    if row is None:
        return _absent(request, who)
    return render(request, "privacy_withdraw_request.html", who,
                  title="Withdraw this request?", row=row)  # fmt: skip


@router.post(PAGE + "/{request_id}/withdraw")
async def withdraw(request: Request, request_id: int) -> Response:
    """Withdraw one of my open requests (final)."""
    who = await _checked(request)
    if isinstance(who, Response):
        return who

    def work(session: Session) -> None:
        access_requests.withdraw(session, actor=who.principal, request_id=request_id)

    try:
        await _run(request, work)
    except (ForbiddenError, NotFoundError):
        return _absent(request, who)
    except ConflictError as error:
        return await _page(request, who, 409, str(error))
    return RedirectResponse(f"{PAGE}#request-{request_id}", status_code=303)


async def _download(request: Request, request_id: int, kind: str) -> Response:
    who = await _student(request)
    if isinstance(who, Response):
        return who
    await _run(request, inspection.purge_expired)  # its own: it stands if the download fails
    try:
        found = await _run(request, lambda s: inspection.download(s, who.principal, request_id,
                                                                  kind))  # fmt: skip
    except (ForbiddenError, NotFoundError):
        return _absent(request, who)
    return attachment(found)


@router.get(PAGE + "/{request_id}/copy.pdf")
async def download_pdf(request: Request, request_id: int) -> Response:
    """My released copy, as PDF."""
    return await _download(request, request_id, "pdf")


@router.get(PAGE + "/{request_id}/copy.json")
async def download_json(request: Request, request_id: int) -> Response:
    """My released copy, as data (JSON)."""
    return await _download(request, request_id, "json")
