"""Webhooks: downstream systems that get each privacy change and log checkpoint pushed, signed.

A delivery is POSTed as JSON, ``{"delivery": <id>, "change": {...}}`` for a
privacy change or ``{"delivery": <id>, "checkpoint": {...}}`` for a signed
checkpoint of the disclosure log (so that others witness it), with
``X-Discretion-Signature: t=<unix time>,v1=<hex>``, the HMAC-SHA256 of
``"<t>." + body`` under the webhook's secret, and ``X-Discretion-Delivery: <id>``.
Delivery is at least once: a receiver drops a delivery id it has already
seen. A failure is tried again after 30 s, 1 min, 2 min, ... (at most 1 h)
and given up after ``MAX_ATTEMPTS``.

A worker claims one due delivery at a time in a short transaction (on
PostgreSQL ``FOR UPDATE SKIP LOCKED``, so workers never take the same one;
SQLite's writer lock serialises claims), sends it outside any transaction,
and records the outcome in another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from discretion.services.checkpoints import checkpoint_json
from discretion.services.context import Context
from discretion.services.context import now as clock
from discretion.services.errors import ConflictError, InvalidRequestError, NotFoundError
from discretion.services.privacy_feed import change_json
from discretion.store.models import Change, PrivacyChange, Webhook, WebhookDelivery

__all__ = [
    "BASE",
    "CAP",
    "MAX_ATTEMPTS",
    "backoff",
    "DeliveryOutcome",
    "Round",
    "deliver_round",
    "deliveries",
    "disable",
    "list_webhooks",
    "register",
    "sign",
    "verify_signature",
]

BASE = timedelta(seconds=30)
CAP = timedelta(hours=1)
MAX_ATTEMPTS = 8


def _audit(session: Session, actor: str, action: str, webhook: Webhook) -> None:
    session.flush()
    session.add(
        Change(at=clock(), actor=actor, action=action, entity="webhook", entity_id=str(webhook.id))
    )


def register(
    session: Session, *, url: str, actor: str, secret: str | None = None
) -> tuple[Webhook, str]:
    """Add a webhook; return it and its secret, to show once to whoever registered it.

    The secret is kept, since signing needs it; one is made when none is given.

    Raises:
        InvalidRequestError: the URL is not http(s) with a host, or the secret is unusable.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise InvalidRequestError(
            f"webhook URL `{url}` must be http or https with a host (at most 500 characters); "
            "e.g. https://sis.example.edu/hooks/privacy"
        )
    secret = secrets.token_urlsafe(32) if secret is None else secret
    if not 16 <= len(secret) <= 128:
        raise InvalidRequestError("a webhook secret has 16 to 128 characters; or let one be made")
    webhook = Webhook(url=url, secret=secret, created_at=clock(), created_by=actor)
    session.add(webhook)
    _audit(session, actor, "register", webhook)
    return webhook, secret


def _webhook(session: Session, webhook_id: int, *, lock: bool = False) -> Webhook:
    webhook = session.get(Webhook, webhook_id, with_for_update=lock or None)
    if webhook is None:
        raise NotFoundError(f"unknown webhook `{webhook_id}`")
    return webhook


def disable(session: Session, *, webhook_id: int, actor: str) -> Webhook:
    """Stop a webhook for good: it gets no new deliveries and its pending ones fail.

    Raises:
        NotFoundError: no such webhook.
        ConflictError: it is already disabled.
    """
    webhook = _webhook(session, webhook_id, lock=True)
    if webhook.disabled_at is not None:
        raise ConflictError(
            f"webhook {webhook_id} was disabled on {webhook.disabled_at.date().isoformat()}; "
            "register it again instead"
        )
    webhook.disabled_at = clock()
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.state == "pending")
        .values(state="failed", last_error="webhook disabled")
    )
    _audit(session, actor, "disable", webhook)
    return webhook


