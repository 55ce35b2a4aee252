"""Fixtures for the web pages: a small demo campus, the whole app over it, and a browser.

Each browser test module gets a live server of its own, on a fresh database,
and one Chromium; each test a fresh tab.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from discretion.importers.demo import build_demo
from discretion.server import create_app
from discretion.services import Context
from tests.api.conftest import settings
from tests.conftest import _fresh
from tests.databases import Templates
from tests.web.browser import SCREENSHOTS, Visit, require_chromium, visit
from tests.web.live import CHROMIUM, Live, live_server

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


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server of the whole app on 127.0.0.1, over a fresh small demo campus."""
    require_chromium()
    with live_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Browser]:
    """Debian's Chromium, headless; nothing is downloaded."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()
    print(f"\nscreenshots: {SCREENSHOTS}")


@pytest.fixture
def tab(browser: Browser) -> Iterator[Visit]:
    """A fresh tab, checked for accessibility, CSP and outside requests on each page."""
    with visit(browser) as seen:
        yield seen
