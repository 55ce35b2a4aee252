"""A fixed-window rate limit kept in the store, so every process and host shares it.

Clients are known by a keyed hash of their address: the table never holds
an address. Windows older than the one before the current are swept by age,
whoever they belonged to, so a client that never comes back (or a forged
address) leaves nothing behind for long.
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

__all__ = ["client_key", "hit", "sweep", "window_of"]


def client_key(address: str, salt: bytes) -> str:
    """Return the key a client is counted under."""
    return hmac.new(salt, address.encode(), hashlib.sha256).hexdigest()[:32]


def window_of(at: datetime, window_seconds: int) -> int:
    """Return the number of the window ``at`` falls in."""
    return int(at.timestamp() // window_seconds)


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
    if hits <= limit:
        return None
    return max(1, int((window + 1) * window_seconds - moment + 0.999))


def sweep(session: Session, window: int) -> int:
    """Forget every client's windows before the one before ``window``; return how many went."""
    result = session.execute(delete(RateWindow).where(RateWindow.window < window - 1))
    return int(getattr(result, "rowcount", 0) or 0)
