"""Fixtures for the fault tests: an SQLite file of their own, and a private PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from discretion.services import Context
from tests.conftest import _fresh, _sample
from tests.databases import Templates
from tests.faults.postgres import SEARCHED, PrivatePostgres, postgres_programs


@pytest.fixture
def sqlite_sample(templates: Templates, tmp_path: Path) -> Iterator[Context]:
    """The sample bundle, imported, in an SQLite file of this test's own."""
    yield from _fresh(templates, "sqlite", "sample", _sample, tmp_path)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of this test's own, initialised and started."""
    programs = postgres_programs()
    if programs is None:
        pytest.skip(f"PostgreSQL's programs (initdb, pg_ctl) are not installed ({SEARCHED})")
    server = PrivatePostgres(programs)
    try:
        server.start()
        yield server
    finally:
        server.remove()
