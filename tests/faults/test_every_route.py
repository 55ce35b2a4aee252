"""Every route of the app answers 503 ``unavailable`` with ``Retry-After`` when the database cannot.

Two real ways a database cannot answer, in process: a PostgreSQL address
where nothing listens, and an SQLite file another process holds locked. The
routes come from the app itself, so a new route is covered without an edit;
only those that never touch the database are listed, and they must still
answer as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from discretion.api.app import create_app
from discretion.services import Context, open_context
from tests.api.conftest import settings
from tests.api.test_matrix import MATRIX, app_routes
from tests.faults.locking import locked
from tests.faults.servers import free_port

# routes that answer without the database: documentation, liveness, and sign-in
# doors that are off here (no OpenID provider, no demo)
DATABASE_FREE = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/healthz"),
    ("GET", "/auth/login"),
    ("GET", "/auth/callback"),
    ("POST", "/auth/logout"),
    ("GET", "/auth/demo"),
    ("POST", "/auth/demo"),
}
NOT_ANSWERING = "the database is not answering; retry in a few seconds"
LOCKED = "the database is locked by another process; retry in a few seconds"
TOKEN = {"Authorization": "Bearer dsc_any-token-at-all"}  # looking it up needs the database


def _concrete(text: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "1", text)


def _body(body: object) -> object:
    if isinstance(body, dict):
        return {key: _body(value) for key, value in body.items()}
    return _concrete(body) if isinstance(body, str) else body


def _answers(context: Context) -> Iterator[tuple[str, str, int, dict[str, object], str]]:
    """Call every route once; yield method, path, status, body and Retry-After."""
    with TestClient(create_app(settings(), context), follow_redirects=False) as client:
        for method, path in sorted(app_routes()):
            body = MATRIX.get((method, path), (None, None))[0]
            answer = client.request(
                method,
                _concrete(path),
                params={"q": "u-ada"} if path.endswith("directory") else None,
                json=_body(body) if method == "POST" else None,
                headers=TOKEN,
            )
            is_json = answer.headers.get("content-type", "").startswith("application/json")
            data = answer.json() if is_json and answer.content else {}
            yield method, path, answer.status_code, data, answer.headers.get("Retry-After", "")


def _check_every_route(context: Context, message: str) -> None:
    checked = 0
    for method, path, status, data, retry_after in _answers(context):
        if (method, path) in DATABASE_FREE:
            assert status != 503, f"{method} {path} needs no database"
            continue
        checked += 1
        assert status == 503, f"{method} {path}: {status} {data}"
        assert retry_after.isdigit(), f"{method} {path}: no Retry-After"
        if path == "/readyz":
            continue  # it says which kind of failure, in the same shape
        assert data == {"error": {"code": "unavailable", "message": message, "details": {}}}, (
            f"{method} {path}: {data}"
        )
    assert checked >= 30


def test_every_route_answers_503_when_postgresql_is_unreachable() -> None:
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/discretion"
    context = open_context(nowhere, migrated=False)
    try:
        _check_every_route(context, NOT_ANSWERING)
    finally:
        context.close()


def test_every_route_answers_503_when_sqlite_is_locked(
    monkeypatch: pytest.MonkeyPatch, sqlite_sample: Context
) -> None:
    monkeypatch.setenv("DISCRETION_SQLITE_BUSY_MS", "50")
    url = sqlite_sample.store.url
    sqlite_sample.close()
    context = open_context(url)
    try:
        with locked(str(make_url(url).database)):
            _check_every_route(context, LOCKED)
    finally:
        context.close()
