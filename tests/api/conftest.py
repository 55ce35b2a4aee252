"""Fixtures for the API: the campus on each backend, and the app over it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from discretion.api.app import create_app
from discretion.api.settings import Settings
from discretion.services import Context
from tests.api import campus
from tests.conftest import TEST_LOG_KEY, _fresh
from tests.databases import Templates


@dataclass
class Api:
    """The app over a fresh campus, a client for it, and a token per principal."""

    context: Context
    client: TestClient
    tokens: dict[str, str]

    def auth(self, principal: str) -> dict[str, str]:
        """Return the headers that authenticate as ``principal`` (none for anonymous)."""
        if principal == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[principal]}"}


def settings(**changes: object) -> Settings:
    """Settings for tests: fixed keys, cookies over plain http, no OIDC, nothing remembered."""
    base = Settings(secret_key="test-secret-key", log_key=TEST_LOG_KEY, cookie_secure=False,
                    principal_cache_seconds=0)  # fmt: skip
    return Settings(**{**base.__dict__, **changes})


def make_api(context: Context, **changes: object) -> Api:
    """Build the app over ``context``."""
    app = create_app(settings(**changes), context)
    client = TestClient(app, follow_redirects=False)
    return Api(context, client, campus.tokens(context))


@pytest.fixture
def campus_db(templates: Templates, backend: str, tmp_path: Path) -> Iterator[Context]:
    """The campus, on each backend."""
    yield from _fresh(templates, backend, "campus", campus.fill, tmp_path)


@pytest.fixture
def api(campus_db: Context) -> Iterator[Api]:
    """The app over the campus (demo sign-in off)."""
    made = make_api(campus_db)
    with made.client:
        yield made
