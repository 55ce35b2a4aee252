"""A student's record as the caller may read it, and the student's own choices.

The record carries only what the policy lets the reader see; a reader it
allows nothing gets the answer an unknown id gets. Suppressions, consents,
authorisations, web-posting permissions and the records of who saw what are
the student's to see and change, and the Registrar's to keep; the services
decide who may (``services.access``), the routes only pass the caller on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from discretion.api.auth import Caller, context_of, transaction
from discretion.api.errors import ApiError
from discretion.api.models import (
    Access,
    AuthorizationIn,
    AuthorizationOut,
    ConsentIn,
    ConsentOut,
    Disclosure,
    ReleasedRecord,
    RescissionIn,
    RowId,
    SuppressionIn,
    SuppressionOut,
    WebPermissionIn,
    WebPermissionOut,
)
from discretion.services import InvalidRequestError, access_journal, disclosure_log
from discretion.services.access import require_keeper
from discretion.services.changes import (
    grant_authorization,
    grant_consent,
    grant_web_permission,
    list_authorizations,
    list_consents,
    list_suppressions,
    list_web_permissions,
    rescind,
    revoke_authorization,
    revoke_consent,
    revoke_web_permission,
    row_json,
    suppress,
)
from discretion.services.context import parse_moment
from discretion.services.release import NOT_OPEN, release_record

__all__ = ["router"]

router = APIRouter(tags=["students"])
Rows = list[dict[str, Any]]
StudentId = Annotated[str, Path(min_length=1, max_length=64, description="The student's id")]
Channel = Literal[
    "in_person", "phone", "letter", "paper", "email", "email_encrypted", "web_public",
    "web_restricted",
]  # fmt: skip


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_moment(text)
    except InvalidRequestError as error:
        raise ApiError(422, "validation_error", str(error)) from None


@router.get(
    "/v1/students/{student_id}/record",
    response_model=ReleasedRecord,
    summary="A student's record, masked for the caller",
)
def record(
    request: Request,
    principal: Caller,
    student_id: StudentId,
    purpose: str | None = Query(default=None, max_length=500),
    channel: Channel = "in_person",
) -> dict[str, Any]:
    """Release what the signed-in person may see; the read is journaled, and logged if the law asks.

    A record the caller may see nothing of answers exactly as an unknown id does.
    """
    with transaction(request) as session:
        released = release_record(
            session,
            context_of(request).profile,
            reader=principal,
            student_id=student_id,
            door="api",
            purpose=purpose,
            channel=channel,
        )
    if released.is_empty:
        raise ApiError(404, "not_found", NOT_OPEN.format(reader="you"))
    return released.to_json()


@router.get(
    "/v1/students/{student_id}/suppressions",
    summary="A student's suppressions",
    response_model=list[SuppressionOut],
)
def suppressions(request: Request, principal: Caller, student_id: StudentId) -> Rows:
    """List suppressions and withholding, in force or rescinded."""
    with transaction(request) as session:
        return [row_json(r) for r in list_suppressions(session, principal, student_id)]


@router.post(
    "/v1/students/{student_id}/suppressions",
    status_code=201,
    summary="Suppress or withhold",
    response_model=SuppressionOut,
)
def add_suppression(
    request: Request, principal: Caller, student_id: StudentId, body: SuppressionIn
) -> dict[str, Any]:
    """Suppress one directory item, or (no item) withhold everything."""
    with transaction(request) as session:
        row = suppress(
            session,
            context_of(request).profile,
            actor=principal,
            student_id=student_id,
            item=body.item,
            method=body.method,
        )
        return row_json(row)


@router.post(
    "/v1/suppressions/{suppression_id}/rescind",
    summary="Rescind a suppression (the student's own, or their letter recorded by the Registrar)",
    response_model=SuppressionOut,
)
def rescind_suppression(
    request: Request, principal: Caller, suppression_id: RowId, body: RescissionIn
) -> dict[str, Any]:
    """End a suppression: the student's own request, or their letter the Registrar records."""
    with transaction(request) as session:
        row = rescind(session, actor=principal, suppression_id=suppression_id, method=body.method)
        return row_json(row)


@router.get(
    "/v1/students/{student_id}/consents",
    summary="A student's consents",
    response_model=list[ConsentOut],
)
def consents(request: Request, principal: Caller, student_id: StudentId) -> Rows:
    """List consents, in force or not."""
    with transaction(request) as session:
        return [row_json(r) for r in list_consents(session, principal, student_id)]


@router.post(
    "/v1/students/{student_id}/consents",
    status_code=201,
    summary="Record a consent",
    response_model=ConsentOut,
)
def add_consent(
    request: Request, principal: Caller, student_id: StudentId, body: ConsentIn
) -> dict[str, Any]:
    """Record a consent with its evidence (an email's Message-ID, a signed form's SHA-256)."""
    with transaction(request) as session:
        row = grant_consent(
            session,
            context_of(request).profile,
            actor=principal,
            student_id=student_id,
            recipient_id=body.recipient_id,
            recipient_name=body.recipient_name,
            purpose=body.purpose,
            items=body.items,
            form=body.form,
            expires_at=_when(body.expires_at),
            message_id=body.message_id,
            document_sha256=body.document_sha256,
        )
        return row_json(row)


