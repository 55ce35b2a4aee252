"""Signed checkpoints of the disclosure log: entry ``seq`` had hash ``hash`` at time ``at``.

A checkpoint is ``{"seq", "hash", "at", "key_id", "signature"}``. The signature
is Ed25519, in hex, over the UTF-8 bytes of ``discretion-log-checkpoint-v1``, a
newline, and the JSON object of the other four fields with sorted keys and no
spaces, e.g. ``{"at":"2026-12-02T10:00:00.123456+00:00","hash":"...","key_id":"...","seq":12}``.
The signing key comes from DISCRETION_LOG_KEY (``log_keys``); anyone holding
the public key (``discretion log public-key``) can check a checkpoint without
the secret.

Kept elsewhere, a checkpoint lets ``disclosure_log.verify`` prove that nothing up
to its entry was removed, edited or reordered since. Each one is stored
(``log_checkpoint``, append-only) and sent to every webhook in service, so that
systems other than this database hold it too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.services.errors import InvalidRequestError
from discretion.services.log_keys import LogKey
from discretion.store.models import LogCheckpoint, Webhook, WebhookDelivery

__all__ = [
    "PREFIX",
    "Checkpoint",
    "checkpoint_json",
    "parse",
    "record",
    "sign",
    "signature_holds",
    "stored",
]

PREFIX = b"discretion-log-checkpoint-v1\n"
_HEX = {"hash": 64, "key_id": 16, "signature": 128}


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the log's entry ``seq`` had hash ``hash`` at ``at``."""

    seq: int
    hash: str
    at: datetime
    key_id: str
    signature: str

    def message(self) -> bytes:
        """Return the bytes the signature covers."""
        return _message(self.seq, self.hash, self.at, self.key_id)

    def to_json(self) -> dict[str, Any]:
        """Return the checkpoint as JSON-ready data: what an operator keeps elsewhere."""
        return {
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at.isoformat(),
            "key_id": self.key_id,
            "signature": self.signature,
        }


def _message(seq: int, digest: str, at: datetime, key_id: str) -> bytes:
    fields = {"seq": seq, "hash": digest, "at": at.isoformat(), "key_id": key_id}
    return PREFIX + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def sign(key: LogKey, seq: int, digest: str, at: datetime) -> Checkpoint:
    """Return the checkpoint of entry ``seq`` (hash ``digest``) at ``at``, signed with ``key``."""
    signature = key.sign(_message(seq, digest, at, key.key_id))
    return Checkpoint(seq, digest, at, key.key_id, signature)


def signature_holds(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    """Return whether the checkpoint's signature is ``public_key``'s over its fields."""
    try:
        public_key.verify(bytes.fromhex(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True


def _field(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InvalidRequestError(
            f"a checkpoint needs `{name}` ({kind.__name__}); give the JSON that "
            "`discretion log checkpoint --json` printed"
        )
    return value


def parse(data: Any) -> Checkpoint:
    """Read a checkpoint from JSON data; check its form, not its signature.

    Raises:
        InvalidRequestError: a field is missing or malformed.
    """
    if not isinstance(data, dict):
        raise InvalidRequestError(
            "a checkpoint is a JSON object; give what `discretion log checkpoint --json` printed"
        )
    seq = _field(data, "seq", int)
    if seq < 0:
        raise InvalidRequestError(f"a checkpoint's `seq` is 0 or more, not `{seq}`")
    for name, length in _HEX.items():
        value = _field(data, name, str)
        if not re.fullmatch(f"[0-9a-f]{{{length}}}", value):
            raise InvalidRequestError(
                f"a checkpoint's `{name}` is {length} lowercase hex digits, not `{value[:140]}`"
            )
    text = _field(data, "at", str)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise InvalidRequestError(
            f"a checkpoint's `at` is an ISO 8601 time with offset, not `{text}`"
        )
    return Checkpoint(seq, data["hash"], at, data["key_id"], data["signature"])


def _from_row(row: LogCheckpoint) -> Checkpoint:
    return Checkpoint(row.seq, row.hash, row.at, row.key_id, row.signature)


def record(session: Session, checkpoint: Checkpoint) -> int:
    """Store a checkpoint and queue a delivery of it to every webhook in service.

    Returns:
        How many webhooks will receive it.
    """
    row = LogCheckpoint(
        seq=checkpoint.seq,
        hash=checkpoint.hash,
        at=checkpoint.at,
        key_id=checkpoint.key_id,
        signature=checkpoint.signature,
    )
    session.add(row)
    session.flush()
    live = list(session.scalars(select(Webhook.id).where(Webhook.disabled_at.is_(None))))
    session.add_all(
        WebhookDelivery(
            webhook_id=webhook_id,
            checkpoint_id=row.id,
            state="pending",
            attempts=0,
            next_attempt_at=checkpoint.at,
        )
        for webhook_id in live
    )
    session.flush()
    return len(live)


def stored(session: Session) -> list[Checkpoint]:
    """Return the checkpoints kept in the database, oldest first."""
    rows = session.scalars(select(LogCheckpoint).order_by(LogCheckpoint.id))
    return [_from_row(row) for row in rows]


def checkpoint_json(session: Session, checkpoint_id: int) -> dict[str, Any]:
    """Return a stored checkpoint as JSON-ready data (what a webhook delivery carries)."""
    row = session.get(LogCheckpoint, checkpoint_id)
    assert row is not None  # INVARIANT: checkpoints are never deleted
    return _from_row(row).to_json()
