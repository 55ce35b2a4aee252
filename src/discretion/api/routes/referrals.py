"""The referral queue: what the policy sends to an office, worked by that office."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from discretion.api.auth import Caller, context_of, transaction
from discretion.api.models import AssignIn, CloseIn, Referral, ReferralIn, RowId
from discretion.services.referrals import (
    assign_referral,
    close_referral,
    list_referrals,
    open_referral,
    referral_json,
)

__all__ = ["router"]

router = APIRouter(tags=["referrals"])


@router.post(
    "/v1/referrals", status_code=201, response_model=Referral, summary="Record a referred request"
)
def open_one(request: Request, principal: Caller, body: ReferralIn) -> dict[str, Any]:
    """Record a request the policy refers; it lands in the queue of the office it names."""
    with transaction(request) as session:
        referral = open_referral(
            session,
            context_of(request).profile,
            actor=principal,
            question=body.question,
            requester=body.requester,
            note=body.note,
        )
        return referral_json(referral)


@router.get("/v1/referrals", response_model=list[Referral], summary="The caller's offices' queue")
def queue(
    request: Request,
    principal: Caller,
    status: str | None = Query(default=None, pattern="^(open|assigned|closed)$"),
) -> list[dict[str, Any]]:
    """Referrals of the offices the caller belongs to (every office for an administrator)."""
    with transaction(request) as session:
        return [referral_json(r) for r in list_referrals(session, principal, status)]


@router.post(
    "/v1/referrals/{referral_id}/assign", response_model=Referral, summary="Assign a referral"
)
def assign(
    request: Request, principal: Caller, referral_id: RowId, body: AssignIn
) -> dict[str, Any]:
    """Assign a referral to a member of its office."""
    with transaction(request) as session:
        referral = assign_referral(
            session, principal, referral_id=referral_id, assignee_id=body.assignee_id
        )
        return referral_json(referral)


@router.post(
    "/v1/referrals/{referral_id}/close", response_model=Referral, summary="Close a referral"
)
def close(request: Request, principal: Caller, referral_id: RowId, body: CloseIn) -> dict[str, Any]:
    """Close a referral with what the office did; it stays closed."""
    with transaction(request) as session:
        referral = close_referral(session, principal, referral_id=referral_id, outcome=body.outcome)
        return referral_json(referral)
