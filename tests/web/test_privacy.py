"""The student privacy center without a browser: who may come, what changes, and how it is shown."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from discretion.importers.demo import DEMO_PEOPLE
from discretion.services import Context, access_journal
from discretion.services.changes import grant_consent, list_consents, list_suppressions
from discretion.services.directory import lookup
from discretion.services.principals import principal_for_person
from tests.web.conftest import csrf_of

ME, OTHER = "student-000001", "student-000002"
REGISTRAR = DEMO_PEOPLE["registrar"]
PAGES = (
    "/privacy",
    "/privacy/suppress/term_address",
    "/privacy/withhold",
    "/privacy/rescind",
    "/privacy/consents",
    "/privacy/consents/new",
    "/privacy/permissions",
    "/privacy/history",
    "/privacy/see-my-records",
    "/privacy/records-requests",
)


def _sign_in(site: TestClient, person_id: str) -> str:
    token = csrf_of(site.get("/sign-in").text)
    answer = site.post("/sign-in/demo", data={"csrf": token, "person": person_id})
    assert answer.status_code == 303, answer.text
    return csrf_of(site.get("/privacy").text) if person_id.startswith("student") else token


def _public(campus: Context, student_id: str) -> dict[str, str]:
    with campus.transaction() as session:
        entry = lookup(session, campus.profile, student_id)
    return entry.items if entry else {}


def _future(days: int = 90) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def _consent(site: TestClient, token: str, **changes: object) -> Any:
    form: dict[str, object] = {
        "csrf": token,
        "recipient": "Professor Ada Byron",
        "purpose": "A letter of recommendation for graduate school",
        "items": ["grades", "transcript"],
        "expires": _future(),
        **changes,
    }
    return site.post("/privacy/consents/new", data=form)


def test_anonymous_is_sent_to_sign_in(site: TestClient) -> None:
    for path in PAGES:
        answer = site.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/sign-in", path
    assert site.post("/privacy/withhold", data={}).status_code == 303


def test_staff_are_told_the_pages_are_for_students(site: TestClient, campus: Context) -> None:
    token = _sign_in(site, REGISTRAR)
    for path in PAGES:
        answer = site.get(path)
        assert answer.status_code == 403 and "For students only" in answer.text, path
    before = _public(campus, ME)
    for path in ("/privacy/withhold", "/privacy/suppress/email", "/privacy/consents/new"):
        assert site.post(path, data={"csrf": token}).status_code == 403, path
    assert _public(campus, ME) == before
    with campus.transaction() as session:
        registrar = principal_for_person(session, REGISTRAR, "demo")
        assert all(s.recorded_by != REGISTRAR for s in list_suppressions(session, registrar, ME))


def test_a_student_sees_their_own_entry_both_ways(site: TestClient, campus: Context) -> None:
    _sign_in(site, ME)
    page = site.get("/privacy")
    assert page.status_code == 200, page.text
    for path in PAGES:
        answer = site.get(path)
        assert answer.status_code == 200, path
        assert "<script" not in answer.text and " style=" not in answer.text, path
        assert "content-security-policy" in answer.headers, path
    public = _public(campus, ME)
    assert public and public["name"] in page.text
    assert "The public sees" in page.text and "The Institute sees" in page.text
    assert 'href="/privacy/suppress/email"' in page.text
    assert "<script" not in page.text and " style=" not in page.text


def test_suppressing_an_item_changes_the_public_column(site: TestClient, campus: Context) -> None:
    _sign_in(site, ME)
    email = _public(campus, ME)["email"]
    confirm = site.get("/privacy/suppress/email")
    assert "Your email address will no longer appear in the public directory" in confirm.text
    assert "Officials of the Institute with a need to know will still see it" in confirm.text
    done = site.post("/privacy/suppress/email", data={"csrf": csrf_of(confirm.text)})
    assert done.status_code == 303, done.text
    reference = int(done.headers["location"].rsplit("/", 1)[1])
    page = site.get(done.headers["location"])
    assert page.status_code == 200 and f"S-{reference}" in page.text
    assert "Your email address is private" in page.text
    assert "email" not in _public(campus, ME)
    entry = site.get("/privacy").text
    row = re.search(r'<tr id="item-email">(.*?)</tr>', entry, re.S)
    assert row is not None
    public_cell, inside_cell = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)[:2]
    assert email not in public_cell and "You keep this private" in public_cell
    assert email in inside_cell
    assert f"S-{reference}" in row.group(1) and 'href="/privacy/release/email"' in row.group(1)
    again = site.post("/privacy/suppress/email", data={"csrf": csrf_of(entry)})
    assert again.status_code == 409 and "already private" in again.text


def test_withholding_everything_empties_the_public_view(site: TestClient, campus: Context) -> None:
    _sign_in(site, ME)
    confirm = site.get("/privacy/withhold")
    assert "The public directory will not show you at all" in confirm.text
    assert _public(campus, ME)["name"] in confirm.text  # what will disappear, named
    done = site.post("/privacy/withhold", data={"csrf": csrf_of(confirm.text)})
    assert done.status_code == 303
    page = site.get(done.headers["location"])
    assert "You withheld everything" in page.text and re.search(r"S-\d+", page.text)
    assert _public(campus, ME) == {}
    entry = site.get("/privacy").text
    assert "You have withheld everything" in entry and 'href="/privacy/withhold"' not in entry
    rescind = site.get("/privacy/rescind")
    assert rescind.status_code == 200
    assert "Your request to withhold everything" in rescind.text
    assert site.post("/privacy/rescind", data={}).status_code == 403  # no token, no change
    assert _public(campus, ME) == {}
    shown = site.post("/privacy/rescind", data={"csrf": csrf_of(rescind.text)})
    assert shown.status_code == 303
    page = site.get(shown.headers["location"])
    assert "Your requests have ended" in page.text and re.search(r"S-\d+", page.text)
    assert _public(campus, ME) != {}  # the public directory shows the student again
    again = site.post("/privacy/rescind", data={"csrf": csrf_of(rescind.text)})
    assert again.status_code == 409


def test_a_change_without_the_csrf_token_changes_nothing(site: TestClient, campus: Context) -> None:
    _sign_in(site, ME)
    before = _public(campus, ME)
    for path in ("/privacy/withhold", "/privacy/suppress/email", "/privacy/consents/new"):
        for form in ({}, {"csrf": "forged"}):
            refused = site.post(path, data=form)
            assert refused.status_code == 403, path
            assert "Nothing was changed" in refused.text
    assert _public(campus, ME) == before
    with campus.transaction() as session:
        me = principal_for_person(session, ME, "demo")
        assert list_consents(session, me, ME) == []


def test_an_unknown_item_is_not_found(site: TestClient) -> None:
    token = _sign_in(site, ME)
    assert site.get("/privacy/suppress/grades").status_code == 404
    assert site.post("/privacy/suppress/grades", data={"csrf": token}).status_code == 404
    assert site.get("/privacy/release/email").status_code == 404  # not suppressed


def test_consent_errors_are_summarised_and_beside_each_field(site: TestClient) -> None:
    token = _sign_in(site, ME)
    answer = site.post(
        "/privacy/consents/new",
        data={"csrf": token, "recipient": "", "purpose": " ", "expires": "2020-01-01"},
    )
    assert answer.status_code == 400
    text = answer.text
    assert "There is a problem" in text
    for field, message in (
        ("recipient", "Enter who may receive the information"),
        ("purpose", "Enter what the information is for"),
        ("items", "Choose at least one kind of information"),
        ("expires", "The date your consent ends must be in the future"),
    ):
        target = "items-0" if field == "items" else field
        assert f'<a href="#{target}">{message}</a>' in text, field
        assert f'id="{field}-error"' in text and text.count(message) == 2, field
    bad_date = _consent(site, token, expires="30/06/2027")
    assert "as a real date" in bad_date.text
    kept = _consent(site, token, recipient="", purpose="Kept purpose")
    assert 'value="Kept purpose"' in kept.text and "checked" in kept.text


def test_a_consent_is_granted_listed_and_revoked(site: TestClient, campus: Context) -> None:
    token = _sign_in(site, ME)
    granted = _consent(site, token)
    assert granted.status_code == 303, granted.text
    where = granted.headers["location"]
    consent_id = int(where.rsplit("/", 1)[1])
    done = site.get(where).text
    assert "You gave your consent" in done and f"C-{consent_id}" in done
    listing = site.get("/privacy/consents").text
    assert "Professor Ada Byron" in listing and "Grades and transcript" in listing
    assert "In force" in listing
    with campus.transaction() as session:
        me = principal_for_person(session, ME, "demo")
        (row,) = list_consents(session, me, ME)
        assert row.form == "written" and row.document_sha256 and row.recorded_by == ME
    confirm = site.get(f"/privacy/consents/{consent_id}/revoke")
    assert "will no longer give Professor Ada Byron your grades and transcript" in confirm.text
    revoked = site.post(f"/privacy/consents/{consent_id}/revoke", data={"csrf": token})
    assert revoked.status_code == 303
    after = site.get(revoked.headers["location"]).text
    assert "You revoked your consent" in after and f"C-{consent_id}" in after
    assert "Revoked on" in site.get("/privacy/consents").text
    assert site.get(f"/privacy/consents/{consent_id}/revoke").status_code == 404
    again = site.post(f"/privacy/consents/{consent_id}/revoke", data={"csrf": token})
    assert again.status_code == 409


def test_another_students_consent_reads_as_absent(site: TestClient, campus: Context) -> None:
    with campus.transaction() as session:
        other = principal_for_person(session, OTHER, "demo")
        theirs = grant_consent(
            session, campus.profile, actor=other, student_id=OTHER, recipient_id=None,
            recipient_name="Their employer", purpose="a job", items=["grades"], form="email",
            message_id="<theirs@test.edu>",
        ).id  # fmt: skip
    token = _sign_in(site, ME)
    assert "Their employer" not in site.get("/privacy/consents").text
    assert site.get(f"/privacy/consents/{theirs}/revoke").status_code == 404
    assert site.get(f"/privacy/done/consent/{theirs}").status_code == 404
    refused = site.post(f"/privacy/consents/{theirs}/revoke", data={"csrf": token})
    assert refused.status_code == 404
    with campus.transaction() as session:
        other = principal_for_person(session, OTHER, "demo")
        (row,) = list_consents(session, other, OTHER)
        assert row.revoked_at is None


def test_another_students_suppression_reads_as_absent(site: TestClient) -> None:
    _sign_in(site, OTHER)
    token = csrf_of(site.get("/privacy/suppress/email").text)
    made = site.post("/privacy/suppress/email", data={"csrf": token}).headers["location"]
    site.cookies.clear()
    _sign_in(site, ME)
    assert site.get(made).status_code == 404


@pytest.mark.parametrize("path", ["/privacy/permissions", "/privacy/history"])
def test_the_records_pages_are_the_students_own(site: TestClient, path: str) -> None:
    _sign_in(site, ME)
    page = site.get(path)
    assert page.status_code == 200
    if path.endswith("permissions"):
        assert "Federal Bureau of Investigation" in page.text  # the demo's authorisation
    _sign_in(site, OTHER)
    assert "Federal Bureau of Investigation" not in site.get(path).text


def test_the_history_shows_who_read_my_record(site: TestClient, campus: Context) -> None:
    with campus.transaction() as session:
        registrar = principal_for_person(session, REGISTRAR, "demo")
        access_journal.record(
            session, reader=registrar, student_id=ME, shown=["grades"], door="api"
        )
    _sign_in(site, ME)
    page = site.get("/privacy/history").text
    assert "Who inside the Institute read your record" in page
    assert "Grades" in page and "the API" in page


def test_asking_to_see_my_records_says_how(site: TestClient) -> None:
    _sign_in(site, ME)
    page = site.get("/privacy/see-my-records").text
    assert "within 45 days" in page and "Registrar" in page and "5-119" in page
