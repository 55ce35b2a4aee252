"""Regression tests for what the review of the running service found (issue 8).

Each test is named for its finding and failed on the code before the fix.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from typer.testing import CliRunner

from discretion.api.routes import directory
from discretion.cli.main import app as cli
from discretion.services import Context
from discretion.store.models import RateWindow
from tests.api.conftest import Api, make_api

runner = CliRunner()


def _demo_client(api: Api, person_id: str) -> tuple[TestClient, str]:
    """Sign in through the demo door as ``person_id``; return the client and its CSRF token."""
    client = TestClient(api.client.app, follow_redirects=False)
    signed = client.post("/auth/demo", json={"person_id": person_id})
    assert signed.status_code == 200, signed.text
    return client, str(signed.json()["csrf_token"])


# 1. Masked items leak ---------------------------------------------------------------


def test_finding_1_a_record_names_no_masked_item(api: Api) -> None:
    answer = api.client.get("/v1/students/u-alan/record", headers=api.auth("student"))
    assert answer.status_code == 200, answer.text
    record = answer.json()
    # Ada sees Alan's open directory items; his grade in 8.01 stays unnamed
    assert all(item["values"] for item in record["items"]), record
    for hint in ("grades", "8.01", "need_to_know", "non_directory"):
        assert hint not in answer.text, hint
    assert record["not_shown"] is not None and record["not_shown"]["message"]


def test_finding_1_a_reader_allowed_nothing_gets_the_unknown_answer(api: Api) -> None:
    student = api.auth("student")
    withheld = api.client.get("/v1/students/u-grace/record", headers=student)
    unknown = api.client.get("/v1/students/u-nobody/record", headers=student)
    staff = api.client.get("/v1/students/u-emmy/record", headers=student)
    assert withheld.status_code == unknown.status_code == staff.status_code == 404
    assert withheld.content == unknown.content == staff.content


def test_finding_1_nothing_allowed_and_unknown_run_the_same_statements(api: Api) -> None:
    # the class of finding 5, for records: neither the answer nor the work tells them apart
    runs = {}
    for target in ("u-grace", "u-nobody", "u-emmy"):
        path = f"/v1/students/{target}/record"
        runs[target] = _statements(api, partial(api.client.get, path, headers=api.auth("student")))
    assert runs["u-grace"] == runs["u-nobody"] == runs["u-emmy"]


def _statements(api: Api, call: Any) -> list[str]:
    """Return the SQL statements (without their values) one request runs."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(api.context.store.engine, "before_cursor_execute", count)
    try:
        answer = call()
    finally:
        event.remove(api.context.store.engine, "before_cursor_execute", count)
    assert answer.status_code == 404, answer.text
    return statements


def test_finding_1_every_record_read_is_journaled(api: Api) -> None:
    student = api.auth("student")
    for target in ("u-alan", "u-grace", "u-nobody"):
        api.client.get(f"/v1/students/{target}/record", headers=student)
    journal = api.client.get(
        "/v1/access-journal", params={"reader": "u-ada"}, headers=api.auth("registrar")
    )
    assert journal.status_code == 200, journal.text
    seen = {(e["student_id"], bool(e["shown"])) for e in journal.json()}
    assert seen == {("u-alan", True), ("u-grace", False), ("u-nobody", False)}
    # Alan learns that Ada looked, and what she was shown
    own = api.client.get("/v1/students/u-ada/accesses", headers=student)
    assert own.status_code == 200 and own.json() == []


# 2. Narrowed tokens are not narrow ----------------------------------------------------


def _token(api: Api, person: str, roles: str) -> Any:
    return runner.invoke(
        cli,
        ["token", "create", "--name", "narrow", "--roles", roles, "--person", person,
         "--by", "u-admin", "--json", "--database", api.context.store.url],
    )  # fmt: skip


def test_finding_2_a_narrowed_token_reads_as_its_roles_say(api: Api) -> None:
    made = _token(api, "u-reg", "official")
    assert made.exit_code == 0, made.output
    headers = {"Authorization": f"Bearer {json.loads(made.stdout)['token']}"}

    def items(auth: dict[str, str]) -> set[str]:
        record = api.client.get("/v1/students/u-ada/record", headers=auth)
        assert record.status_code == 200, record.text
        return {i["item"] for i in record.json()["items"]}

    # the Registrar's office is what gives need to know; the token left it out
    assert items(headers) == items(api.auth("administrator"))
    assert items(headers) < items(api.auth("registrar"))


