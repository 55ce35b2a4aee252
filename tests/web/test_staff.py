"""The staff pages without a browser: lookup, masked records, check before sharing, class lists."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from discretion.importers.demo import DEMO_PEOPLE
from discretion.services import Context
from discretion.services.principals import principal_for_person
from discretion.services.release import release_record
from discretion.store.models import AccessEntry, DirectoryValue, Person, Subject, Suppression
from tests.web.conftest import csrf_of

TEACHER, OTHER_TEACHER = "staff-teacher-1", "staff-teacher-2"
STUDENT = "student-000001"
WITHHELD = "CONFIDENTIAL: this student has withheld their information"


def _sign_in(site: TestClient, person_id: str) -> None:
    token = csrf_of(site.get("/sign-in").text)
    answer = site.post("/sign-in/demo", data={"csrf": token, "person": person_id})
    assert answer.status_code == 303, answer.text


def _labels(campus: Context, reader: str, student_id: str) -> list[str]:
    with campus.transaction() as session:
        principal = principal_for_person(session, reader, "demo")
        released = release_record(
            session, campus.profile, reader=principal, student_id=student_id, door="test"
        )
    return [item.label for item in released.items]


def _withhold(campus: Context, student_id: str) -> None:
    with campus.transaction() as session:
        session.add(
            Suppression(
                student_id=student_id,
                item=None,
                requested_at=datetime.now(UTC),
                method="written",
                recorded_by=DEMO_PEOPLE["registrar"],
            )
        )


def _lone_withheld_student(campus: Context) -> str:
    """A student in no subject who withheld everything: an instructor may see nothing of them."""
    with campus.transaction() as session:
        session.add(Person(id="student-lone", kind="student", given_name="Lone",
                           family_name="Walker", username="lwalker-x", level="undergraduate",
                           status="current"))  # fmt: skip
        session.flush()
        session.add(DirectoryValue(student_id="student-lone", item="name", value="Lone Walker"))
    _withhold(campus, "student-lone")
    return "student-lone"


def test_the_staff_pages_are_for_signed_in_staff(site: TestClient, campus: Context) -> None:
    for path in ("/students", f"/students/{STUDENT}", "/subjects", "/subjects/class-3/class-list"):
        assert site.get(path).headers["location"] == "/sign-in", path
    _sign_in(site, STUDENT)
    for path in ("/students", f"/students/{STUDENT}", "/subjects", "/subjects/class-3/class-list"):
        answer = site.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/privacy", path
    assert 'href="/students"' not in site.get("/").text
    _sign_in(site, DEMO_PEOPLE["employer"])
    assert site.get("/students").status_code == 403
    _sign_in(site, TEACHER)
    home = site.get("/").text
    assert 'href="/students">Students<' in home and 'href="/subjects">My subjects<' in home


def test_a_lookup_goes_to_the_one_student_it_names(site: TestClient) -> None:
    _sign_in(site, TEACHER)
    form = site.get("/students")
    assert form.status_code == 200 and "<h1>Look up a student</h1>" in form.text
    token = csrf_of(form.text)
    found = site.post("/students", data={"csrf": token, "q": f"  {STUDENT} "})
    assert found.status_code == 303 and found.headers["location"] == f"/students/{STUDENT}"
    missing = site.post("/students", data={"csrf": token, "q": "student-nobody"})
    assert missing.status_code == 404 and "There is a problem" in missing.text
    assert site.post("/students", data={"csrf": token, "q": ""}).status_code == 400
    assert site.post("/students", data={"q": STUDENT}).status_code == 403


def test_an_instructor_sees_only_their_own_subjects_grades(
    site: TestClient, campus: Context
) -> None:
    mine = _labels(campus, TEACHER, STUDENT)
    theirs = [label for label in _labels(campus, OTHER_TEACHER, STUDENT) if label not in mine]
    assert any(label.startswith("grades (") for label in mine), mine
    assert any(label.startswith("grades (") for label in theirs), theirs
    _sign_in(site, TEACHER)
    page = site.get(f"/students/{STUDENT}")
    assert page.status_code == 200, page.text
    assert "Directory information" in page.text and "Education records" in page.text
    for label in mine:
        if label.startswith("grades ("):
            assert label.replace("grades", "<dt>grades") in page.text
    for label in theirs:
        assert label.replace("grades", "<dt>grades") not in page.text
    assert "Some information held about this student is not shown to you." in page.text
    assert WITHHELD not in page.text
    with campus.transaction() as session:
        doors = session.scalars(
            select(AccessEntry.door).where(AccessEntry.student_id == STUDENT)
        ).all()
    assert "web" in doors


def test_a_withheld_student_carries_the_notice_on_top(site: TestClient, campus: Context) -> None:
    _withhold(campus, STUDENT)
    _sign_in(site, TEACHER)
    page = site.get(f"/students/{STUDENT}").text
    assert WITHHELD in page
    assert page.index(WITHHELD) < page.index("<h1>")


def test_unknown_and_nothing_allowed_read_the_same(site: TestClient, campus: Context) -> None:
    lone = _lone_withheld_student(campus)
    assert _labels(campus, TEACHER, lone) == []
    _sign_in(site, TEACHER)
    unknown = site.get("/students/student-nobody")
    closed = site.get(f"/students/{lone}")
    assert unknown.status_code == closed.status_code == 404
    assert unknown.content == closed.content
    for other in ("staff-teacher-2", "x" * 65):  # no student's id, and no id at all
        assert site.get(f"/students/{other}").content == unknown.content
    token = csrf_of(site.get("/students").text)
    by_name = site.post("/students", data={"csrf": token, "q": "Lone Walker"})
    nobody = site.post("/students", data={"csrf": token, "q": "Nobody Atall"})
    assert by_name.status_code == nobody.status_code == 404
    assert by_name.text.replace("Lone Walker", "Nobody Atall") == nobody.text
    assert "No student record with that id is open to you." in closed.text
    assert "Walker" not in closed.text and "Check before sharing" not in closed.text


def test_check_before_sharing_opens_the_advisor_with_the_student(
    site: TestClient, campus: Context
) -> None:
    _sign_in(site, TEACHER)
    page = site.get(f"/students/{STUDENT}").text
    assert "Check before sharing" in page
    links = [
        part.split('"', 1)[0].replace("&amp;", "&")
        for part in page.split('href="')[1:]
        if part.startswith("/advisor/check?")
    ]
    assert len(links) == 2, links
    for link in links:
        assert ("student", STUDENT) in parse_qsl(urlsplit(link).query)
        check = site.get(link)
        assert check.status_code == 200, check.text
        assert f'name="student" value="{STUDENT}"' in check.text
        action = check.text.split('<form method="post" action="', 1)[1].split('"', 1)[0]
        assert "student=" not in action
        answer = site.post(
            action.replace("&amp;", "&"),
            data={"csrf": csrf_of(check.text), "student": STUDENT, "person": "", "subject": ""},
        )
        assert answer.status_code == 200, answer.text
        assert STUDENT in answer.text
    # anyone else gets the check page without the records' fields
    site.cookies.clear()
    assert 'name="student"' not in site.get(links[0]).text


def test_the_class_list_goes_to_the_subjects_staff_only(site: TestClient, campus: Context) -> None:
    _sign_in(site, TEACHER)
    mine = site.get("/subjects")
    assert mine.status_code == 200
    assert 'href="/subjects/class-3/class-list"' in mine.text
    assert 'href="/subjects/class-1/class-list"' not in mine.text
    listed = site.get("/subjects/class-3/class-list")
    assert listed.status_code == 200, listed.text
    assert "For the subject&#39;s staff only. Do not pass it on." in listed.text
    assert site.get("/subjects/class-1/class-list").status_code == 403
    assert site.get("/subjects/class-1/class-list.csv").status_code == 403
    assert site.get("/subjects/class-nothing/class-list").status_code == 404
    with campus.transaction() as session:  # the code people know finds the same list
        code, other = (session.scalars(select(Subject.code).where(Subject.id == subject)).one()
                       for subject in ("class-3", "class-1"))  # fmt: skip
    by_code = site.get(f"/subjects/{code}/class-list")
    assert by_code.status_code == 200 and f"Class list of {code}" in by_code.text
    assert site.get(f"/subjects/{other}/class-list").status_code == 403
    assert site.get("/subjects/" + "x" * 65 + "/class-list.csv").status_code == 404
    _sign_in(site, DEMO_PEOPLE["registrar"])
    assert "not on the staff of any subject" in site.get("/subjects").text
    assert site.get("/subjects/class-3/class-list").status_code == 403


def test_the_export_names_the_recipient_and_neutralises_formulas(
    site: TestClient, campus: Context
) -> None:
    with campus.transaction() as session:
        row = session.scalars(
            select(DirectoryValue).where(
                DirectoryValue.student_id == STUDENT, DirectoryValue.item == "name"
            )
        ).one()
        row.value = '=HYPERLINK("http://evil.example","click")'
        teacher = session.get(Person, TEACHER)
        assert teacher is not None
        name = f"{teacher.given_name} {teacher.family_name}"
    _sign_in(site, TEACHER)
    export = site.get("/subjects/class-3/class-list.csv")
    assert export.status_code == 200, export.text
    assert export.headers["content-type"].startswith("text/csv")
    disposition = export.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert name.lower().replace(" ", "-") in disposition
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0][0].startswith(f"Class list of 6.102 for {name} ({TEACHER})")
    assert rows[1] == ["For the subject's staff only. Do not pass it on."]
    assert rows[2] == ["id", "name", "email", "course", "year"]
    cells = [cell for row in rows[3:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert not any(cell.startswith("=") for cell in cells)
