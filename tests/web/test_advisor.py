"""The advisor's pages and the rule pages without a browser: steps, errors, CSRF, permalinks."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from discretion.importers.demo import DEMO_PEOPLE
from discretion.services import Context
from discretion.store.models import Person
from tests.web.conftest import csrf_of

REGISTRAR, EMPLOYER = DEMO_PEOPLE["registrar"], DEMO_PEOPLE["employer"]
GRAD_DEAN = "Send this request to the Office of the Dean for Graduate Education, 3-138"
# a parent asks about a graduate student's grades, step by step
PARENT_ASKS = (
    ("act", ["disclose"]),
    ("recipient", ["parent"]),
    ("information", ["grades"]),
    ("students", ["one"]),
    ("level", ["graduate"]),
    ("dependent", ["no"]),
    ("consent", ["none"]),
    ("channel", ["phone"]),
    ("emergency", ["no"]),
    ("financial-aid", ["no"]),
)
PARENT_QUERY = (
    "act=disclose&recipient=parent&information=grades&students=one&level=graduate"
    "&dependent=no&consent=none&channel=phone&emergency=no&financial-aid=no"
)
EMPLOYER_QUERY = (
    "act=disclose&recipient=employer&information=grades,transcript&students=one"
    "&level=undergraduate&consent=none&channel=email&emergency=no&financial-aid=no"
)
NAMED = ('name="student"', 'name="person"', 'name="subject"')


def _sign_in(site: TestClient, person_id: str) -> None:
    token = csrf_of(site.get("/sign-in").text)
    answer = site.post("/sign-in/demo", data={"csrf": token, "person": person_id})
    assert answer.status_code == 303, answer.text


def _first_student(campus: Context) -> str:
    with campus.transaction() as session:
        found = session.scalars(
            select(Person.id).where(Person.kind == "student").order_by(Person.id)
        ).first()
    assert found is not None
    return found


def test_the_start_page_leads_to_the_first_question(site: TestClient) -> None:
    page = site.get("/advisor")
    assert page.status_code == 200, page.text
    assert "<h1>May I share this?</h1>" in page.text
    assert 'href="/advisor/act"' in page.text
    assert 'href="/advisor"' in site.get("/").text


def test_clicking_through_every_question_reaches_the_answer(site: TestClient) -> None:
    location = "/advisor/act"
    for step_id, values in PARENT_ASKS:
        assert urlsplit(location).path == f"/advisor/{step_id}", location
        page = site.get(location)
        assert page.status_code == 200, page.text
        assert "<legend><h1>" in page.text and 'class="back-link"' in page.text
        moved = site.post(location, data={"csrf": csrf_of(page.text), "answer": values})
        assert moved.status_code == 303, moved.text
        location = moved.headers["location"]
    assert location == "/advisor/check?" + PARENT_QUERY
    check = site.get(location)
    assert check.status_code == 200 and "Check your answers" in check.text
    assert check.text.count(">Change<") == len(PARENT_ASKS)
    assert 'href="/advisor/level?' + PARENT_QUERY.replace("&", "&amp;") + '"' in check.text
    assert 'href="/advisor/answer?' + PARENT_QUERY.replace("&", "&amp;") + '"' in check.text
    answer = site.get("/advisor/answer?" + PARENT_QUERY)
    assert answer.status_code == 200
    assert GRAD_DEAN in answer.text
    assert "→ Refer" in answer.text
    assert 'href="/rules/parents.refer_to_dean_by_level"' in answer.text
    assert "Link to this answer" in answer.text and "Change your answers" in answer.text


def test_the_questions_skip_what_earlier_answers_make_irrelevant(site: TestClient) -> None:
    # a colleague asking: the need-to-know question, and never the parent's tax question
    query = "act=disclose&recipient=official"
    page = site.get("/advisor/information?" + query)
    moved = site.post(
        "/advisor/information?" + query, data={"csrf": csrf_of(page.text), "answer": "grades"}
    )
    assert moved.headers["location"].startswith("/advisor/need-to-know?")
    skipped = site.get("/advisor/dependent?" + query + "&information=grades")
    assert skipped.status_code == 303
    assert skipped.headers["location"].startswith("/advisor/need-to-know?")


def test_back_links_go_to_the_answer_before(site: TestClient) -> None:
    page = site.get("/advisor/recipient?act=disclose")
    assert '<a class="back-link" href="/advisor/act?act=disclose">' in page.text
    assert '<a class="back-link" href="/advisor">' in site.get("/advisor/act").text
    check = site.get("/advisor/check?" + PARENT_QUERY)
    assert 'class="back-link" href="/advisor/financial-aid?' in check.text


def test_no_answer_is_shown_in_a_summary_and_beside_the_field(site: TestClient) -> None:
    page = site.get("/advisor/recipient?act=disclose")
    refused = site.post("/advisor/recipient?act=disclose", data={"csrf": csrf_of(page.text)})
    assert refused.status_code == 400
    text = refused.text
    assert "There is a problem" in text
    message = "Choose who would receive the information"
    assert f'<a href="#answer-0">{message}</a>' in text
    assert f'<p id="answer-error" class="field-error">{message}</p>' in text
    assert "<title>Error: Who would receive the information?" in text
    wrong = site.post(
        "/advisor/information?act=disclose&recipient=parent",
        data={"csrf": csrf_of(page.text), "answer": "favourite_colour"},
    )
    assert wrong.status_code == 400 and "choose from the list" in wrong.text


def test_an_answer_without_the_csrf_token_is_refused(site: TestClient) -> None:
    site.get("/advisor/act")
    refused = site.post("/advisor/act", data={"answer": "disclose"})
    assert refused.status_code == 403 and "The form had expired" in refused.text
    forged = site.post("/advisor/act", data={"csrf": "forged", "answer": "disclose"})
    assert forged.status_code == 403


def test_the_permalink_rebuilds_the_same_answer(site: TestClient) -> None:
    answer = site.get("/advisor/answer?" + EMPLOYER_QUERY)
    assert answer.status_code == 200, answer.text
    assert "✗ Deny" in answer.text and "What would make it allowed" in answer.text
    assert "Item by item" in answer.text
    link = answer.text.split('<a href="/advisor/answer?', 1)[1].split('"', 1)[0]
    again = site.get("/advisor/answer?" + link.replace("&amp;", "&"))
    assert again.status_code == 200
    assert again.text == answer.text
    assert parse_qsl(link.replace("&amp;", "&")) == parse_qsl(EMPLOYER_QUERY)


def test_incomplete_answers_go_to_the_question_missing(site: TestClient) -> None:
    for path in ("/advisor/check?act=disclose", "/advisor/answer?act=disclose"):
        moved = site.get(path)
        assert moved.status_code == 303
        assert moved.headers["location"] == "/advisor/recipient?act=disclose"


def test_unknown_steps_rules_and_bad_links(site: TestClient) -> None:
    assert site.get("/advisor/favourite-colour").status_code == 404
    assert "Page not found" in site.get("/rules/no.such_rule").text
    assert site.get("/rules/no.such_rule").status_code == 404
    for bad in ("act=dance", "colour=red", "act=disclose&act=disclose"):
        page = site.get("/advisor/answer?" + bad)
        assert page.status_code == 400 and "This link does not work" in page.text
        assert "Traceback" not in page.text


def test_a_rule_page_says_it_plainly_with_a_worked_example(site: TestClient) -> None:
    page = site.get("/rules/parents.refer_to_dean_by_level")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Where it comes from" in text and "A worked example" in text
    assert "Sends the request to an office" in text or "office" in text
    assert 'href="/advisor/answer?' in text
    cfr = site.get("/rules/disclosure.outside_with_written_consent").text
    assert 'href="https://www.ecfr.gov/current/title-34/subtitle-A/part-99/section-99.30"' in cfr
    assert "34 CFR § 99.30(a)" in cfr
    example = cfr.split('href="/advisor/answer?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "Yes, you may share this" in site.get("/advisor/answer?" + example).text
    facts = site.get("/rules/need_to_know.official_with_need").text
    assert "recipient relations" in facts and "do not cover all of these facts" in facts


def test_the_store_fields_are_for_staff_only(site: TestClient, campus: Context) -> None:
    check = "/advisor/check?" + EMPLOYER_QUERY
    for name in NAMED:
        assert name not in site.get(check).text
    refused = site.post(
        "/advisor/answer?" + EMPLOYER_QUERY,
        data={"csrf": csrf_of(site.get("/advisor/act").text), "student": _first_student(campus)},
    )
    assert refused.status_code == 403 and "You may not ask about these people" in refused.text
    _sign_in(site, _first_student(campus))
    for name in NAMED:
        assert name not in site.get(check).text


def test_staff_get_the_answer_from_the_records(site: TestClient, campus: Context) -> None:
    _sign_in(site, REGISTRAR)
    check = site.get("/advisor/check?" + EMPLOYER_QUERY)
    for name in NAMED:
        assert name in check.text
    student = _first_student(campus)
    form = {"csrf": csrf_of(check.text), "student": student, "person": EMPLOYER, "subject": ""}
    answer = site.post("/advisor/answer?" + EMPLOYER_QUERY, data=form)
    assert answer.status_code == 200, answer.text
    assert "Who you asked about" in answer.text and student in answer.text
    assert "Link to this answer" in answer.text
    unknown = site.post(
        "/advisor/answer?" + EMPLOYER_QUERY, data={**form, "student": "student-nobody"}
    )
    assert unknown.status_code == 400
    assert "No student, person or subject in the records matches" in unknown.text
    assert 'id="named-error"' in unknown.text and "Traceback" not in unknown.text
    expired = site.post("/advisor/answer?" + EMPLOYER_QUERY, data={**form, "csrf": "old"})
    assert expired.status_code == 403 and "The form had expired" in expired.text


def test_the_pages_carry_no_inline_code(site: TestClient) -> None:
    for path in (
        "/advisor",
        "/advisor/act",
        "/advisor/check?" + PARENT_QUERY,
        "/advisor/answer?" + PARENT_QUERY,
        "/rules/parents.refer_to_dean_by_level",
    ):
        page = site.get(path)
        assert page.status_code == 200, path
        text = page.text
        assert "<script" not in text and "<style" not in text and " style=" not in text, path