def list_webhooks(session: Session) -> list[Webhook]:
    """Return every webhook, in service or disabled, oldest first."""
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def deliveries(session: Session, webhook_id: int) -> list[WebhookDelivery]:
    """Return a webhook's deliveries, oldest first.

    Raises:
        NotFoundError: no such webhook.
    """
    _webhook(session, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    return list(session.scalars(query.order_by(WebhookDelivery.id)))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the ``X-Discretion-Signature`` value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify_signature(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """Return whether ``header`` signs ``body`` with ``secret``, within ``tolerance`` s of ``now``.

    For receivers: a stale timestamp is refused, so a captured request cannot be replayed later.
    """
    fields = [part.partition("=") for part in header.split(",")]
    stamps = [value for key, _, value in fields if key.strip() == "t"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).partition(",v1=")[2]
    return any(
        hmac.compare_digest(expected.encode(), value.strip().encode())
        for key, _, value in fields
        if key.strip() == "v1"
    )


def backoff(attempts: int) -> timedelta:
    """Return how long to wait after the ``attempts``-th failed attempt."""
    doublings = min(max(attempts - 1, 0), 16)  # 30 s doubled 16 times is far past the cap
    return min(BASE * (1 << doublings), CAP)


@dataclass(frozen=True)
class _Claim:
    delivery_id: int
    attempts: int
    url: str
    secret: str
    body: bytes


def _carried(session: Session, delivery: WebhookDelivery) -> dict[str, Any]:
    """Return the body of a delivery: the change or the checkpoint it carries."""
    if delivery.checkpoint_id is not None:
        return {
            "delivery": delivery.id,
            "checkpoint": checkpoint_json(session, delivery.checkpoint_id),
        }
    change = session.get(PrivacyChange, delivery.change_seq)
    assert change is not None  # INVARIANT: a delivery is made with its change
    return {"delivery": delivery.id, "change": change_json(change)}


def _claim(context: Context, at: datetime, lease: timedelta) -> _Claim | None:
    """Take the most overdue delivery, count the attempt and hide it from others for ``lease``."""
    query = (
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.state == "pending",
            WebhookDelivery.next_attempt_at <= at,
            Webhook.disabled_at.is_(None),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=WebhookDelivery)  # SQLite: no-op
    )
    with context.transaction() as session:
        row = session.execute(query).first()
        if row is None:
            return None
        delivery, webhook = row
        delivery.attempts += 1
        # INVARIANT: until the lease ends, no worker takes it again; a crash means a retry then
        delivery.next_attempt_at = at + lease
        payload = json.dumps(_carried(session, delivery), separators=(",", ":")).encode()
        return _Claim(delivery.id, delivery.attempts, webhook.url, webhook.secret, payload)


def _send(client: httpx.Client, claim: _Claim, at: datetime) -> tuple[int | None, str | None]:
    """POST the claim; return the status and, on failure, a one-line reason."""
    headers = {
        "Content-Type": "application/json",
        "X-Discretion-Signature": sign(claim.secret, int(at.timestamp()), claim.body),
        "X-Discretion-Delivery": str(claim.delivery_id),
    }
    try:
        # streamed and never read: a receiver's answer body is not ours to keep
        with client.stream("POST", claim.url, content=claim.body, headers=headers) as response:
            status = response.status_code
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        reason = " ".join(f"{type(error).__name__}: {error}".split())
        return None, reason[:500]
    return status, None if 200 <= status < 300 else f"HTTP {status}"


@dataclass(frozen=True)
class DeliveryOutcome:
    """What became of one attempt.

    Attributes:
        delivery_id: the delivery attempted.
        attempt: which attempt it was (1 for the first).
        error: why it failed (``HTTP 500``, ``ConnectError: ...``), or None: delivered.
        retry_at: when it is tried again; None when delivered or given up.
    """

    delivery_id: int
    attempt: int
    error: str | None
    retry_at: datetime | None

    @property
    def is_delivered(self) -> bool:
        """Return whether the receiver took it (a 2xx answer)."""
        return self.error is None


@dataclass(frozen=True)
class Round:
    """The attempts of one round of deliveries, in the order made."""

    outcomes: tuple[DeliveryOutcome, ...]

    @property
    def attempted(self) -> int:
        """Return how many deliveries were attempted."""
        return len(self.outcomes)

    @property
    def delivered(self) -> int:
        """Return how many the receivers took."""
        return sum(outcome.is_delivered for outcome in self.outcomes)

    @property
    def failed(self) -> tuple[DeliveryOutcome, ...]:
        """Return the attempts that failed (to be tried again, or given up)."""
        return tuple(outcome for outcome in self.outcomes if not outcome.is_delivered)


def _settle(
    context: Context, claim: _Claim, at: datetime, outcome: tuple[int | None, str | None]
) -> DeliveryOutcome:
    status, error = outcome
    retry_at = None
    with context.transaction() as session:
        delivery = session.get(WebhookDelivery, claim.delivery_id, with_for_update=True)
        if delivery is None or delivery.state != "pending" or delivery.attempts != claim.attempts:
            # disabled meanwhile, or taken again after the lease: not ours to record
            return DeliveryOutcome(claim.delivery_id, claim.attempts, error, None)
        delivery.last_status, delivery.last_error = status, error
        if error is None:
            delivery.state, delivery.delivered_at, delivery.next_attempt_at = "delivered", at, at
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = "failed", at
        else:
            delivery.next_attempt_at = retry_at = at + backoff(delivery.attempts)
    return DeliveryOutcome(claim.delivery_id, claim.attempts, error, retry_at)


def deliver_round(
    context: Context, *, now: datetime | None = None, limit: int = 100, timeout: float = 5.0
) -> Round:
    """Send up to ``limit`` deliveries that are due; return what became of each.

    A 2xx answer delivers; any other status, a redirect, a timeout or a
    connection error is recorded on the delivery (never raised) and tried
    again later, until ``MAX_ATTEMPTS``.

    Args:
        now: the time to act at; the clock's when None (tests move it forward).
        timeout: seconds allowed to connect, to send and to wait for the answer.
    """
    time: Callable[[], datetime] = (lambda: now) if now is not None else clock
    lease = timedelta(seconds=60 + 4 * timeout)
    outcomes: list[DeliveryOutcome] = []
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        while len(outcomes) < limit:
            claim = _claim(context, time(), lease)
            if claim is None:
                break
            outcome = _send(client, claim, time())
            outcomes.append(_settle(context, claim, time(), outcome))
    return Round(tuple(outcomes))
