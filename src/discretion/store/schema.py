"""Migrations (Alembic): apply them, and refuse a database that lacks them."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from discretion.store.db import Store
from discretion.store.errors import NotMigratedError

__all__ = ["current_revision", "head_revision", "require_migrated", "upgrade"]

_MIGRATIONS = Path(__file__).parent / "migrations"


def _config(store: Store) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["store"] = store
    return config


def head_revision() -> str:
    """Return the newest migration's revision."""
    head = ScriptDirectory(str(_MIGRATIONS)).get_current_head()
    assert head is not None  # INVARIANT: the package ships its migrations
    return head


def current_revision(store: Store) -> str | None:
    """Return the revision the database is at, or None if it was never migrated."""
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> None:
    """Apply the migrations up to ``revision``."""
    command.upgrade(_config(store), revision)


def require_migrated(store: Store) -> None:
    """Raise unless the database is at the newest migration.

    Raises:
        NotMigratedError: saying where the database is and how to migrate it.
    """
    current, head = current_revision(store), head_revision()
    if current != head:
        where = "has no schema" if current is None else f"is at migration {current}"
        raise NotMigratedError(
            f"the database {store.describe()} {where}, not {head}; run `discretion db upgrade`"
        )
