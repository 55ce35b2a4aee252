"""Signing in with OpenID Connect, end to end, against a real provider on 127.0.0.1.

The provider is the npm package oidc-provider (tests/oidc); the app runs in
uvicorn on its own port; a client follows the browser's redirects, fills the
provider's login and consent forms, and comes back with a session.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from discretion.api.app import create_app
from discretion.services import Context
from discretion.services.principals import link_subject
from tests.api.conftest import settings
from tests.oidc.harness import ensure_installed, sign_in, start_provider

CLIENT_ID, CLIENT_SECRET = "discretion-test", "a-client-secret-for-tests-only"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Running:
    """The app on a real port, and its provider."""

    base: str
    context: Context


@pytest.fixture
def running(campus_db: Context, backend: str) -> Iterator[Running]:
    if backend != "sqlite":
        pytest.skip("sign-in does not depend on the database; it runs once, on SQLite")
    ensure_installed()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with start_provider(CLIENT_ID, CLIENT_SECRET, f"{base}/auth/callback") as provider:
        app = create_app(
            settings(
                oidc_issuer=provider.issuer,
                oidc_client_id=CLIENT_ID,
                oidc_client_secret=CLIENT_SECRET,
            ),
            campus_db,
        )
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.02)
        try:
            yield Running(base, campus_db)
        finally:
            server.should_exit = True
            thread.join(10)


def test_a_linked_person_signs_in_and_gets_a_session(running: Running) -> None:
    with running.context.transaction() as session:
        link_subject(session, person_id="u-reg", subject="reg-at-idp")
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        back = sign_in(client, f"{running.base}/auth/login", "reg-at-idp")
        assert back.status_code == 303 and back.headers["location"] == "/"
        me = client.get(f"{running.base}/v1/me").json()
        assert me["person_id"] == "u-reg" and me["via"] == "oidc"
        assert "registrar" in me["roles"]
        # a write with the session needs the CSRF token the session carries
        path = f"{running.base}/v1/students/u-ada/suppressions"
        assert client.post(path, json={"item": "year"}).status_code == 403
        done = client.post(path, json={"item": "year"}, headers={"X-CSRF-Token": me["csrf_token"]})
        assert done.status_code == 201


def test_a_subject_linked_to_nobody_gets_no_session(running: Running) -> None:
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        back = sign_in(client, f"{running.base}/auth/login", "a-stranger")
        assert back.status_code == 403
        assert back.json()["error"]["message"].startswith("this sign-in is not linked")
        assert client.get(f"{running.base}/v1/me").status_code == 401