def test_finding_2_token_create_refuses_roles_the_person_lacks(api: Api) -> None:
    for person, roles in (("u-kurt", "registrar"), ("u-reg", "student")):
        refused = _token(api, person, roles)
        assert refused.exit_code == 2, refused.output
        assert "does not hold" in refused.stderr and len(refused.stderr.splitlines()) == 1


# 3. Sessions cannot be ended -----------------------------------------------------------


def test_finding_3_a_copied_cookie_dies_with_its_session(campus_db: Context) -> None:
    api = make_api(campus_db, demo=True)
    client, csrf = _demo_client(api, "u-reg")
    copied = TestClient(api.client.app, cookies=dict(client.cookies))
    assert copied.get("/v1/me").status_code == 200
    assert client.post("/auth/logout").status_code == 403  # no CSRF token: refused
    assert client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert copied.get("/v1/me").status_code == 401


def test_finding_3_a_demo_session_is_void_without_the_demo(campus_db: Context) -> None:
    demo = make_api(campus_db, demo=True)
    client, _ = _demo_client(demo, "u-reg")
    plain = make_api(campus_db)  # same secret key, demo off
    later = TestClient(plain.client.app, cookies=dict(client.cookies))
    assert later.get("/v1/me").status_code == 401


# 4. The rate limit trusts the client ------------------------------------------------------


