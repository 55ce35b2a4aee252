"""Driving Debian's Chromium with Playwright: a page that records what it fetched and logged,
checked with axe and photographed."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Request

from tests.web.live import CHROMIUM

ROOT = Path(__file__).parents[2]
SCREENSHOTS = Path(os.environ.get("DISCRETION_SCREENSHOTS", ROOT / "test-output" / "screenshots"))
SERIOUS = ("serious", "critical")
CSP_VIOLATION = re.compile(r"content security policy", re.I)


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; fail in CI, where it must run."""
    if CHROMIUM.exists():
        return
    required = os.environ.get("CI") or os.environ.get("DISCRETION_REQUIRE_BROWSER")
    message = f"{CHROMIUM} is missing: `apt-get install -y chromium` runs the browser tests"
    if required:
        pytest.fail(message + " (CI or DISCRETION_REQUIRE_BROWSER is set: they must run)")
    pytest.skip(message)


@dataclass
class Visit:
    """A browser tab and what it has done: every URL requested, every console message."""

    page: Page
    requested: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Return the requests that went anywhere but the server under test."""
        return [url for url in self.requested if urlsplit(url).hostname != "127.0.0.1"]

    def csp_violations(self) -> list[str]:
        """Return the console messages that report a blocked script, style or fetch."""
        return [text for text in self.console if CSP_VIOLATION.search(text)]

    def check(self, name: str) -> None:
        """Check the page as it stands (axe, CSP, other hosts) and photograph it as ``name``.

        No exception: a serious or critical axe finding fails, Swagger UI's included.
        """
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        results = Axe().run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in SERIOUS
        ]
        assert not serious, f"{name}: axe finds {serious}"
        assert not self.csp_violations(), f"{name}: {self.csp_violations()}"
        assert not self.outside(), f"{name}: requests to other hosts: {self.outside()}"


@contextmanager
def visit(browser: Browser) -> Iterator[Visit]:
    """Open a fresh tab (its own cookies) that records its requests and console."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = Visit(page)

    def requested(request: Request) -> None:
        seen.requested.append(request.url)

    def logged(message: ConsoleMessage) -> None:
        seen.console.append(f"{message.type}: {message.text}")

    page.on("request", requested)
    page.on("console", logged)
    try:
        yield seen
    finally:
        context.close()
