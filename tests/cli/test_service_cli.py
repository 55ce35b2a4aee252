"""The commands that run the service: tokens, sign-in links, roles, webhooks, serve's refusal."""

from __future__ import annotations

import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context
from discretion.services.principals import find_by_subject, principal_for_person
from discretion.services.tokens import authenticate

runner = CliRunner()


def _run(context: Context, *args: str) -> Any:
    return runner.invoke(app, [*args, "--database", context.store.url])


def _admin(context: Context) -> str:
    """Make Emmy an administrator (tokens are an administrator's to make); return her id."""
    assert _run(context, "people", "grant-role", "u-emmy", "administrator").exit_code == 0
    return "u-emmy"


def test_a_token_is_shown_once_listed_without_its_secret_and_revoked(sample: Context) -> None:
    by = _admin(sample)
    made = _run(sample, "token", "create", "--name", "LMS sync", "--roles", "service", "--json",
                "--by", by)  # fmt: skip
    assert made.exit_code == 0, made.output
    token = json.loads(made.stdout)
    assert token["token"].startswith("dsc_")
    with sample.transaction() as session:
        principal = authenticate(session, token["token"])
        assert principal is not None and principal.roles == frozenset({"service"})
    listed = _run(sample, "token", "list")
    assert listed.stdout == f"{token['id']}: LMS sync (service), expires never\n"
    assert token["token"] not in _run(sample, "token", "list", "--json").stdout
    assert _run(sample, "token", "revoke", str(token["id"]), "--by", by).exit_code == 0
    with sample.transaction() as session:
        assert authenticate(session, token["token"]) is None
    again = _run(sample, "token", "revoke", str(token["id"]), "--by", by)
    assert again.exit_code == 2 and "already revoked" in again.stderr


def test_a_token_is_refused_roles_it_cannot_have(sample: Context) -> None:
    by = _admin(sample)

    def create(*args: str) -> Any:
        return _run(sample, "token", "create", "--name", "x", "--by", by, *args)

    widened = create("--roles", "registrar")
    assert widened.exit_code == 2 and "role service only" in widened.stderr
    unknown = create("--roles", "root", "--person", "u-reg")
    assert unknown.exit_code == 2 and "unknown role `root`" in unknown.stderr
    lacking = create("--roles", "registrar", "--person", "u-kurt")
    assert lacking.exit_code == 2 and "`u-kurt` does not hold the role `registrar`" in (
        lacking.stderr
    )
    past = create("--roles", "service", "--expires", "2001-01-01")
    assert past.exit_code == 2 and "in the past" in past.stderr
    garbled = create("--roles", "service", "--expires", "soon")
    assert garbled.exit_code == 2 and "`soon` is not a date; write YYYY-MM-DD" in garbled.stderr


def test_only_an_administrator_makes_or_revokes_a_token(sample: Context) -> None:
    refused = _run(sample, "token", "create", "--name", "x", "--roles", "service", "--by", "u-reg")
    assert refused.exit_code == 2 and "administrator" in refused.stderr
    nobody = _run(sample, "token", "create", "--name", "x", "--roles", "service", "--by", "u-0")
    assert nobody.exit_code == 2 and "unknown person `u-0`" in nobody.stderr
    unnamed = _run(sample, "token", "create", "--name", "x", "--roles", "service")
    assert unnamed.exit_code == 2 and "--by" in unnamed.output


def test_people_are_linked_to_a_subject_and_granted_roles(sample: Context) -> None:
    assert _run(sample, "people", "link", "u-reg", "--subject", "reg@idp").exit_code == 0
    taken = _run(sample, "people", "link", "u-emmy", "--subject", "reg@idp")
    assert taken.exit_code == 2 and "already linked to `u-reg`" in taken.stderr
    assert _run(sample, "people", "grant-role", "u-emmy", "administrator").exit_code == 0
    implied = _run(sample, "people", "grant-role", "u-emmy", "registrar")
    assert implied.exit_code == 2 and "comes from the store" in implied.stderr
    with sample.transaction() as session:
        linked = find_by_subject(session, "reg@idp")
        assert linked is not None and linked.id == "u-reg"
        assert "administrator" in principal_for_person(session, "u-emmy", "test").roles


def test_webhook_delivery_with_nothing_due(sample: Context) -> None:
    done = _run(sample, "webhooks", "deliver")
    assert done.exit_code == 0 and done.stdout == "0 deliveries attempted\n"


