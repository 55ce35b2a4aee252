"""The access journal, for the Registrar: who read which student's record, and when."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from discretion.api.auth import Caller, transaction
from discretion.api.errors import ApiError
from discretion.api.models import Access
from discretion.services import InvalidRequestError, access_journal
from discretion.services.context import parse_moment

__all__ = ["router"]

router = APIRouter(tags=["access journal"])


@router.get("/v1/access-journal", response_model=list[Access], summary="Search the access journal")
def search(
    request: Request,
    principal: Caller,
    student: str | None = Query(default=None, max_length=64, description="Reads of this id"),
    reader: str | None = Query(default=None, max_length=64, description="Reads by this person"),
    since: str | None = Query(default=None, max_length=40, description="From this date or time"),
    after: int = Query(default=0, ge=0, le=2**63 - 1, description="Entries after this id"),
    limit: int = Query(default=100, ge=1, le=access_journal.MAX_PAGE),
) -> list[dict[str, Any]]:
    """Every read matching all the filters given, oldest first (page on with ``after``)."""
    try:
        start = parse_moment(since) if since is not None else None
    except InvalidRequestError as error:
        raise ApiError(422, "validation_error", str(error)) from None
    with transaction(request) as session:
        entries = access_journal.search(
            session, principal, student_id=student, reader_id=reader, since=start,
            after=after, limit=limit,
        )  # fmt: skip
        return [e.to_json() for e in entries]
