"""The pages in headless Chromium against a live server with a fresh demo database.

Each page is checked with axe (no serious or critical violation), for
content security policy violations and for requests to any other host, and
photographed into test-output/screenshots/ (or DISCRETION_SCREENSHOTS).
"""

from __future__ import annotations

from playwright.sync_api import expect

from discretion.web.rendering import DEMO_BANNER
from tests.web.browser import Visit
from tests.web.live import REGISTRAR, Live

BANNER = DEMO_BANNER.split(":")[0]


def _banner_shown(tab: Visit) -> None:
    expect(tab.page.get_by_role("note", name="Demonstration")).to_contain_text(BANNER)


def test_serve_says_where_and_how_to_sign_in(live: Live) -> None:
    said = live.said.read_text()
    assert f"Discretion is serving on {live.base}" in said
    assert f"demo sign-in at {live.base}/sign-in" in said


def test_home_renders_for_anonymous(live: Live, tab: Visit) -> None:
    answer = tab.page.goto(live.base + "/")
    assert answer is not None and answer.status == 200
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(
        "May I share this student information?"
    )
    expect(tab.page.get_by_role("link", name="May I share this?").first).to_be_visible()
    expect(tab.page.get_by_role("link", name="Sign in").first).to_be_visible()
    _banner_shown(tab)
    tab.check("home-anonymous")


def test_a_student_signs_in_with_the_keyboard_alone(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(live.base + "/sign-in")
    _banner_shown(tab)
    tab.check("sign-in")
    for _ in range(40):  # the skip link, the navigation, then the people
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "person":
            break
    assert page.evaluate("document.activeElement.id") == "person-0"
    chosen = page.evaluate("document.activeElement.value")
    page.keyboard.press("Space")
    expect(page.locator("#person-0")).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Sign in"
    page.keyboard.press("Enter")
    page.wait_for_url(live.base + "/")
    expect(page.get_by_text("Signed in as").first).to_be_visible()
    expect(page.get_by_role("link", name="Your privacy")).to_be_visible()
    assert chosen.startswith("student-")
    _banner_shown(tab)
    tab.check("home-student")


def test_the_registrar_signs_in_with_the_picker_and_signs_out(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(live.base + "/sign-in")
    page.get_by_label(REGISTRAR).check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live.base + "/")
    expect(page.get_by_text("Signed in as").first).to_be_visible()
    expect(page.get_by_role("link", name="Your privacy")).to_have_count(0)
    _banner_shown(tab)
    tab.check("home-registrar")
    me = page.request.get(live.base + "/v1/me")
    assert me.ok and me.json()["person_id"] == REGISTRAR
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live.base + "/")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert page.request.get(live.base + "/v1/me").status == 401
    _banner_shown(tab)
    tab.check("home-signed-out")


def test_a_picker_error_is_summarised_and_named_beside_the_field(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(live.base + "/sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator("#person-error")).to_have_text("Choose who to sign in as")
    _banner_shown(tab)
    tab.check("sign-in-error")


def test_the_docs_work_offline_and_take_a_bearer_token(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(live.base + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Discretion")
    page.locator("button.authorize").first.click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input").first.fill(live.token)
    dialog.locator("button.modal-btn.authorize").click()
    expect(dialog.locator("button.modal-btn", has_text="Logout")).to_be_visible()
    dialog.locator("button.btn-done").click()
    page.locator("#operations-system-me_v1_me_get .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda answer: answer.url.endswith("/v1/me")) as caught:
        page.get_by_role("button", name="Execute").click()
    answer = caught.value
    assert answer.request.headers.get("authorization") == f"Bearer {live.token}"
    assert answer.status == 200 and answer.json()["person_id"] == REGISTRAR
    tab.check("docs")  # Swagger UI too: no serious or critical finding (deep links are off)
