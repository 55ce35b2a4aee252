"""An SQLite file locked by another process: a clear 503 and exit 1, then all is well.

A second process holds ``BEGIN EXCLUSIVE`` on the file. With a short busy
timeout, a write through the app answers 503 ``unavailable`` with
``Retry-After`` and the command exits 1 with one line; once the lock is
released both work again and ``PRAGMA integrity_check`` says ok.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from discretion.cli.main import app
from discretion.services import Context
from tests.faults.locking import locked
from tests.faults.servers import Server
from tests.faults.traffic import make_tokens

BUSY_MS = "200"
CONSENT = {"recipient_id": "c-acme", "purpose": "a lock test", "items": ["grades"],
           "form": "email", "message_id": "<lock@fault.test>"}  # fmt: skip


def _suppress(url: str) -> Result:
    command = ["suppress", "u-alan", "year", "--by", "u-reg", "--database", url]
    return CliRunner().invoke(app, command, env={"DISCRETION_SQLITE_BUSY_MS": BUSY_MS})


def test_a_locked_database_answers_503_and_exit_1_then_recovers(
    sqlite_sample: Context, tmp_path: Path
) -> None:
    url = sqlite_sample.store.url
    path = str(make_url(url).database)
    tokens = make_tokens(sqlite_sample)
    sqlite_sample.close()  # this process holds no connection while the other locks
    registrar = {"Authorization": f"Bearer {tokens['registrar']}"}
    consents = "/v1/students/u-ada/consents"
    server = Server(url, tmp_path / "server.log", DISCRETION_SQLITE_BUSY_MS=BUSY_MS)
    try:
        with httpx.Client(base_url=server.base, headers=registrar, timeout=30) as client:
            assert client.post(consents, json=CONSENT).status_code == 201
            with locked(path):
                refused = client.post(consents, json=CONSENT)
                assert refused.status_code == 503, refused.text
                assert refused.headers["Retry-After"].isdigit()
                assert refused.json() == {"error": {
                    "code": "unavailable",
                    "message": "the database is locked by another process; retry in a few seconds",
                    "details": {}}}  # fmt: skip
                assert client.get("/readyz").status_code == 503
                command = _suppress(url)
                assert command.exit_code == 1, command.output
                assert command.stderr.splitlines() == [
                    "discretion: the database is locked by another process; retry when it is "
                    "done (DISCRETION_SQLITE_BUSY_MS sets how long to wait for it)"
                ]
            assert client.post(consents, json=CONSENT).status_code == 201
            assert client.get("/readyz").status_code == 200
        command = _suppress(url)
        assert command.exit_code == 0, command.output
    finally:
        server.stop()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
