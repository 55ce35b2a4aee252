"""The access-request routes: filing, the clock, the copy, and who may see what."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from discretion.api.app import create_app
from discretion.services import Context, inspection
from discretion.services import access_requests as requests
from discretion.services.principals import IMPORTER
from discretion.services.tokens import create_token
from discretion.store.models import Change, InspectionCopy, Person
from tests.api import campus
from tests.api.conftest import Api, settings

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ME, CLASSMATES = "student-000001", ("student-000002", "student-000003", "student-000004")
REGISTRAR = "staff-registrar-1"


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    error: dict[str, Any] = body["error"]
    return error


class Clock:
    """The access requests' clock, moved by hand."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    made = Clock()
    monkeypatch.setattr(requests, "now", made)
    yield made


def test_a_student_files_online_and_sees_it(api: Api) -> None:
    mine = api.auth("student")
    r = api.client.post("/v1/access-requests", json={"student_id": campus.OWN, "method": "online"},
                        headers=mine)  # fmt: skip
    assert r.status_code == 201, r.text
    filed = r.json()
    assert filed["state"] == "open" and filed["method"] == "online"
    assert filed["recorded_by"] == "u-ada" and not filed["overdue"]
    listed = api.client.get("/v1/access-requests", headers=mine)
    assert listed.status_code == 200, listed.text
    assert filed["id"] in [view["id"] for view in listed.json()]
    assert {view["student_id"] for view in listed.json()} == {campus.OWN}
    one = api.client.get(f"/v1/access-requests/{filed['id']}", headers=mine)
    assert one.status_code == 200, one.text
    assert one.json()["due_at"] == filed["due_at"]


def test_a_spoken_request_is_refused_with_how_to_write_it(api: Api) -> None:
    r = api.client.post(
        "/v1/access-requests",
        json={"student_id": campus.OWN, "method": "verbal", "received_at": "2026-01-05"},
        headers=api.auth("registrar"),
    )
    assert r.status_code == 400, r.text
    error = _error(r)
    assert error["code"] == "invalid_request" and "must be in writing" in error["message"]


def test_unknown_fields_and_bad_dates_are_refused_in_the_error_shape(api: Api) -> None:
    fax = {"student_id": campus.OWN, "method": "paper", "by": "fax"}
    r = api.client.post("/v1/access-requests", headers=api.auth("registrar"), json=fax)
    assert r.status_code == 422, r.text
    assert _error(r)["code"] == "validation_error"
    r = api.client.post("/v1/access-requests", headers=api.auth("registrar"),
                        json={"student_id": campus.OWN, "method": "paper",
                              "received_at": "last week"})  # fmt: skip
    assert r.status_code == 400, r.text
    assert "`last week` is not a date" in _error(r)["message"]


@pytest.mark.parametrize("tail", ["", "/copies", "/copy.pdf", "/copy.json"])
def test_to_a_student_another_s_request_looks_like_none(api: Api, tail: str) -> None:
    other = campus.IDS["other"]["access_request"]
    theirs = api.client.get(f"/v1/access-requests/{other}{tail}", headers=api.auth("student"))
    none = api.client.get(f"/v1/access-requests/987654{tail}", headers=api.auth("student"))
    assert theirs.status_code == none.status_code == 403
    assert theirs.json() == none.json()
    _error(theirs)


@pytest.mark.parametrize("action", ["pause", "withdraw"])
def test_to_a_student_acting_on_another_s_request_looks_like_none(api: Api, action: str) -> None:
    other = campus.IDS["other"]["access_request"]
    body = {"reason": "x"} if action == "pause" else None
    theirs = api.client.post(f"/v1/access-requests/{other}/{action}", json=body,
                             headers=api.auth("student"))  # fmt: skip
    none = api.client.post(f"/v1/access-requests/987654/{action}", json=body,
                           headers=api.auth("student"))  # fmt: skip
    assert (theirs.status_code, theirs.json()) == (none.status_code, none.json())


def test_a_non_registrar_official_is_refused(api: Api) -> None:
    staff = api.auth("official")
    own = campus.IDS["own"]["access_request"]
    for method, path, body in (
        ("GET", "/v1/access-requests", None),
        ("GET", f"/v1/access-requests/{own}", None),
        ("POST", "/v1/access-requests",
         {"student_id": campus.OWN, "method": "paper", "received_at": "2026-01-05"}),
        ("POST", f"/v1/access-requests/{own}/pause", {"reason": "checking"}),
        ("POST", f"/v1/access-requests/{own}/copy", None),
    ):  # fmt: skip
        r = api.client.request(method, path, json=body, headers=staff)
        assert r.status_code == 403, f"{method} {path}: {r.text}"
        assert _error(r)["code"] == "forbidden"


def test_the_registrar_s_unknown_request_is_not_found(api: Api) -> None:
    r = api.client.get("/v1/access-requests/987654", headers=api.auth("registrar"))
    assert r.status_code == 404, r.text
    assert _error(r)["message"] == "unknown access request `987654`"


