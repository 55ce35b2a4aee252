"""The advisor in headless Chromium against a live server: clicked, typed and tabbed through.

Every page is checked with axe (no serious or critical violation), for CSP
violations and requests to other hosts, and photographed (``Visit.check``).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.browser import Visit
from tests.web.live import REGISTRAR, Live

GRAD_DEAN = "Send this request to the Office of the Dean for Graduate Education, 3-138"
# (the step, the option's words) for a parent asking about a graduate student's grades
PARENT_ASKS = (
    ("act", "Tell, show or send someone information about a student"),
    ("recipient", "A parent or guardian"),
    ("information", "grades"),
    ("students", "One student"),
    ("level", "A graduate student"),
    ("dependent", "No"),
    ("consent", "No"),
    ("channel", "By phone"),
    ("emergency", "No"),
    ("financial-aid", "No"),
)
# (the step, the option's value) for an employer asking for a transcript by email
EMPLOYER_ASKS = (
    ("act", "disclose"),
    ("recipient", "employer"),
    ("information", "transcript"),
    ("students", "one"),
    ("level", "undergraduate"),
    ("consent", "none"),
    ("channel", "email"),
    ("emergency", "no"),
    ("financial-aid", "no"),
)
EMPLOYER_QUERY = (
    "act=disclose&recipient=employer&information=transcript&students=one&level=undergraduate"
    "&consent=none&channel=email&emergency=no&financial-aid=no"
)


def _focused(page: Page, what: str) -> str:
    return str(page.evaluate(f"document.activeElement.{what}"))


def _tab_to(page: Page, found: str, limit: int = 60) -> None:
    """Press Tab until the expression on ``document.activeElement`` (``el``) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({found}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {found}")


def test_a_parent_asks_about_a_graduate_students_grades(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(live.base + "/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="May I share this?"
    ).click()
    page.wait_for_url(live.base + "/advisor")
    expect(page.get_by_role("heading", level=1)).to_have_text("May I share this?")
    tab.check("advisor-start")
    page.get_by_role("link", name="Start now").click()
    for step_id, words in PARENT_ASKS:
        page.wait_for_url(f"{live.base}/advisor/{step_id}**")
        expect(page.get_by_role("link", name="Back")).to_be_visible()
        if step_id in ("act", "information", "dependent"):
            tab.check(f"advisor-step-{step_id}")
        page.get_by_label(words, exact=True).check()
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live.base}/advisor/check?**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_role("link", name="Change")).to_have_count(len(PARENT_ASKS))
    expect(page.get_by_label("Student ID")).to_have_count(0)
    tab.check("advisor-check")
    page.get_by_role("link", name="Get the answer").click()
    page.wait_for_url(f"{live.base}/advisor/answer?**")
    expect(page.get_by_role("heading", level=1)).to_have_text(GRAD_DEAN)
    expect(page.locator(".verdict")).to_have_text("→ Refer")
    tab.check("advisor-answer-refer")
    permalink = page.get_by_role("link", name="Link to this answer").get_attribute("href")
    assert permalink and permalink == page.url.removeprefix(live.base)
    page.get_by_role("link", name="Change your answers").click()
    page.get_by_role("link", name="Change your answer to “Is the student an undergraduate").click()
    page.get_by_label("An undergraduate", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live.base}/advisor/check?**")
    expect(page.get_by_text("An undergraduate", exact=True)).to_be_visible()


def test_an_employer_asks_with_the_keyboard_alone(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(live.base + "/advisor")
    _tab_to(page, "el.textContent === 'Start now'")
    page.keyboard.press("Enter")
    for step_id, value in EMPLOYER_ASKS:
        page.wait_for_url(f"{live.base}/advisor/{step_id}**")
        _tab_to(page, "el.name === 'answer'")
        if _focused(page, "type") == "radio":
            page.keyboard.press("Space")
            for _ in range(20):
                if _focused(page, "value") == value:
                    break
                page.keyboard.press("ArrowDown")
        else:
            if _focused(page, "value") != value:
                _tab_to(page, f"el.value === '{value}'")
            page.keyboard.press("Space")
        assert _focused(page, "value") == value and page.evaluate("document.activeElement.checked")
        _tab_to(page, "el.textContent === 'Continue'")
        page.keyboard.press("Enter")
    page.wait_for_url(f"{live.base}/advisor/check?**")
    assert page.url == f"{live.base}/advisor/check?{EMPLOYER_QUERY}"
    _tab_to(page, "el.textContent === 'Get the answer'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.base}/advisor/answer?**")
    expect(page.get_by_role("heading", level=1)).to_have_text("No, not like this")
    expect(page.locator(".verdict")).to_have_text("✗ Deny")
    expect(page.get_by_role("heading", name="What would make it allowed")).to_be_visible()
    tab.check("advisor-answer-deny")


def test_a_missing_answer_is_summarised_and_named_beside_the_field(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(live.base + "/advisor/recipient?act=disclose")
    page.get_by_role("button", name="Continue").click()
    message = "Choose who would receive the information"
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("There is a problem")
    expect(page.locator("#answer-error")).to_have_text(message)
    expect(page.locator(".error-summary")).to_be_focused()  # focus moved to the summary (waits)
    tab.check("advisor-step-error")
    alert.get_by_role("link", name=message).click()
    page.wait_for_url("**#answer-0")
    page.get_by_label("A parent or guardian").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live.base}/advisor/information?**")


def test_a_reason_links_to_its_rule_page(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(f"{live.base}/advisor/answer?{EMPLOYER_QUERY}")
    page.get_by_role("link", name="More about this rule").first.click()
    page.wait_for_url(f"{live.base}/rules/**")
    expect(page.get_by_role("heading", name="Where it comes from")).to_be_visible()
    expect(page.get_by_role("heading", name="A worked example")).to_be_visible()
    tab.check("rule-page")
    page.goto(f"{live.base}/rules/disclosure.outside_with_written_consent")
    expect(page.get_by_role("link", name="34 CFR § 99.30(a)")).to_be_visible()
    page.get_by_role("link", name="See the whole answer to this example").click()
    page.wait_for_url(f"{live.base}/advisor/answer?**")
    expect(page.locator(".verdict")).to_have_text("✓ Permit")
    expect(page.get_by_role("heading", name="Before you share")).to_be_visible()
    tab.check("advisor-answer-permit")
    answer = page.goto(f"{live.base}/rules/no.such_rule")
    assert answer is not None and answer.status == 404
    tab.check("rule-not-found")


def test_the_registrar_asks_about_a_real_student(live: Live, tab: Visit) -> None:
    page = tab.page
    page.goto(live.base + "/sign-in")
    page.get_by_label(REGISTRAR).check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live.base + "/")
    page.goto(f"{live.base}/advisor/check?{EMPLOYER_QUERY}")
    page.get_by_label("Student ID").fill("student-000001")
    page.get_by_label("Recipient's person ID").fill("contact-employer-1")
    tab.check("advisor-check-staff")
    page.get_by_role("button", name="Get the answer from the records").click()
    expect(page.get_by_role("heading", name="Who you asked about")).to_be_visible()
    expect(page.get_by_text("student-000001")).to_be_visible()
    tab.check("advisor-answer-records")
    page.goto(f"{live.base}/advisor/check?{EMPLOYER_QUERY}")
    page.get_by_label("Student ID").fill("student-nobody")
    page.get_by_role("button", name="Get the answer from the records").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator("#named-error")).to_contain_text("No student, person or subject")
    tab.check("advisor-check-staff-error")
