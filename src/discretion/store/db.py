"""Engines, sessions and transactions, on SQLite or PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from discretion.store.errors import NoDatabaseError, StoreError

__all__ = [
    "DEFAULT_SQLITE_BUSY_MS",
    "DEFAULT_SQLITE_PATH",
    "Store",
    "default_url",
    "sqlite_busy_ms",
]

DEFAULT_SQLITE_PATH = Path("var") / "discretion.sqlite3"
DEFAULT_SQLITE_BUSY_MS = 30_000


def default_url() -> str:
    """Return ``$DISCRETION_DATABASE_URL``, or an SQLite file under ``./var``."""
    return os.environ.get("DISCRETION_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def sqlite_busy_ms() -> int:
    """Return how long SQLite waits for another process's lock: ``$DISCRETION_SQLITE_BUSY_MS``.

    Raises:
        StoreError: the variable is not a whole number of milliseconds.
    """
    text = os.environ.get("DISCRETION_SQLITE_BUSY_MS", "").strip()
    if not text:
        return DEFAULT_SQLITE_BUSY_MS
    if not (text.isascii() and text.isdigit()):
        raise StoreError(
            f"DISCRETION_SQLITE_BUSY_MS=`{text}` is not a whole number of milliseconds; "
            f"use e.g. {DEFAULT_SQLITE_BUSY_MS}"
        )
    return int(text)


def _sqlite_setup(engine: Engine, busy_ms: int) -> None:
    """Foreign keys on, WAL, a busy timeout, and writers that take the lock up front."""

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy issues BEGIN itself
        cursor = dbapi_connection.cursor()
        # the busy timeout first: switching to WAL may itself wait for a lock
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        # BEGIN IMMEDIATE: concurrent writers queue instead of failing at commit
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    """One database: an engine and its sessions.

    Args:
        url: an SQLAlchemy URL; ``default_url()`` when None.
        busy_ms: on SQLite, how long to wait for another process's lock before
            failing with "database is locked"; ``sqlite_busy_ms()`` when None.
        create: on SQLite, make the file (and its folder) if missing; when False,
            a missing file raises ``NoDatabaseError`` and nothing is made.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        busy_ms: int | None = None,
        create: bool = True,
        **engine_options: Any,
    ) -> None:
        # the default: no URL given and none in the environment, so ./var/discretion.sqlite3
        self.is_default = not url and not os.environ.get("DISCRETION_DATABASE_URL")
        self.url = url or default_url()
        try:
            parsed = make_url(self.url)
        except ArgumentError:
            raise StoreError(
                f"cannot read the database URL `{self.url}`; use e.g. sqlite:///var/d.sqlite3 "
                "or postgresql+psycopg://user@host/db"
            ) from None
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreError(f"unsupported database `{self.dialect}`; use SQLite or PostgreSQL")
        if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(parsed.database)
            if not create and not path.is_file():
                raise NoDatabaseError(parsed.database, is_default=self.is_default)
            path.parent.mkdir(parents=True, exist_ok=True)
        if self.dialect == "postgresql":
            # a fixed pool: overflow connections would be opened and closed under load
            engine_options = {"pool_size": 16, "max_overflow": 0, **engine_options}
        self.engine = create_engine(self.url, **engine_options)
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine, sqlite_busy_ms() if busy_ms is None else busy_ms)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session whose work commits together, or not at all."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def describe(self) -> str:
        """Return the URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)
