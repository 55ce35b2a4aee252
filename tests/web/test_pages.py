"""The pages without a browser: headers, CSRF, the demo picker's door, escaping."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from discretion.importers.demo import DEMO_PEOPLE
from discretion.services import Context
from discretion.store.models import Person
from discretion.web.rendering import DEMO_BANNER
from tests.web.conftest import client_for, csrf_of

REGISTRAR = DEMO_PEOPLE["registrar"]


def _sign_in(site: TestClient, person_id: str) -> None:
    token = csrf_of(site.get("/sign-in").text)
    answer = site.post("/sign-in/demo", data={"csrf": token, "person": person_id})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/"


def test_home_for_anonymous_says_what_it_is_and_leads_on(site: TestClient) -> None:
    page = site.get("/")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    for text in ("May I share this?", 'href="/advisor"', 'href="/sign-in"', 'href="/docs"'):
        assert text in page.text
    assert "Signed in as" not in page.text


def test_every_page_carries_the_policy_without_inline_code(site: TestClient) -> None:
    for path in ("/", "/sign-in", "/docs", "/v1/directory?q=a", "/static/web/site.css"):
        policy = site.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
    for path in ("/", "/sign-in", "/docs"):
        text = site.get(path).text
        assert "<script>" not in text and "<style" not in text and " style=" not in text, path


def test_demo_banner_is_on_every_page_of_the_demo(site: TestClient) -> None:
    for path in ("/", "/sign-in"):
        assert DEMO_BANNER in site.get(path).text, path


def test_no_banner_and_no_picker_without_the_demo(campus: Context) -> None:
    with client_for(campus) as client:
        assert DEMO_BANNER not in client.get("/").text
        page = client.get("/sign-in")
        assert page.status_code == 200 and 'action="/sign-in/demo"' not in page.text
        assert "not set up on this server" in page.text
        token = csrf_of(page.text) if 'name="csrf"' in page.text else ""
        refused = client.post("/sign-in/demo", data={"csrf": token, "person": REGISTRAR})
        assert refused.status_code == 404, refused.text
        assert "discretion_session" not in refused.cookies


def test_demo_sign_in_without_the_csrf_token_is_refused(site: TestClient) -> None:
    site.get("/sign-in")
    refused = site.post("/sign-in/demo", data={"person": REGISTRAR})
    assert refused.status_code == 403
    assert "The form had expired" in refused.text
    assert "Signed in as" not in site.get("/").text
    forged = site.post("/sign-in/demo", data={"csrf": "forged", "person": REGISTRAR})
    assert forged.status_code == 403


def test_demo_sign_in_needs_a_person_from_the_list(site: TestClient) -> None:
    token = csrf_of(site.get("/sign-in").text)
    for person in ("", "nobody-at-all"):
        answer = site.post("/sign-in/demo", data={"csrf": token, "person": person})
        assert answer.status_code == 400
        assert "There is a problem" in answer.text and "Choose who to sign in as" in answer.text


def test_signing_in_opens_the_api_too_and_signing_out_ends_it(site: TestClient) -> None:
    _sign_in(site, REGISTRAR)
    home = site.get("/")
    assert "Signed in as" in home.text and 'action="/sign-out"' in home.text
    me = site.get("/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["person_id"] == REGISTRAR and me.json()["csrf_token"] == csrf_of(home.text)
    refused = site.post("/sign-out", data={})
    assert refused.status_code == 403 and site.get("/v1/me").status_code == 200
    out = site.post("/sign-out", data={"csrf": csrf_of(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert site.get("/v1/me").status_code == 401
    assert "Signed in as" not in site.get("/").text


def test_a_student_is_led_to_their_privacy(site: TestClient, campus: Context) -> None:
    with campus.transaction() as session:
        student = session.scalars(
            select(Person.id).where(Person.kind == "student").order_by(Person.id)
        ).first()
    assert student is not None
    _sign_in(site, student)
    assert 'href="/privacy"' in site.get("/").text


def test_the_home_page_escapes_names(site: TestClient, campus: Context) -> None:
    with campus.transaction() as session:
        registrar = session.get(Person, REGISTRAR)
        assert registrar is not None
        registrar.given_name = '<script>alert("x")</script>'
    _sign_in(site, REGISTRAR)
    page = site.get("/").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_the_docs_are_served_from_here_and_take_a_token(site: TestClient) -> None:
    page = site.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace('"http', "")  # no other host named
    assert site.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert site.get("/static/api/docs.js").status_code == 200
    schema = site.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (`discretion token create`), or sign in for a session.",
    }
    assert {"bearerToken": []} in schema["security"]
    assert not any(path == "/" or path.startswith("/sign-") for path in schema["paths"])


def test_a_form_body_reaches_no_api_route(site: TestClient) -> None:
    _sign_in(site, REGISTRAR)
    token = site.get("/v1/me").json()["csrf_token"]
    form = {"recipient": "public", "information": "name"}
    asked = site.post("/v1/decisions", data=form, headers={"X-CSRF-Token": token})
    assert asked.status_code == 400, asked.text
    assert set(asked.json()) == {"error"}
