"""The desk without a browser: who may come, the queue worked, the log searched and verified."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from discretion.importers.demo import DEMO_PEOPLE
from discretion.services import Context, disclosure_log
from discretion.services.principals import principal_for_person
from discretion.services.referrals import open_referral
from discretion.store.models import Consent
from tests.web.conftest import csrf_of

REGISTRAR, ADMINISTRATOR = DEMO_PEOPLE["registrar"], DEMO_PEOPLE["administrator"]
PAGES = ("/desk", "/desk/log", "/desk/journal", "/desk/consents", "/desk/charts",
         "/desk/access-requests")  # fmt: skip


def _sign_in(site: TestClient, person_id: str) -> str:
    token = csrf_of(site.get("/sign-in").text)
    answer = site.post("/sign-in/demo", data={"csrf": token, "person": person_id})
    assert answer.status_code == 303, answer.text
    return csrf_of(site.get("/").text)  # signing in starts a new token


def _referrals(campus: Context) -> dict[str, tuple[int, str]]:
    """Open a parent's request (a dean's) and a degree check (the Registrar's)."""
    with campus.transaction() as session:
        admin = principal_for_person(session, ADMINISTRATOR, "demo")
        made = {}
        for name, kind, item in (("parent", "parent", "grades"), ("degree", "employer", "degrees")):
            referral = open_referral(
                session, campus.profile, actor=admin, requester=f"a caller ({name})",
                question={"recipient": {"kind": kind}, "information": [item],
                          "student": {"id": "student-000001"}},
            )  # fmt: skip
            made[name] = (referral.id, referral.office)
    return made


def _disclose(campus: Context, recipient: str, student: str = "student-000002") -> None:
    with campus.transaction() as session:
        disclosure_log.append(
            session, actor_id=REGISTRAR, recipient=recipient, student_id=student,
            items=["grades"], rules=["disclosure.outside_with_written_consent"], purpose="a job",
        )  # fmt: skip


def test_anonymous_visitors_are_sent_to_sign_in(site: TestClient) -> None:
    for page in PAGES:
        answer = site.get(page)
        assert answer.status_code == 303 and answer.headers["location"] == "/sign-in"


def test_a_student_is_refused_every_page(site: TestClient) -> None:
    _sign_in(site, "student-000001")
    assert ">Desk<" not in site.get("/").text
    for page in PAGES:
        answer = site.get(page)
        assert answer.status_code == 403 and "For the desk only" in answer.text


def test_the_registrar_sees_every_page_and_the_link(site: TestClient) -> None:
    _sign_in(site, REGISTRAR)
    assert 'href="/desk">Desk<' in site.get("/").text
    for page in PAGES:
        answer = site.get(page)
        assert answer.status_code == 200, page
        assert 'style="' not in answer.text and "<script" not in answer.text


def test_the_registrar_assigns_and_closes_a_referral(site: TestClient, campus: Context) -> None:
    made = _referrals(campus)
    number, office = made["degree"]
    assert office == "registrar"
    token = _sign_in(site, REGISTRAR)
    queue = site.get("/desk").text
    assert f"R-{number}" in queue
    assert f"R-{made['parent'][0]}<" not in queue  # a dean's referral is not the Registrar's
    assert site.post(f"/desk/referrals/{number}/assign", data={"csrf": "wrong"}).status_code == 403
    answer = site.post(f"/desk/referrals/{number}/assign", data={"csrf": token})
    assert answer.status_code == 303
    page = site.get(answer.headers["location"]).text
    assert f"Referral <strong>R-{number}</strong> is assigned to you" in page
    assert "Assigned to you" in page
    confirm = site.get(f"/desk/referrals/{number}/close")
    assert confirm.status_code == 200 and "cannot be opened again" in confirm.text
    empty = site.post(f"/desk/referrals/{number}/close", data={"csrf": token, "outcome": " "})
    assert empty.status_code == 422 and "There is a problem" in empty.text
    assert "Enter what the office did" in empty.text
    done = site.post(f"/desk/referrals/{number}/close",
                     data={"csrf": token, "outcome": "Confirmed the degree"})  # fmt: skip
    assert done.status_code == 303
    closed = site.get(done.headers["location"]).text
    assert f"<strong>R-{number}</strong>" in closed and "Confirmed the degree" in closed
    assert f"R-{number}<" not in site.get("/desk").text
    again = site.post(f"/desk/referrals/{number}/close", data={"csrf": token, "outcome": "x"})
    assert again.status_code == 404


def test_a_dean_sees_only_their_office(site: TestClient, campus: Context) -> None:
    made = _referrals(campus)
    number, office = made["parent"]
    dean = f"staff-{office.replace('_', '-')}-1"
    token = _sign_in(site, dean)
    queue = site.get("/desk").text
    assert f"R-{number}<" in queue and f"R-{made['degree'][0]}<" not in queue
    assert "/desk/log" not in queue and "/desk/journal" not in queue
    for page in ("/desk/log", "/desk/journal", "/desk/consents"):
        assert site.get(page).status_code == 403
    other = made["degree"][0]
    assert site.get(f"/desk/referrals/{other}/close").status_code == 404
    assert site.post(f"/desk/referrals/{other}/assign", data={"csrf": token}).status_code == 404
    charts = site.get("/desk/charts").text
    assert "Disclosures per week" not in charts and "keep things private" not in charts
    assert "Registrar" not in charts.split("by-office", 1)[1].split("</section>")[0]


def test_the_log_is_searched_exported_and_verified(site: TestClient, campus: Context) -> None:
    _disclose(campus, "Acme Robotics")
    _disclose(campus, '=HYPERLINK("http://evil.example")', "student-000003")
    token = _sign_in(site, REGISTRAR)
    page = site.get("/desk/log", params={"recipient": "acme"}).text
    assert "Acme Robotics" in page and "HYPERLINK" not in page
    page = site.get("/desk/log", params={"student": "student-000003"}).text
    assert "HYPERLINK" in page and "Acme" not in page
    assert "No entries match" in site.get("/desk/log", params={"since": "2099-01-01"}).text
    wrong = site.get("/desk/log", params={"since": "yesterday"})
    assert wrong.status_code == 422 and "There is a problem" in wrong.text
    exported = site.get("/desk/log.csv", params={"student": "student-000003"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["recipient"] for r in rows] == ['\'=HYPERLINK("http://evil.example")']
    assert site.post("/desk/log/verify", data={"csrf": "wrong"}).status_code == 403
    verified = site.post("/desk/log/verify", data={"csrf": token}).text
    assert "The log holds" in verified and "All 2 entries" in verified
    assert "No checkpoint has been signed yet" in verified
    with campus.transaction() as session:
        checkpoint, _ = disclosure_log.make_checkpoint(session)
    verified = site.post("/desk/log/verify", data={"csrf": token}).text
    assert f"signed up to entry {checkpoint.seq}" in verified


def test_the_journal_and_consents_on_file(site: TestClient) -> None:
    _sign_in(site, REGISTRAR)
    site.get("/v1/students/student-000001/record")  # a read, journalled
    page = site.get("/desk/journal", params={"student": "student-000001"}).text
    assert re.search(r"<td>staff-registrar-1</td><td>student-000001</td>", page), page
    assert "No reads match" in site.get("/desk/journal", params={"reader": "nobody"}).text
    page = site.get("/desk/consents", params={"student": "student-000001"}).text
    assert "Consents of student-000001" in page
    assert "There is no student" in site.get("/desk/consents", params={"student": "x-1"}).text


def test_a_consent_that_ended_minutes_ago_is_not_shown_in_force(
    site: TestClient, campus: Context
) -> None:
    moment = datetime.now(UTC)
    with campus.transaction() as session:
        for name, ends in (("Ended Ltd", moment - timedelta(seconds=5)),
                           ("Running Ltd", moment + timedelta(days=3))):  # fmt: skip
            session.add(Consent(student_id="student-000001", recipient_name=name, purpose="a job",
                                items=["grades"], form="written", granted_at=moment - timedelta(1),
                                expires_at=ends, recorded_by=REGISTRAR))  # fmt: skip
    _sign_in(site, REGISTRAR)
    page = site.get("/desk/consents", params={"student": "student-000001"}).text
    ended, running = page.split("Ended Ltd")[1], page.split("Running Ltd")[1]
    assert ended.index("Expired on") < ended.index("</tr>")  # the rule questions are decided by
    assert running.index("In force until") < running.index("</tr>")


def test_the_charts_have_tables_beside_them(site: TestClient, campus: Context) -> None:
    _referrals(campus)
    _disclose(campus, "Acme Robotics")
    _sign_in(site, REGISTRAR)
    page = site.get("/desk/charts").text
    assert page.count("<svg") == 3 and page.count("<table") == 3
    assert "Disclosures per week" in page and "Withhold everything" in page
