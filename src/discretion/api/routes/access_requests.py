"""A student's requests to inspect their records, and the copies compiled for them.

The student files online and follows their own requests; the Registrar's
office records letters and emails, works the clock (pause, resume, fulfil,
refuse), compiles, checks and releases the copy. The services decide who may
(to a student, another's request looks like none); the routes pass the caller on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from discretion.api.auth import Caller, context_of, transaction
from discretion.api.models import RowId
from discretion.api.request_models import AccessRequest, AccessRequestIn, Copy, ReasonIn
from discretion.services import access_requests as service
from discretion.services import inspection
from discretion.services.context import parse_moment
from discretion.services.principals import Principal

__all__ = ["router"]

router = APIRouter(tags=["access requests"])
Json = dict[str, Any]
_ONE = "/v1/access-requests/{request_id}"


def _shown(request: Request, session: Session, principal: Principal, request_id: int) -> Json:
    return service.show(session, context_of(request).profile, principal, request_id).to_json()


def _step(request: Request, principal: Principal, request_id: int,
          step: Callable[[Session], object]) -> Json:  # fmt: skip
    """Take one step of the request's clock in a transaction; answer the request as it stands."""
    with transaction(request) as session:
        step(session)
        return _shown(request, session, principal, request_id)


@router.post(
    "/v1/access-requests", status_code=201, response_model=AccessRequest,
    summary="File a request to inspect records",
)  # fmt: skip
def file_one(request: Request, principal: Caller, body: AccessRequestIn) -> Json:
    """File online for oneself, or (the Registrar's office) record a letter or an email."""
    received = parse_moment(body.received_at) if body.received_at is not None else None
    with transaction(request) as session:
        filed = service.file_request(session, actor=principal, student_id=body.student_id,
                                      method=body.method, received_at=received)  # fmt: skip
        return _shown(request, session, principal, filed.id)


@router.get("/v1/access-requests", response_model=list[AccessRequest], summary="Requests")
def list_all(
    request: Request,
    principal: Caller,
    student_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    open_only: bool = False,
) -> list[Json]:
    """The caller's own requests (a student), or every one or a student's (the Registrar)."""
    with transaction(request) as session:
        found = service.list_requests(session, context_of(request).profile, principal,
                                       student_id, open_only=open_only)  # fmt: skip
        return [view.to_json() for view in found]


@router.get(_ONE, response_model=AccessRequest, summary="One request with its clock")
def show_one(request: Request, principal: Caller, request_id: RowId) -> Json:
    """One request, to its student or the Registrar's office."""
    with transaction(request) as session:
        return _shown(request, session, principal, request_id)


@router.post(f"{_ONE}/pause", response_model=AccessRequest, summary="Pause a request's clock")
def pause(request: Request, principal: Caller, request_id: RowId, body: ReasonIn) -> Json:
    """Stop the clock, saying why (the Registrar's office)."""
    return _step(
        request,
        principal,
        request_id,
        lambda s: service.pause(s, actor=principal, request_id=request_id, reason=body.reason),
    )


@router.post(f"{_ONE}/resume", response_model=AccessRequest, summary="Resume a request's clock")
def resume(request: Request, principal: Caller, request_id: RowId) -> Json:
    """Restart a paused clock (the Registrar's office)."""
    return _step(
        request,
        principal,
        request_id,
        lambda s: service.resume(s, actor=principal, request_id=request_id),
    )


@router.post(f"{_ONE}/fulfil", response_model=AccessRequest, summary="Record the inspection")
def fulfil(request: Request, principal: Caller, request_id: RowId) -> Json:
    """Record that the student inspected their records (the Registrar's office; final)."""
    return _step(
        request,
        principal,
        request_id,
        lambda s: service.fulfil(s, actor=principal, request_id=request_id),
    )


@router.post(f"{_ONE}/refuse", response_model=AccessRequest, summary="Refuse a request")
def refuse(request: Request, principal: Caller, request_id: RowId, body: ReasonIn) -> Json:
    """Refuse, saying why (the Registrar's office; final)."""
    return _step(
        request,
        principal,
        request_id,
        lambda s: service.refuse(s, actor=principal, request_id=request_id, reason=body.reason),
    )


@router.post(f"{_ONE}/withdraw", response_model=AccessRequest, summary="Withdraw a request")
def withdraw(request: Request, principal: Caller, request_id: RowId) -> Json:
    """Withdraw a request (the student, or the Registrar's office for them; final)."""
    return _step(
        request,
        principal,
        request_id,
        lambda s: service.withdraw(s, actor=principal, request_id=request_id),
    )


@router.post(f"{_ONE}/copy", status_code=201, response_model=Copy, summary="Compile the copy")
def compile_copy(request: Request, principal: Caller, request_id: RowId) -> Json:
    """Compile, redact and verify the student's copy; kept unreleased (the Registrar's office)."""
    with transaction(request) as session:
        profile = context_of(request).profile
        return inspection.compile_copy(session, profile, principal, request_id).to_json()


@router.post(f"{_ONE}/copy/release", response_model=Copy, summary="Release the copy")
def release_copy(request: Request, principal: Caller, request_id: RowId) -> Json:
    """Release the compiled copy to the student, which fulfils the request."""
    with transaction(request) as session:
        profile = context_of(request).profile
        return inspection.release_copy(session, profile, principal, request_id).to_json()


@router.get(f"{_ONE}/copies", response_model=list[Copy], summary="A request's copies")
def list_copies(request: Request, principal: Caller, request_id: RowId) -> list[Json]:
    """To the student the released copies; to the Registrar's office all of them."""
    with transaction(request) as session:
        inspection.purge_expired(session)
    with transaction(request) as session:
        return [view.to_json() for view in inspection.copies(session, principal, request_id)]


def _download(request: Request, principal: Caller, request_id: int, kind: str) -> Response:
    with transaction(request) as session:  # its own: the deletion stands if the download fails
        inspection.purge_expired(session)
    with transaction(request) as session:
        found = inspection.download(session, principal, request_id, kind)
    disposition = f'attachment; filename="{found.filename}"'
    return Response(found.content, media_type=found.media_type,
                    headers={"Content-Disposition": disposition})  # fmt: skip


_FILE: dict[int | str, dict[str, Any]] = {200: {"description": "The file, as an attachment"}}


@router.get(f"{_ONE}/copy.pdf", response_class=Response, responses=_FILE,
            summary="Download the copy as PDF")  # fmt: skip
def download_pdf(request: Request, principal: Caller, request_id: RowId) -> Response:
    """The released copy (or, to the Registrar's office, the compiled one to check)."""
    return _download(request, principal, request_id, "pdf")


@router.get(f"{_ONE}/copy.json", response_class=Response, responses=_FILE,
            summary="Download the copy as data (JSON)")  # fmt: skip
def download_json(request: Request, principal: Caller, request_id: RowId) -> Response:
    """The copy's data: every section, the redactions, what was left out and why."""
    return _download(request, principal, request_id, "json")