def _revoke(request: Request, principal: Caller, kind: str, row_id: int) -> dict[str, Any]:
    with transaction(request) as session:
        row: Any
        if kind == "consent":
            row = revoke_consent(session, actor=principal, consent_id=row_id)
        elif kind == "authorization":
            row = revoke_authorization(session, actor=principal, authorization_id=row_id)
        else:
            row = revoke_web_permission(session, actor=principal, permission_id=row_id)
        return row_json(row)


@router.post(
    "/v1/consents/{consent_id}/revoke",
    summary="Revoke a consent (final)",
    response_model=ConsentOut,
)
def revoke_a_consent(request: Request, principal: Caller, consent_id: RowId) -> dict[str, Any]:
    """Revoke a consent; it cannot come back."""
    return _revoke(request, principal, "consent", consent_id)


@router.get(
    "/v1/students/{student_id}/authorizations",
    summary="Signed authorisations",
    response_model=list[AuthorizationOut],
)
def authorizations(request: Request, principal: Caller, student_id: StudentId) -> Rows:
    """List signed authorisations for background checks."""
    with transaction(request) as session:
        return [row_json(r) for r in list_authorizations(session, principal, student_id)]


@router.post(
    "/v1/students/{student_id}/authorizations",
    status_code=201,
    summary="Record a signed authorisation",
    response_model=AuthorizationOut,
)
def add_authorization(
    request: Request, principal: Caller, student_id: StudentId, body: AuthorizationIn
) -> dict[str, Any]:
    """Record a form the student signed for one investigation."""
    with transaction(request) as session:
        row = grant_authorization(
            session,
            actor=principal,
            student_id=student_id,
            agency=body.agency,
            investigation=body.investigation,
            document_sha256=body.document_sha256,
        )
        return row_json(row)


@router.post(
    "/v1/authorizations/{authorization_id}/revoke",
    summary="Revoke an authorisation",
    response_model=AuthorizationOut,
)
def revoke_an_authorization(
    request: Request, principal: Caller, authorization_id: RowId
) -> dict[str, Any]:
    """Revoke a signed authorisation; it cannot come back."""
    return _revoke(request, principal, "authorization", authorization_id)


@router.get(
    "/v1/students/{student_id}/web-permissions",
    summary="Web-posting permissions",
    response_model=list[WebPermissionOut],
)
def web_permissions(request: Request, principal: Caller, student_id: StudentId) -> Rows:
    """List permissions to post on named web sites."""
    with transaction(request) as session:
        return [row_json(r) for r in list_web_permissions(session, principal, student_id)]


@router.post(
    "/v1/students/{student_id}/web-permissions",
    status_code=201,
    summary="Permit a posting",
    response_model=WebPermissionOut,
)
def add_web_permission(
    request: Request, principal: Caller, student_id: StudentId, body: WebPermissionIn
) -> dict[str, Any]:
    """Record a permission to post named items on a web site."""
    with transaction(request) as session:
        row = grant_web_permission(
            session,
            context_of(request).profile,
            actor=principal,
            student_id=student_id,
            site=body.site,
            items=body.items,
            form=body.form,
            message_id=body.message_id,
            document_sha256=body.document_sha256,
        )
        return row_json(row)


@router.post(
    "/v1/web-permissions/{permission_id}/revoke",
    summary="Revoke a web permission",
    response_model=WebPermissionOut,
)
def revoke_a_web_permission(
    request: Request, principal: Caller, permission_id: RowId
) -> dict[str, Any]:
    """Revoke a posting permission; it cannot come back."""
    return _revoke(request, principal, "web permission", permission_id)


@router.get(
    "/v1/students/{student_id}/disclosures",
    response_model=list[Disclosure],
    summary="The disclosures recorded about a student",
)
def disclosures(request: Request, principal: Caller, student_id: StudentId) -> Rows:
    """The student's own view of the disclosure log (34 CFR 99.32(c)), or the Registrar's."""
    require_keeper(principal, student_id)  # the service reads the log for anyone it is given
    with transaction(request) as session:
        return [e.to_json() for e in disclosure_log.entries_for(session, student_id)]


@router.get(
    "/v1/students/{student_id}/accesses",
    response_model=list[Access],
    summary="Who read the student's record",
)
def accesses(
    request: Request,
    principal: Caller,
    student_id: StudentId,
    after: int = Query(default=0, ge=0, le=2**63 - 1, description="Entries after this id"),
    limit: int = Query(default=100, ge=1, le=access_journal.MAX_PAGE),
) -> Rows:
    """Each read of the record from the access journal: who, when, by which door, shown what."""
    with transaction(request) as session:
        entries = access_journal.about(session, principal, student_id, after=after, limit=limit)
        return [e.to_json() for e in entries]
