"""Migrations (Alembic): apply them, and refuse a database that lacks them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from discretion.store.db import Store
from discretion.store.errors import ELSEWHERE, FILL_IT, NotMigratedError

__all__ = ["Migration", "current_revision", "head_revision", "require_migrated", "upgrade"]

_MIGRATIONS = Path(__file__).parent / "migrations"


def _config(store: Store) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["store"] = store
    return config


@dataclass(frozen=True)
class Migration:
    """One migration: its revision and what it does, in a line."""

    revision: str
    description: str


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(_MIGRATIONS))


def head_revision() -> str:
    """Return the newest migration's revision."""
    head = _scripts().get_current_head()
    assert head is not None  # INVARIANT: the package ships its migrations
    return head


def current_revision(store: Store) -> str | None:
    """Return the revision the database is at, or None if it was never migrated."""
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> list[Migration]:
    """Apply the migrations up to ``revision``; return those applied, oldest first."""
    before = current_revision(store)
    command.upgrade(_config(store), revision)
    after = current_revision(store)
    if after is None or after == before:
        return []
    scripts = _scripts().iterate_revisions(after, before or "base")
    return [
        Migration(script.revision, (script.doc or "").strip().splitlines()[0].rstrip("."))
        for script in reversed(list(scripts))
    ]


def _is_known(revision: str) -> bool:
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def require_migrated(store: Store) -> None:
    """Raise unless the database is at the newest migration.

    Raises:
        NotMigratedError: saying where the database is and how to migrate it.
    """
    current, head = current_revision(store), head_revision()
    if current == head:
        return
    where = store.describe()
    if current is None:
        message = (
            f"the database {where} has not been set up yet (it holds no tables); "
            f"run `discretion db upgrade`, {FILL_IT}; {ELSEWHERE}"
        )
    elif _is_known(current):
        message = (
            f"the database {where} was set up by an older version of Discretion "
            f"(it is at migration {current}, not {head}); "
            "run `discretion db upgrade` to update it (its records are kept)"
        )
    else:
        message = (
            f"the database {where} was set up by a newer version of Discretion "
            f"(migration {current}, which this version does not know; it knows up to {head}); "
            f"run that newer version, {ELSEWHERE}"
        )
    raise NotMigratedError(message)
