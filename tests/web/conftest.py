"""Fixtures for the web pages: a small demo campus, and the whole app over it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from discretion.importers.demo import build_demo
from discretion.server import create_app
from discretion.services import Context
from tests.api.conftest import settings
from tests.conftest import _fresh
from tests.databases import Templates

STUDENTS, SEED = 30, 1
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _small_demo(context: Context) -> None:
    build_demo(context, STUDENTS, SEED)


@pytest.fixture
def campus(templates: Templates, backend: str, tmp_path: Path) -> Iterator[Context]:
    """A small demo campus, on each backend."""
    yield from _fresh(templates, backend, "web-demo", _small_demo, tmp_path)


def client_for(context: Context, **changes: object) -> TestClient:
    """Return a client of the whole app (API and pages) over ``context``."""
    return TestClient(create_app(settings(**changes), context), follow_redirects=False)


@pytest.fixture
def site(campus: Context) -> Iterator[TestClient]:
    """The whole app over the demo campus, with the demo sign-in on."""
    with client_for(campus, demo=True) as client:
        yield client


def csrf_of(page: str) -> str:
    """Return the CSRF token a page's form carries."""
    found = CSRF.search(page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
