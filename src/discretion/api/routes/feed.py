"""The feed of privacy changes for downstream systems, and webhooks that push it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from discretion.api.auth import Administrator, FeedReader, transaction
from discretion.api.models import Delivery, PrivacyChanges, RowId, Webhook, WebhookIn
from discretion.services import privacy_feed, webhooks

__all__ = ["router"]

router = APIRouter(tags=["privacy changes"])


@router.get(
    "/v1/privacy-changes",
    response_model=PrivacyChanges,
    summary="Suppressions, withholdings and rescissions, in order",
)
def changes(
    request: Request,
    principal: FeedReader,
    after: int = Query(
        default=0, ge=0, le=2**63 - 1, description="The cursor the last page returned"
    ),
    limit: int = Query(default=100, ge=1, le=1000),
) -> dict[str, Any]:
    """Page through the changes; ask again with ``next_cursor`` for the next ones."""
    with transaction(request) as session:
        page = privacy_feed.changes_after(session, after, limit)
    return {
        "changes": [privacy_feed.change_json(c) for c in page],
        "next_cursor": page[-1].seq if page else after,
    }


def _webhook(row: Any, secret: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "url": row.url,
        "created_at": row.created_at.isoformat(),
        "disabled_at": row.disabled_at.isoformat() if row.disabled_at else None,
        "secret": secret,
    }


@router.post("/v1/webhooks", status_code=201, response_model=Webhook, summary="Register a webhook")
def register(request: Request, principal: Administrator, body: WebhookIn) -> dict[str, Any]:
    """Register a receiver; its signing secret is shown in this answer only."""
    with transaction(request) as session:
        row, secret = webhooks.register(session, url=body.url, actor=principal.name)
        return _webhook(row, secret)


@router.get("/v1/webhooks", response_model=list[Webhook], summary="Registered webhooks")
def listing(request: Request, principal: Administrator) -> list[dict[str, Any]]:
    """Every webhook, active or disabled (secrets are not shown)."""
    with transaction(request) as session:
        return [_webhook(row) for row in webhooks.list_webhooks(session)]


@router.post("/v1/webhooks/{webhook_id}/disable", response_model=Webhook, summary="Disable one")
def disable(request: Request, principal: Administrator, webhook_id: RowId) -> dict[str, Any]:
    """Stop sending to a webhook (it gets no new deliveries)."""
    with transaction(request) as session:
        row = webhooks.disable(session, webhook_id=webhook_id, actor=principal.name)
        return _webhook(row)


@router.get(
    "/v1/webhooks/{webhook_id}/deliveries",
    response_model=list[Delivery],
    summary="Deliveries to one webhook",
)
def deliveries(
    request: Request, principal: Administrator, webhook_id: RowId
) -> list[dict[str, Any]]:
    """Every delivery: state, attempts, last status, when it was delivered or is next tried."""
    with transaction(request) as session:
        return [
            {
                "id": d.id,
                "change_seq": d.change_seq,
                "checkpoint_id": d.checkpoint_id,
                "state": d.state,
                "attempts": d.attempts,
                "last_status": d.last_status,
                "last_error": d.last_error,
                "next_attempt_at": d.next_attempt_at.isoformat(),
                "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
            }
            for d in webhooks.deliveries(session, webhook_id)
        ]