class StillClock:
    """The rate limit's clock, standing mid-window until moved by hand."""

    def __init__(self) -> None:
        self.at = datetime(2027, 1, 4, 12, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def still(monkeypatch: pytest.MonkeyPatch) -> StillClock:
    clock = StillClock()
    monkeypatch.setattr(directory, "now", clock)  # the route reads the time once per lookup
    return clock


def test_finding_4_a_forged_forwarded_for_does_not_reset_the_limit(
    campus_db: Context, still: StillClock
) -> None:
    api = make_api(campus_db, public_rate_limit=2, trusted_proxies=("10.0.0.1",))
    direct = TestClient(api.client.app, client=("192.0.2.7", 4000))
    statuses = [
        direct.get(
            "/v1/public/directory",
            params={"q": "ada"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 429, 429]
    # behind the configured proxy, the nearest untrusted hop is the client
    proxied = TestClient(api.client.app, client=("10.0.0.1", 4000))
    hops = {"X-Forwarded-For": "203.0.113.9, 198.51.100.200"}
    got = [proxied.get("/v1/public/directory", params={"q": "ada"}, headers=hops).status_code
           for _ in range(3)]  # fmt: skip
    assert got == [200, 200, 429]


def test_finding_4_old_rate_windows_are_swept_whoever_they_belonged_to(
    campus_db: Context, still: StillClock
) -> None:
    api = make_api(campus_db, public_rate_window=1, trusted_proxies=("10.0.0.1",))
    proxied = TestClient(api.client.app, client=("10.0.0.1", 4000))
    for i in range(20):
        hops = {"X-Forwarded-For": f"198.51.100.{i}"}
        proxied.get("/v1/public/directory", params={"q": "ada"}, headers=hops)
    with campus_db.transaction() as session:
        assert (session.scalar(select(func.count()).select_from(RateWindow)) or 0) >= 20
    still.at += timedelta(seconds=2.1)  # two windows of one second later, any lookup sweeps them
    proxied.get("/v1/public/directory", params={"q": "ada"})
    with campus_db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(RateWindow)) == 1


# 5. The clock tells withheld from unknown ------------------------------------------------------


def test_finding_5_withheld_and_unknown_run_the_same_statements(campus_db: Context) -> None:
    # a day-long window: no new window (and so no sweep) starts while we count
    api = make_api(campus_db, public_rate_window=86_400)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = api.context.store.engine
    # the first lookup of a window also sweeps old rate-limit windows: not the one measured
    api.client.get("/v1/public/directory", params={"q": "warm-up"})
    event.listen(engine, "before_cursor_execute", count)
    try:
        runs: dict[str, list[str]] = {}
        for query in ("u-grace", "u-nobody", "Grace Hopper", "Nobody Atall"):
            statements.clear()
            answer = api.client.get("/v1/public/directory", params={"q": query})
            assert answer.status_code == 404
            runs[query] = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert runs["u-grace"] == runs["u-nobody"] == runs["Grace Hopper"] == runs["Nobody Atall"]


# 6. Server errors on bad input ---------------------------------------------------------------


def test_finding_6_odd_types_in_store_backed_questions_are_the_caller_s_error(api: Api) -> None:
    base = {"recipient": {"id": "u-ada"}, "information": ["grades"], "student": {"id": "u-ada"}}
    odd: list[dict[str, Any]] = [
        {**base, "student": "abc"},
        {**base, "purpose": 5},
        {**base, "information": [["grades"]]},
        {**base, "student": {"id": {"a": 1}}},
        {**base, "recipient": {"id": ["u-ada"]}},
    ]
    for question in odd:
        for who in ("student", "registrar"):
            answer = api.client.post("/v1/decisions", json=question, headers=api.auth(who))
            assert 400 <= answer.status_code < 500, (question, answer.text)
            assert set(answer.json()) == {"error"}


def test_finding_6_deep_duplicate_and_undecodable_bodies_are_refused(api: Api) -> None:
    headers = {**api.auth("student"), "Content-Type": "application/json"}
    deep = b"[" * 1000 + b"]" * 1000
    duplicate = b'{"recipient": {"kind": "public"}, "recipient": {"kind": "parent"}, ' \
                b'"information": ["name"]}'  # fmt: skip
    undecodable = b'{"recipient": {"kind": "public"}, "information": ["\xff"]}'
    for body in (deep, b"[" * 70 * 500, duplicate, undecodable):
        answer = api.client.post("/v1/decisions", content=body, headers=headers)
        assert answer.status_code == 400, answer.text[:200]
        assert answer.json()["error"]["code"] == "bad_request"


def test_finding_6_an_oversized_body_is_refused_before_it_is_read(api: Api) -> None:
    received = 0

    def body() -> Any:
        nonlocal received
        for _ in range(200):
            received += 1
            yield b" " * 65536

    answer = api.client.post("/v1/decisions", content=body(),
                             headers={"Content-Type": "application/json"})  # fmt: skip
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "too_large"
    declared = api.client.post(
        "/v1/decisions", content=b"{}", headers={"Content-Length": str(100 * 2**20)}
    )
    assert declared.status_code == 413


# 8. The inside directory shows the outside view --------------------------------------------------


def test_finding_8_the_inside_directory_shows_the_reader_s_view(api: Api) -> None:
    registrar = api.client.get("/v1/directory", params={"q": "u-grace"},
                               headers=api.auth("registrar"))  # fmt: skip
    assert registrar.status_code == 200, registrar.text
    entry = registrar.json()
    assert entry["withheld"] is True and entry["items"]["degrees"] == "S.B., 2025"
    shown = runner.invoke(cli, ["directory", "u-grace", "--as", "u-reg", "--json",
                                "--database", api.context.store.url])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert entry == json.loads(shown.stdout)
    # another student may see nothing of a withheld student, not even that she exists
    student = api.client.get("/v1/directory", params={"q": "u-grace"}, headers=api.auth("student"))
    unknown = api.client.get("/v1/directory", params={"q": "u-nobody"}, headers=api.auth("student"))
    assert student.status_code == unknown.status_code == 404
    assert student.content == unknown.content


# 9. The CLI records changes in nobody's name -----------------------------------------------


def test_finding_9_changes_on_the_cli_name_someone_who_may_make_them(api: Api) -> None:
    url = api.context.store.url
    from tests.api import campus

    suppression = str(campus.IDS["own"]["suppression"])
    outsider = runner.invoke(cli, ["rescind", suppression, "--by", "c-acme", "--database", url])
    assert outsider.exit_code == 2 and "registrar" in outsider.stderr.lower(), outsider.output
    nobody = runner.invoke(cli, ["consent", "revoke", "1", "--database", url])
    assert nobody.exit_code == 2 and "--by" in nobody.output, nobody.output
    done = runner.invoke(cli, ["rescind", suppression, "--by", "u-reg", "--database", url])
    assert done.exit_code == 0, done.output
