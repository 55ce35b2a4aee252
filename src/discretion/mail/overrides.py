"""The record of a warned message sent anyway: who, when, which rules, why, and a digest.

One JSON object a line, appended and flushed to disk (fsync) before the
message is relayed, so no override leaves unrecorded. It never holds the
message's body or subject: only the SHA-256 of the message as received.
Keeping these records in the store (and in the disclosure log) is later work.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["Override", "record_override", "utc_now"]


@dataclass(frozen=True, slots=True)
class Override:
    """One override: the sender's word that a warned message should go anyway."""

    at: str  # ISO 8601, UTC
    sender: str  # the envelope sender
    user: str | None  # the authenticated user, when the client used AUTH
    peer: str  # the client's address
    recipients: tuple[str, ...]
    rules: tuple[str, ...]
    justification: str
    sha256: str  # of the message as the guard received it
    size: int

    def to_json(self) -> dict[str, Any]:
        """Return the override as JSON-ready data."""
        data = asdict(self)
        data["recipients"], data["rules"] = list(self.recipients), list(self.rules)
        return data


def utc_now() -> str:
    """Return the current time as the records give it: ISO 8601, UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def record_override(path: Path, override: Override) -> None:
    """Append ``override`` to the JSON-lines file at ``path`` and flush it to disk.

    Raises:
        OSError: the file cannot be written; the caller must not relay the message.
    """
    line = json.dumps(override.to_json(), ensure_ascii=True, sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