def test_a_pause_moves_the_effective_due_date(api: Api, clock: Clock) -> None:
    office = api.auth("registrar")
    r = api.client.post("/v1/access-requests", headers=office,
                        json={"student_id": campus.OWN, "method": "email",
                              "received_at": "2027-02-20"})  # fmt: skip
    assert r.status_code == 201, r.text
    filed = r.json()
    assert filed["effective_due_at"] == filed["due_at"]
    paused = api.client.post(f"/v1/access-requests/{filed['id']}/pause", headers=office,
                             json={"reason": "confirming the sender is the student"})  # fmt: skip
    assert paused.status_code == 200, paused.text
    assert paused.json()["state"] == "paused"
    again = api.client.post(f"/v1/access-requests/{filed['id']}/pause", headers=office,
                            json={"reason": "twice"})  # fmt: skip
    assert again.status_code == 409 and _error(again)["code"] == "conflict"
    clock.at += timedelta(days=3)
    resumed = api.client.post(f"/v1/access-requests/{filed['id']}/resume", headers=office)
    assert resumed.status_code == 200, resumed.text
    view = resumed.json()
    assert view["state"] == "open" and view["paused_days"] == 3
    due, moved = (datetime.fromisoformat(view[key]) for key in ("due_at", "effective_due_at"))
    assert moved - due == timedelta(days=3)
    assert [step["action"] for step in view["transitions"]] == ["file", "pause", "resume"]
    refused = api.client.post(f"/v1/access-requests/{filed['id']}/refuse", headers=office,
                              json={"reason": ""})  # fmt: skip
    assert refused.status_code == 422, refused.text
    _error(refused)


def _tokens(context: Context) -> dict[str, dict[str, str]]:
    made = {}
    with context.transaction() as session:
        for person, roles in ((ME, ["student"]), (REGISTRAR, ["official", "registrar"])):
            _, secret = create_token(session, actor=IMPORTER, name=person, roles=roles,
                                     person_id=person,
                                     expires_at=datetime(2100, 1, 1, tzinfo=UTC))  # fmt: skip
            made[person] = {"Authorization": f"Bearer {secret}"}
    return made


def test_the_student_downloads_a_released_copy_without_classmates(demo: Context) -> None:
    tokens = _tokens(demo)
    student, office = tokens[ME], tokens[REGISTRAR]
    with TestClient(create_app(settings(), demo)) as client:
        r = client.post("/v1/access-requests", json={"student_id": ME, "method": "online"},
                        headers=student)  # fmt: skip
        assert r.status_code == 201, r.text
        request_id = r.json()["id"]
        early = client.get(f"/v1/access-requests/{request_id}/copy.pdf", headers=student)
        assert early.status_code == 404 and _error(early)["code"] == "not_found"
        compiled = client.post(f"/v1/access-requests/{request_id}/copy", headers=office)
        assert compiled.status_code == 201, compiled.text
        assert compiled.json()["state"] == "ready" and compiled.json()["redactions"] > 0
        assert client.get(f"/v1/access-requests/{request_id}/copies", headers=student).json() == []
        released = client.post(f"/v1/access-requests/{request_id}/copy/release", headers=office)
        assert released.status_code == 200, released.text
        assert released.json()["state"] == "released" and released.json()["expires_at"]
        shown = client.get(f"/v1/access-requests/{request_id}", headers=student).json()
        assert shown["state"] == "fulfilled"
        pdf = client.get(f"/v1/access-requests/{request_id}/copy.pdf", headers=student)
        assert pdf.status_code == 200, pdf.text
        assert pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith("attachment;")
        assert pdf.headers["cache-control"] == "no-store"
        data = client.get(f"/v1/access-requests/{request_id}/copy.json", headers=student)
        assert data.status_code == 200, data.text
        assert data.headers["content-disposition"].startswith("attachment;")
        assert data.headers["cache-control"] == "no-store"
        bundle = json.loads(data.content)
    assert bundle["student"]["id"] == ME and bundle["redactions"] > 0
    with demo.transaction() as session:
        classmates = [session.get(Person, sid) for sid in CLASSMATES]
        names = [(p.given_name, p.family_name, p.username) for p in classmates if p]
    assert len(names) == 3
    text = data.text
    for given, family, username in names:
        assert f"{given} {family}" not in text
        assert username and username not in text


def test_a_copy_past_its_day_is_deleted_when_anyone_asks_for_it(
    demo: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = _tokens(demo)
    student, office = tokens[ME], tokens[REGISTRAR]
    with TestClient(create_app(settings(), demo)) as client:
        r = client.post("/v1/access-requests", json={"student_id": ME, "method": "online"},
                        headers=student)  # fmt: skip
        request_id = r.json()["id"]
        client.post(f"/v1/access-requests/{request_id}/copy", headers=office)
        client.post(f"/v1/access-requests/{request_id}/copy/release", headers=office)
        later = datetime.now(UTC) + timedelta(days=31)
        monkeypatch.setattr(inspection, "now", lambda: later)
        gone = client.get(f"/v1/access-requests/{request_id}/copy.pdf", headers=student)
        assert gone.status_code == 404 and "kept its full time" in _error(gone)["message"]
        [view] = client.get(f"/v1/access-requests/{request_id}/copies", headers=office).json()
        assert view["state"] == "purged"
    with demo.transaction() as session:
        kept = session.scalars(select(InspectionCopy)).one()
        assert (kept.bundle, kept.pdf) == (None, None)
        purge = session.scalars(select(Change).where(Change.action == "purge")).one()
        assert purge.actor == "retention"
