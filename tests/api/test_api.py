"""The API's behaviour beyond who may call what: answers, errors, sessions, limits."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from discretion.api.app import create_app
from discretion.api.routes import directory
from discretion.api.settings import Settings
from discretion.cli.main import app
from discretion.services import Context, LogKeyMissingError, open_context
from discretion.services.log_keys import DEMO_LOG_KEY, LogKey
from discretion.services.principals import IMPORTER
from discretion.services.tokens import create_token, revoke_token
from discretion.store.schema import upgrade
from tests.api.conftest import Api, make_api, settings

PARENT = {"recipient": {"kind": "parent"}, "information": ["grades"]}


def _error(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    error: dict[str, object] = body["error"]
    return error


def test_a_question_with_stated_facts_gets_a_ruling(api: Api) -> None:
    answer = api.client.post("/v1/decisions", json=PARENT, headers=api.auth("student"))
    assert answer.status_code == 200
    ruling = answer.json()
    assert ruling["decision"] == "refer" and ruling["refer_to"]["office"] == "dean_undergraduate"
    assert "facts" not in ruling


def test_a_batch_gets_rulings_in_its_order(api: Api) -> None:
    public = {"recipient": {"kind": "public"}, "information": ["name"]}
    answer = api.client.post("/v1/decisions", json=[public, PARENT], headers=api.auth("service"))
    assert [r["decision"] for r in answer.json()] == ["permit", "refer"]


def test_a_store_backed_question_carries_the_facts(api: Api) -> None:
    question = {"recipient": {"id": "c-acme"}, "information": ["grades"],
                "student": {"id": "u-ada"}, "purpose": "summer internship"}  # fmt: skip
    answer = api.client.post("/v1/decisions", json=question, headers=api.auth("registrar"))
    ruling = answer.json()
    assert ruling["decision"] == "permit", ruling
    assert ruling["facts"]["question"]["student"]["suppressed"] == [
        "permanent_address",
        "term_address",
    ]


def test_a_store_backed_answer_says_when_a_consent_on_file_would_help(api: Api) -> None:
    # Ada's consent to Acme is for "a job": a question that states no purpose is denied
    question = {"recipient": {"id": "c-acme"}, "information": ["grades"],
                "student": {"id": "u-ada"}}  # fmt: skip
    ruling = api.client.post("/v1/decisions", json=question, headers=api.auth("registrar")).json()
    assert ruling["decision"] == "deny"
    assert any("on file" in note and "would permit grades" in note for note in ruling["notes"])
    stated = {**question, "purpose": "a job"}
    ruling = api.client.post("/v1/decisions", json=stated, headers=api.auth("registrar")).json()
    assert ruling["decision"] == "permit" and ruling["notes"] == []
    unknown = {**question, "subject": "99.999"}
    answer = api.client.post("/v1/decisions", json=unknown, headers=api.auth("registrar"))
    assert answer.status_code == 404 and "unknown subject" in str(_error(answer)["message"])


def test_a_bad_question_says_where_it_is_wrong(api: Api) -> None:
    wrong = {"recipient": {"kind": "alien"}, "information": ["grades"]}
    answer = api.client.post("/v1/decisions", json=[PARENT, wrong], headers=api.auth("service"))
    assert answer.status_code == 422
    error = _error(answer)
    assert error["code"] == "invalid_question"
    assert str(error["message"]).startswith("question 1: invalid question at `recipient.kind`")
    not_json = api.client.post(
        "/v1/decisions", content=b"{", headers={**api.auth("service"), "Content-Type": "x"}
    )
    assert not_json.status_code == 400 and _error(not_json)["code"] == "bad_request"
    too_many = api.client.post("/v1/decisions", json=[PARENT] * 1001, headers=api.auth("service"))
    assert too_many.status_code == 422


def test_an_empty_batch_is_refused_by_the_api_and_by_discretion_ask_alike(api: Api) -> None:
    answer = api.client.post("/v1/decisions", json=[], headers=api.auth("service"))
    assert answer.status_code == 422
    assert _error(answer)["message"] == "send between 1 and 1000 questions in a batch"
    for args in (["ask", "-"], ["ask", "-", "--json"]):
        result = CliRunner().invoke(app, args, input="[]")
        assert (result.exit_code, result.stdout) == (2, "")  # refused: nothing ruled
        assert "the array holds no questions" in result.stderr


def test_validation_errors_name_each_field(api: Api) -> None:
    answer = api.client.post(
        "/v1/students/u-ada/consents",
        json={"items": [], "form": "postcard", "colour": "red"},
        headers=api.auth("registrar"),
    )
    assert answer.status_code == 422
    paths = {f["path"] for f in _error(answer)["details"]["fields"]}  # type: ignore[index]
    assert {"body.purpose", "body.items", "body.form", "body.colour"} <= paths


def test_a_verbal_consent_to_someone_outside_is_refused(api: Api) -> None:
    url, registrar = "/v1/students/u-alan/consents", api.auth("registrar")
    before = api.client.get(url, headers=registrar).json()
    body = {"recipient_id": "c-acme", "purpose": "a job", "items": ["grades"], "form": "verbal"}
    answer = api.client.post(
        "/v1/students/u-alan/consents", json=body, headers=api.auth("registrar")
    )
    assert answer.status_code == 400, answer.text
    assert _error(answer)["code"] == "invalid_request"
    assert "a verbal consent cannot permit a release outside the Institute" in str(
        _error(answer)["message"]
    )
    assert api.client.get(url, headers=registrar).json() == before


def test_unknown_routes_and_methods_answer_in_the_error_shape(api: Api) -> None:
    assert _error(api.client.get("/v1/nothing"))["code"] == "not_found"
    assert _error(api.client.delete("/v1/decisions"))["code"] == "method_not_allowed"


def test_the_public_directory_answers_withheld_and_unknown_alike(api: Api) -> None:
    withheld = api.client.get("/v1/public/directory", params={"q": "u-grace"})
    unknown = api.client.get("/v1/public/directory", params={"q": "u-nobody"})
    assert withheld.status_code == unknown.status_code == 404
    assert withheld.content == unknown.content
    found = api.client.get("/v1/public/directory", params={"q": "Ada Lovelace"})
    assert found.json()["items"] == {"course": "8", "email": "ada@test.edu",
                                     "name": "Ada Lovelace", "year": "2"}  # fmt: skip
    for partial in ("Ada", "ada%", "*", "Ada Love"):
        assert api.client.get("/v1/public/directory", params={"q": partial}).status_code == 404


def test_the_public_directory_is_rate_limited_per_client(
    campus_db: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the clock stands still mid-window: four requests never straddle two windows
    still = datetime(2027, 1, 4, 12, 0, 30, tzinfo=UTC)
    monkeypatch.setattr(directory, "now", lambda: still)
    api = make_api(campus_db, public_rate_limit=3, public_rate_window=60)  # type: ignore[arg-type]
    statuses = [api.client.get("/v1/public/directory", params={"q": "ada"}) for _ in range(4)]
    assert [s.status_code for s in statuses] == [200, 200, 200, 429]
    limited = statuses[-1]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert _error(limited)["code"] == "rate_limited"


def test_a_withheld_student_s_record_shows_the_notice_to_staff(api: Api) -> None:
    record = api.client.get("/v1/students/u-grace/record", headers=api.auth("registrar"))
    assert record.status_code == 200
    assert record.json()["notice"].startswith("CONFIDENTIAL")


def test_a_revoked_or_expired_token_opens_nothing(api: Api) -> None:
    with api.context.transaction() as session:
        token, secret = create_token(session, actor=IMPORTER, name="cron", roles=["service"])
        _, stale = create_token(session, actor=IMPORTER, name="old", roles=["service"],
                                expires_at=datetime.now(UTC) + timedelta(seconds=1))  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/v1/me", headers=headers).status_code == 200
    with api.context.transaction() as session:
        revoke_token(session, actor=IMPORTER, token_id=token.id)
    assert api.client.get("/v1/me", headers=headers).status_code == 401
    assert api.client.get("/v1/me", headers={"Authorization": "Bearer dsc_nope"}).status_code == 401
    assert api.client.get("/v1/me", headers={"Authorization": "Basic x"}).status_code == 401
    del stale  # expiry is checked against the clock; see test_tokens for the boundary


def test_a_token_narrows_its_person_s_roles(api: Api) -> None:
    with api.context.transaction() as session:
        _, secret = create_token(session, actor=IMPORTER, name="reg script", roles=["official"],
                                 person_id="u-reg")  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/v1/me", headers=headers).json()["roles"] == ["official"]
    assert api.client.get("/v1/disclosures", headers=headers).status_code == 403


def test_a_demo_session_uses_secure_cookies_and_csrf(campus_db: object) -> None:
    api = make_api(campus_db, demo=True, cookie_secure=True)  # type: ignore[arg-type]
    client = TestClient(api.client.app, base_url="https://testserver", follow_redirects=False)
    people = client.get("/auth/demo")
    assert people.headers["X-Discretion-Demo"].startswith("demo sign-in is on")
    assert {p["person_id"] for p in people.json()} >= {"u-ada", "u-reg"}
    signed = client.post("/auth/demo", json={"person_id": "u-ada"})
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    csrf = signed.json()["csrf_token"]
    assert client.get("/v1/me").json()["person_id"] == "u-ada"
    refused = client.post("/v1/students/u-ada/suppressions", json={"item": "year"})
    assert refused.status_code == 403 and _error(refused)["code"] == "csrf_failed"
    done = client.post("/v1/students/u-ada/suppressions", json={"item": "year"},
                       headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert done.status_code == 201 and done.json()["method"] == "online"
    assert client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/v1/me").status_code == 401


def test_without_demo_there_is_no_demo_sign_in_or_notice(api: Api) -> None:
    answer = api.client.post("/auth/demo", json={"person_id": "u-reg"})
    assert answer.status_code == 404 and "X-Discretion-Demo" not in answer.headers


def test_a_referral_is_recorded_worked_and_closed_by_its_office(api: Api) -> None:
    dean, official = api.auth("office_member"), api.auth("official")
    permitted = {"recipient": {"kind": "public"}, "information": ["name"]}
    refused = api.client.post("/v1/referrals", json={"question": permitted, "requester": "x"},
                              headers=official)  # fmt: skip
    assert refused.status_code == 400 and "does not refer" in str(_error(refused)["message"])
    opened = api.client.post(
        "/v1/referrals",
        json={"question": {**PARENT, "student": {"id": "u-ada"}}, "requester": "Lord Byron"},
        headers=official,
    ).json()
    assert opened["office"] == "dean_undergraduate" and opened["status"] == "open"
    path = f"/v1/referrals/{opened['id']}"
    stranger = api.client.post(f"{path}/assign", json={"assignee_id": "u-kurt"}, headers=dean)
    assert stranger.status_code == 400
    assert api.client.post(f"{path}/assign", json={"assignee_id": "u-dean"},
                           headers=dean).json()["status"] == "assigned"  # fmt: skip
    closed = api.client.post(f"{path}/close", json={"outcome": "told the law"}, headers=dean)
    assert closed.json()["status"] == "closed" and closed.json()["closed_by"] == "u-dean"
    again = api.client.post(f"{path}/close", json={"outcome": "again"}, headers=dean)
    assert again.status_code == 409
    queue = api.client.get("/v1/referrals", params={"status": "closed"}, headers=dean).json()
    assert [r["id"] for r in queue] == [opened["id"]]


def test_the_app_is_ready_only_on_a_migrated_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    context = open_context(url, migrated=False)
    upgrade(context.store, "0001")
    client = TestClient(create_app(settings(), context))
    assert client.get("/healthz").json() == {"status": "ok"}
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503 and _error(not_ready)["code"] == "unavailable"
    context.upgrade()
    assert client.get("/readyz").status_code == 200
    context.close()


def test_the_app_refuses_to_start_on_an_unmigrated_database(tmp_path: Path) -> None:
    from discretion.services import NotMigratedError

    url = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    with pytest.raises(NotMigratedError, match="run `discretion db upgrade`"):
        create_app(settings(database_url=url))


def test_the_app_refuses_to_start_without_a_log_key_outside_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'keyed.sqlite3'}"
    context = open_context(url, migrated=False)
    context.upgrade()
    try:
        with pytest.raises(LogKeyMissingError, match="set DISCRETION_LOG_KEY") as refused:
            create_app(settings(database_url=url, log_key=None))
        assert "\n" not in str(refused.value)
        keyless = Context(context.store, context.profile, log_key=None)
        with pytest.raises(LogKeyMissingError, match="set DISCRETION_LOG_KEY"):
            create_app(settings(), keyless)
        demo = create_app(settings(database_url=url, log_key=None, demo=True))
        assert demo.state.context.log_key.key_id == LogKey(DEMO_LOG_KEY).key_id
        demo.state.context.close()
    finally:
        context.close()
    monkeypatch.setenv("DISCRETION_LOG_KEY", "from-the-environment-and-long-enough-to-use")
    assert Settings.from_env().log_key == "from-the-environment-and-long-enough-to-use"


def test_values_the_database_cannot_hold_are_the_caller_s_error(api: Api) -> None:
    # PostgreSQL refuses NUL characters and numbers past 32 bits; SQLite takes them
    for response in (
        api.client.get("/v1/public/directory", params={"q": "ada\x00"}),
        api.client.post("/v1/consents/2147483648/revoke", headers=api.auth("registrar")),
    ):
        assert 400 <= response.status_code < 500
        _error(response)


def test_a_revoked_token_stops_working_once_the_process_forgets_it(campus_db: object) -> None:
    api = make_api(campus_db, principal_cache_seconds=0.3)  # type: ignore[arg-type]
    with api.context.transaction() as session:
        token, secret = create_token(session, actor=IMPORTER, name="cron", roles=["service"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/v1/me", headers=headers).status_code == 200
    with api.context.transaction() as session:
        revoke_token(session, actor=IMPORTER, token_id=token.id)
    # within the remembered window the answer may still be the old one; after it, never
    time.sleep(0.35)
    assert api.client.get("/v1/me", headers=headers).status_code == 401


def test_a_class_list_is_found_by_the_subject_s_code(api: Api) -> None:
    official = api.auth("official")
    by_id = api.client.get("/v1/subjects/cls-801/class-list", headers=official)
    by_code = api.client.get("/v1/subjects/8.01/class-list", headers=official)
    assert by_id.status_code == by_code.status_code == 200, by_code.text
    assert by_code.json()["subject"] == "cls-801" and by_code.json()["code"] == "8.01"
    assert by_code.json()["students"] == by_id.json()["students"]
    assert api.client.get("/v1/subjects/18.01/class-list", headers=official).status_code == 403
    assert api.client.get("/v1/subjects/99.99/class-list", headers=official).status_code == 404
