"""The privacy-change feed: suppressions, withholdings and rescissions, numbered in commit order.

Each change takes the next number from the ``privacy_change`` counter and
holds that row locked until its transaction ends, so numbers are handed out
in commit order: a reader paging by sequence number never passes a change
that commits later with a smaller number, and a rolled-back change leaves no
gap. A change names the student and the item, never a value. Every webhook
in service gets a delivery of it, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.services.errors import InvalidRequestError
from discretion.store.errors import NotMigratedError
from discretion.store.models import Counter, PrivacyChange, Suppression, Webhook, WebhookDelivery

__all__ = ["ACTIONS", "MAX_PAGE", "change_json", "changes_after", "record"]

ACTIONS = ("suppress", "withhold", "rescind")
MAX_PAGE = 1000
_COUNTER = "privacy_change"


def record(session: Session, suppression: Suppression, action: str, at: datetime) -> PrivacyChange:
    """Add the next change to the feed, and a pending delivery of it for every live webhook.

    Call it in the transaction that makes the change: the counter row stays
    locked until that transaction ends, so the next writer waits for it.

    Args:
        suppression: the suppression made or rescinded (flushed, so it has its id).
        action: ``suppress``, ``withhold`` (the suppression names no item) or ``rescind``.
        at: when the change took effect.
    """
    if action not in ACTIONS:
        raise InvalidRequestError(f"unknown privacy change `{action}`; use {', '.join(ACTIONS)}")
    if suppression.id is None:
        session.flush()
    counter = session.get(Counter, _COUNTER, with_for_update=True, populate_existing=True)
    if counter is None:
        raise NotMigratedError("the `privacy_change` counter is missing; run the migrations")
    counter.value += 1
    change = PrivacyChange(
        seq=counter.value,
        at=at,
        student_id=suppression.student_id,
        action=action,
        item=suppression.item,
        suppression_id=suppression.id,
    )
    session.add(change)
    live = session.scalars(select(Webhook.id).where(Webhook.disabled_at.is_(None)))
    session.add_all(
        WebhookDelivery(
            webhook_id=webhook_id,
            change_seq=change.seq,
            state="pending",
            attempts=0,
            next_attempt_at=at,
        )
        for webhook_id in live
    )
    session.flush()
    return change


def changes_after(session: Session, cursor: int, limit: int) -> list[PrivacyChange]:
    """Return the changes numbered after ``cursor`` (0: from the start), oldest first.

    Args:
        cursor: the last sequence number the reader has seen.
        limit: how many to return at most; capped at ``MAX_PAGE``.

    Raises:
        InvalidRequestError: a negative cursor or a limit below 1.
    """
    if cursor < 0:
        raise InvalidRequestError(f"cursor `{cursor}` is negative; start from 0")
    if limit < 1:
        raise InvalidRequestError(f"limit `{limit}` is below 1; ask for 1 to {MAX_PAGE}")
    query = (
        select(PrivacyChange)
        .where(PrivacyChange.seq > cursor)
        .order_by(PrivacyChange.seq)
        .limit(min(limit, MAX_PAGE))
    )
    return list(session.scalars(query))


def change_json(change: PrivacyChange) -> dict[str, Any]:
    """Return a change as JSON-ready data: ids and the item's name, never its value."""
    return {
        "seq": change.seq,
        "at": change.at.isoformat(),
        "student_id": change.student_id,
        "action": change.action,
        "item": change.item,
        "suppression_id": change.suppression_id,
    }
