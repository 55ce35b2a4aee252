"""The whole disclosure log, for the Registrar, and its verification."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from discretion.api.auth import LogChecker, Registrar, transaction
from discretion.api.models import Disclosure, Verification
from discretion.services import disclosure_log

__all__ = ["router"]

router = APIRouter(tags=["disclosure log"])


@router.get("/v1/disclosures", response_model=list[Disclosure], summary="The disclosure log")
def disclosures(
    request: Request,
    principal: Registrar,
    after: int = Query(
        default=0, ge=0, le=2**63 - 1, description="Entries after this sequence number"
    ),
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """Page through every entry (the Registrar's view)."""
    with transaction(request) as session:
        return [e.to_json() for e in disclosure_log.entries_after(session, after, limit)]


@router.get(
    "/v1/disclosures/verification",
    response_model=Verification,
    summary="Check the log's hash chain",
)
def verification(request: Request, principal: LogChecker) -> dict[str, Any]:
    """Say whether any entry was edited, deleted, inserted or reordered, and which."""
    with transaction(request) as session:
        result = disclosure_log.verify(session)
    return {
        "ok": result.ok,
        "entries": result.entries,
        "unkeyed": result.unkeyed,
        "problems": [vars(p) for p in result.problems],
    }
