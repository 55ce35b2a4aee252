"""Real databases for the tests: a fresh SQLite file, and a fresh PostgreSQL database.

Each test gets its own database, copied from a template migrated once per
run (a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL),
and dropped afterwards. PostgreSQL runs when ``DISCRETION_TEST_DATABASE_URL``
names a server; otherwise its half of every test is skipped, visibly.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from discretion.services import Context, open_context

__all__ = ["PG_URL", "Templates", "admin_execute"]

PG_URL = os.environ.get("DISCRETION_TEST_DATABASE_URL")


def admin_execute(*statements: str) -> None:
    """Run statements on the PostgreSQL server outside any transaction."""
    assert PG_URL is not None
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _pg_url(name: str) -> str:
    assert PG_URL is not None
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


class Templates:
    """Migrated template databases, one per backend and content, made on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[tuple[str, str], str] = {}
        self.run = uuid.uuid4().hex[:8]

    def template(self, backend: str, name: str, fill: Callable[[Context], None]) -> str:
        """Return the template's location (file path or database name), making it once."""
        key = (backend, name)
        if key in self.made:
            return self.made[key]
        if backend == "sqlite":
            location = str(self.folder / f"template-{name}.sqlite3")
            url = f"sqlite:///{location}"
        else:
            location = f"discretion_tpl_{name}_{self.run}"
            admin_execute(f'CREATE DATABASE "{location}"')
            url = _pg_url(location)
        context = open_context(url, migrated=False)
        try:
            context.upgrade()
            fill(context)
        finally:
            context.close()
        self.made[key] = location
        return location

    def fresh(self, backend: str, name: str, fill: Callable[[Context], None], where: Path) -> str:
        """Return the URL of a new database copied from the template."""
        location = self.template(backend, name, fill)
        if backend == "sqlite":
            target = where / f"{name}.sqlite3"
            shutil.copyfile(location, target)
            return f"sqlite:///{target}"
        database = f"discretion_test_{uuid.uuid4().hex[:12]}"
        admin_execute(f'CREATE DATABASE "{database}" TEMPLATE "{location}"')
        return _pg_url(database)

    def drop(self, url: str) -> None:
        """Drop a database made by ``fresh`` (SQLite files go with their folder)."""
        if url.startswith("postgresql"):
            name = make_url(url).database
            admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        """Drop the PostgreSQL templates."""
        for (backend, _), location in self.made.items():
            if backend == "postgresql":
                admin_execute(f'DROP DATABASE IF EXISTS "{location}" WITH (FORCE)')
