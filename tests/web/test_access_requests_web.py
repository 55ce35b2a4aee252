"""Access-request pages without a browser: who may come, forms that need CSRF, masked requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from discretion.importers.demo import DEMO_PEOPLE
from discretion.services import Context, access_requests, inspection
from discretion.services.principals import principal_for_person
from discretion.store.models import Change, InspectionCopy
from tests.web.conftest import csrf_of

REGISTRAR, DEAN = DEMO_PEOPLE["registrar"], "staff-dean-graduate-1"


def _sign_in(site: TestClient, person_id: str) -> str:
    token = csrf_of(site.get("/sign-in").text)
    answer = site.post("/sign-in/demo", data={"csrf": token, "person": person_id})
    assert answer.status_code == 303, answer.text
    return csrf_of(site.get("/").text)


def _letter(campus: Context, student: str, days_ago: int) -> int:
    with campus.transaction() as session:
        office = principal_for_person(session, REGISTRAR, "demo")
        return access_requests.file_request(
            session, actor=office, student_id=student, method="paper",
            received_at=datetime.now(UTC) - timedelta(days=days_ago),
        ).id  # fmt: skip


def test_a_dean_is_refused_the_access_requests_and_sees_no_panel(
    site: TestClient, campus: Context
) -> None:
    _letter(campus, "student-000002", 46)
    token = _sign_in(site, DEAN)
    assert "Access requests" not in site.get("/desk").text
    answer = site.get("/desk/access-requests")
    assert answer.status_code == 403 and "For the desk only" in answer.text
    refused = site.post("/desk/access-requests/1/pause", data={"csrf": token, "reason": "x"})
    assert refused.status_code == 403


def test_the_desk_home_lists_overdue_before_nearly_due(site: TestClient, campus: Context) -> None:
    soon, late = _letter(campus, "student-000002", 40), _letter(campus, "student-000003", 47)
    _sign_in(site, REGISTRAR)
    home = site.get("/desk").text
    assert "1 overdue, 1 due within 7 days" in home
    assert home.index(f"A-{late}<") < home.index(f"A-{soon}<")
    assert "Overdue by 2 days" in home and "Due in 4 days" in home


def test_a_form_without_its_token_changes_nothing(site: TestClient, campus: Context) -> None:
    number = _letter(campus, "student-000001", 3)
    _sign_in(site, REGISTRAR)
    answer = site.post(f"/desk/access-requests/{number}/pause", data={"reason": "checking"})
    assert answer.status_code == 403 and "Nothing changed" in answer.text
    _sign_in(site, "student-000001")
    answer = site.post("/privacy/records-requests", data={})
    assert answer.status_code == 403 and "Nothing changed" in answer.text
    assert "Not ready yet" in site.get("/privacy/records-requests").text


def test_to_a_student_another_s_request_is_not_there(site: TestClient, campus: Context) -> None:
    theirs = _letter(campus, "student-000002", 3)
    token = _sign_in(site, "student-000001")
    page = site.get("/privacy/records-requests").text
    assert f"A-{theirs}<" not in page
    assert site.get(f"/privacy/records-requests/{theirs}/withdraw").status_code == 404
    withdraw = site.post(f"/privacy/records-requests/{theirs}/withdraw", data={"csrf": token})
    none = site.post("/privacy/records-requests/987654/withdraw", data={"csrf": token})
    assert withdraw.status_code == none.status_code == 404
    for kind in ("pdf", "json"):
        assert site.get(f"/privacy/records-requests/{theirs}/copy.{kind}").status_code == 404


def test_a_student_files_online_and_withdraws(site: TestClient) -> None:
    token = _sign_in(site, "student-000001")
    filed = site.post("/privacy/records-requests", data={"csrf": token})
    assert filed.status_code == 303
    number = int(filed.headers["location"].split("filed=")[1].split("#")[0])
    page = site.get(filed.headers["location"]).text
    assert f"Your reference: <strong>A-{number}</strong>" in page and "Due in 44 days" in page
    asked = site.get(f"/privacy/records-requests/{number}/withdraw")
    assert asked.status_code == 200 and "Withdraw this request?" in asked.text
    assert "cannot be reopened" in asked.text and f"A-{number}" in asked.text
    assert "Withdrawn" not in site.get("/privacy/records-requests").text  # asking changed nothing
    done = site.post(f"/privacy/records-requests/{number}/withdraw", data={"csrf": token})
    assert done.status_code == 303
    assert "Withdrawn" in site.get("/privacy/records-requests").text
    again = site.post(f"/privacy/records-requests/{number}/withdraw", data={"csrf": token})
    assert again.status_code == 409 and "it is final" in again.text


def test_a_copy_past_its_day_is_not_offered_and_the_page_writes_nothing(
    site: TestClient, campus: Context
) -> None:
    number = _letter(campus, "student-000001", 3)
    with campus.transaction() as session:
        office = principal_for_person(session, REGISTRAR, "demo")
        inspection.compile_copy(session, campus.profile, office, number)
        inspection.release_copy(session, campus.profile, office, number)
        copy = session.scalars(select(InspectionCopy)).one()
        copy.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    with campus.transaction() as session:
        changes = session.scalar(select(func.count()).select_from(Change))
    _sign_in(site, "student-000001")
    page = site.get("/privacy/records-requests").text
    assert "has been deleted" in page and f"/privacy/records-requests/{number}/copy.pdf" not in page
    with campus.transaction() as session:  # viewing the list purged nothing and recorded nothing
        assert session.scalars(select(InspectionCopy.state)).one() == "released"
        assert session.scalar(select(func.count()).select_from(Change)) == changes
    assert site.get(f"/privacy/records-requests/{number}/copy.pdf").status_code == 404
    with campus.transaction() as session:  # asking for it deleted it
        assert session.scalars(select(InspectionCopy.state)).one() == "purged"