class _Receiver:
    """A real HTTP server on 127.0.0.1 answering every POST with one status."""

    def __init__(self, status: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _closed_port_url() -> str:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/hook"


def _hooks_then_a_change(context: Context, *urls: str) -> None:
    from discretion.services.changes import suppress
    from discretion.services.webhooks import register

    with context.transaction() as session:
        for url in urls:
            register(session, url=url, actor="u-reg", secret=None)
        suppress(session, context.profile, actor=principal_for_person(session, "u-reg", "test"),
                 student_id="u-alan", item="year", method="written")  # fmt: skip


def test_webhook_delivery_names_its_failures_and_exits_1(sample: Context) -> None:
    with _Receiver(200) as good, _Receiver(500) as bad:
        _hooks_then_a_change(sample, good.url, bad.url)
        done = _run(sample, "webhooks", "deliver")
    assert done.exit_code == 1, done.output
    assert done.stdout == "2 deliveries attempted: 1 delivered, 1 failed\n"
    (line,) = done.stderr.splitlines()
    assert re.fullmatch(
        r"discretion: delivery \d+ failed \(attempt 1 of 8\): HTTP 500; "
        r"tried again after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC",
        line,
    )


def test_webhook_delivery_that_all_fails_exits_1(sample: Context) -> None:
    _hooks_then_a_change(sample, _closed_port_url())
    done = _run(sample, "webhooks", "deliver")
    assert (done.exit_code, done.stdout) == (1, "1 delivery attempted: 0 delivered, 1 failed\n")
    assert "failed (attempt 1 of 8): ConnectError: " in done.stderr


def test_webhook_delivery_that_all_succeeds_exits_0(sample: Context) -> None:
    with _Receiver(204) as good:
        _hooks_then_a_change(sample, good.url)
        done = _run(sample, "webhooks", "deliver")
    assert (done.exit_code, done.stdout, done.stderr) == (
        0,
        "1 delivery attempted: 1 delivered, 0 failed\n",
        "",
    )


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    refused = runner.invoke(app, ["serve", "--database", url])
    assert refused.exit_code == 2 and "run `discretion db upgrade`" in refused.stderr


def test_an_administrator_lists_and_ends_a_person_s_sessions(sample: Context) -> None:
    from discretion.services import sessions

    by = _admin(sample)
    with sample.transaction() as session:
        secret = sessions.start(session, person_id="u-reg", via="oidc")
    listed = _run(sample, "sessions", "list", "u-reg", "--as", by)
    assert listed.exit_code == 0 and listed.stdout.startswith("oidc since ")
    assert "in force" in listed.stdout
    refused = _run(sample, "sessions", "end", "u-reg", "--by", "u-ada")
    assert refused.exit_code == 2 and "administrator" in refused.stderr
    ended = _run(sample, "sessions", "end", "u-reg", "--by", by)
    assert ended.stdout == "1 session of u-reg ended\n"
    with sample.transaction() as session:
        assert sessions.end(session, secret) is False  # already ended


def test_serve_announces_how_to_sign_in_in_each_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from discretion.cli.service import announcement

    oidc = ("DISCRETION_OIDC_ISSUER", "DISCRETION_OIDC_CLIENT_ID", "DISCRETION_OIDC_CLIENT_SECRET")
    for name in ("DISCRETION_DEMO", *oidc):
        monkeypatch.delenv(name, raising=False)
    base = "http://127.0.0.1:8000"
    assert announcement("127.0.0.1", 8000) == (
        f"Discretion is serving on {base} (nobody can sign in yet: set DISCRETION_OIDC_ISSUER, "
        "_CLIENT_ID and _CLIENT_SECRET, or DISCRETION_DEMO=1 for the demo campus; "
        f"API docs at {base}/docs)"
    )
    for name in oidc:
        monkeypatch.setenv(name, "x")
    assert f"(sign in at {base}/sign-in with your campus account;" in announcement(
        "127.0.0.1", 8000
    )
    monkeypatch.setenv("DISCRETION_DEMO", "1")  # what `make run` sets
    assert announcement("127.0.0.1", 8000) == (
        f"Discretion is serving on {base} (demo sign-in at {base}/sign-in: pick anyone on the "
        f"made-up campus, no password; API docs at {base}/docs)"
    )
