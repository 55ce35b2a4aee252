"""A fixed-window rate limit kept in the store, so every process and host shares it.

Clients are known by a keyed hash of their address: the table never holds
an address.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import delete, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from discretion.services.context import now
from discretion.store.models import RateWindow

__all__ = ["client_key", "hit"]


def client_key(address: str, salt: bytes) -> str:
    """Return the key a client is counted under."""
    return hmac.new(salt, address.encode(), hashlib.sha256).hexdigest()[:32]


def hit(
    session: Session, client: str, *, limit: int, window_seconds: int, at: datetime | None = None
) -> int | None:
    """Count one request; return None if allowed, else the seconds until the next window."""
    moment = (at or now()).timestamp()
    window = int(moment // window_seconds)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # a counter need not survive a crash: do not wait for the disk at commit
        session.execute(text("SET LOCAL synchronous_commit = off"))
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RateWindow)
    upsert = (
        insert.values(client=client, window=window, hits=1)
        .on_conflict_do_update(
            index_elements=["client", "window"], set_={"hits": RateWindow.hits + 1}
        )
        .returning(RateWindow.hits)
    )
    hits = session.execute(upsert).scalar_one()
    if hits == 1:  # a new window: forget this client's old ones
        session.execute(
            delete(RateWindow).where(RateWindow.client == client, RateWindow.window < window)
        )
    if hits <= limit:
        return None
    return max(1, int((window + 1) * window_seconds - moment + 0.999))
