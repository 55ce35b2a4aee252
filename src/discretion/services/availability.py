"""When the database cannot answer for now: which failures those are, and what to say.

A connection refused or lost, a pool with no connection free, or (on SQLite)
another process holding the database's lock is nobody's mistake and passes.
The doors answer all of them alike, in one line (the API with 503 and
``Retry-After``, the command with exit status 1), and never with the
driver's own text, which may name hosts, ports and users.
"""

from __future__ import annotations

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

__all__ = [
    "RETRY_AFTER_SECONDS",
    "UNAVAILABLE",
    "is_locked",
    "unavailable_message",
]

# connection-level failures: refused, lost, closed, or no pooled connection in time
UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,  # no pooled connection came free in time
)
RETRY_AFTER_SECONDS = 5
_LOCKED_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED")


def is_locked(error: BaseException) -> bool:
    """Return whether ``error`` is SQLite's "database is locked" (another process writes)."""
    if not isinstance(error, OperationalError):
        return False
    driver = error.orig
    name = getattr(driver, "sqlite_errorname", "")
    return name in _LOCKED_NAMES or "database is locked" in str(driver)


def unavailable_message(error: BaseException) -> str:
    """Return the one line a caller sees: the database does not answer; retry."""
    if is_locked(error):
        return "the database is locked by another process; retry in a few seconds"
    return "the database is not answering; retry in a few seconds"
