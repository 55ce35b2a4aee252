"""The student privacy center in headless Chromium against a live server with a fresh demo database.

A student signs in through the demo picker, keeps an item private and sees
the public column change, withholds everything with the keyboard alone,
gives and revokes a consent, and reads who received and read what. Every
page is checked with axe (no serious or critical violation), for content
security policy violations and requests to other hosts, and photographed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from tests.web.browser import Visit
from tests.web.live import Live


def _sign_in(live: Live, page: Page, student_id: str) -> None:
    page.goto(live.base + "/sign-in")
    page.get_by_label(f"({student_id})").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live.base + "/")
    page.get_by_role("link", name="Your privacy").click()
    page.wait_for_url(live.base + "/privacy")


def _tab_to(page: Page, text: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"the keyboard never reaches {text!r}")


def _public_cell(page: Page, item: str) -> str:
    return page.locator(f"#item-{item} td").first.inner_text()


def test_a_student_keeps_an_item_private(live: Live, tab: Visit) -> None:
    page = tab.page
    _sign_in(live, page, "student-000002")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your privacy")
    email = page.locator("#item-email td").nth(1).inner_text()
    assert "@" in email and _public_cell(page, "email") == email
    tab.check("privacy")
    page.get_by_role("link", name="Keep private (your email address)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep your email address private?")
    expect(page.get_by_text("will no longer appear in the public directory")).to_be_visible()
    tab.check("privacy-suppress")
    page.get_by_role("button", name="Keep my email address private").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email address is private")
    expect(page.locator(".reference")).to_have_text(re.compile(r"Your reference: S-\d+"))
    tab.check("privacy-suppressed")
    page.get_by_role("link", name="Back to your privacy").last.click()
    assert email not in _public_cell(page, "email")
    assert "You keep this private" in _public_cell(page, "email")
    assert page.locator("#item-email td").nth(1).inner_text() == email  # inside: unchanged
    tab.check("privacy-after-suppress")
    page.get_by_role("link", name="Show again (your email address)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Show your email address again")
    tab.check("privacy-release")
    public = httpx.get(live.base + "/v1/public/directory", params={"q": "student-000002"})
    assert public.status_code == 200 and "email" not in public.json()["items"]
    page.get_by_role("button", name="Show it again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your requests have ended")
    tab.check("privacy-shown")
    public = httpx.get(live.base + "/v1/public/directory", params={"q": "student-000002"})
    assert public.json()["items"]["email"] == email


def test_a_student_withholds_everything_with_the_keyboard_alone(live: Live, tab: Visit) -> None:
    page = tab.page
    _sign_in(live, page, "student-000003")
    _tab_to(page, "Withhold everything")
    page.keyboard.press("Enter")
    page.wait_for_url(live.base + "/privacy/withhold")
    expect(page.get_by_text("The public directory will not show you at all")).to_be_visible()
    tab.check("privacy-withhold")
    _tab_to(page, "Withhold everything")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("You withheld everything")
    expect(page.locator(".reference")).to_have_text(re.compile(r"S-\d+"))
    tab.check("privacy-withheld")
    _tab_to(page, "Back to your privacy")
    page.keyboard.press("Enter")
    page.wait_for_url(live.base + "/privacy")
    expect(page.get_by_text("You have withheld everything")).to_be_visible()
    assert "Not shown" in _public_cell(page, "name")
    tab.check("privacy-after-withhold")
    _tab_to(page, "Show everything again")
    page.keyboard.press("Enter")
    page.wait_for_url(live.base + "/privacy/rescind")
    expect(page.get_by_text("Your request to withhold everything")).to_be_visible()
    tab.check("privacy-rescind")
    public = httpx.get(live.base + "/v1/public/directory", params={"q": "student-000003"})
    assert public.status_code == 404
    _tab_to(page, "Show everything again")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your requests have ended")
    public = httpx.get(live.base + "/v1/public/directory", params={"q": "student-000003"})
    assert public.status_code == 200


def test_a_student_gives_and_revokes_a_consent(live: Live, tab: Visit) -> None:
    page = tab.page
    _sign_in(live, page, "student-000001")
    page.get_by_role("link", name="Your consents").click()
    expect(page.get_by_text("You have no consents on file")).to_be_visible()
    tab.check("privacy-consents-none")
    page.get_by_role("link", name="Give a consent").click()
    tab.check("privacy-consent-new")
    page.get_by_role("button", name="Give my consent").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    expect(page.locator("#recipient-error")).to_contain_text("Enter who may receive")
    tab.check("privacy-consent-errors")
    summary.get_by_role("link", name="Enter who may receive the information").click()
    page.get_by_label("Who may receive it").fill("Professor Ada Byron")
    page.get_by_label("What it is for").fill("A letter of recommendation")
    page.get_by_label("Your grades").check()
    page.get_by_label("Your transcript").check()
    until = (datetime.now(UTC) + timedelta(days=120)).date().isoformat()
    page.get_by_label("Your consent ends on").fill(until)
    page.get_by_role("button", name="Give my consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You gave your consent")
    reference = page.locator(".reference strong").inner_text()
    assert re.fullmatch(r"C-\d+", reference)
    tab.check("privacy-consent-given")
    page.get_by_role("link", name="your consents").click()
    row = page.get_by_role("row", name=re.compile("Professor Ada Byron"))
    expect(row).to_contain_text("In force")
    tab.check("privacy-consents")
    row.get_by_role("link", name=re.compile("Revoke")).click()
    expect(page.get_by_text("will no longer give Professor Ada Byron")).to_be_visible()
    tab.check("privacy-revoke")
    page.get_by_role("button", name="Revoke this consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You revoked your consent")
    expect(page.locator(".reference strong")).to_have_text(reference)
    tab.check("privacy-consent-revoked")
    page.goto(live.base + "/privacy/consents")
    expect(page.get_by_role("row", name=re.compile("Professor Ada Byron"))).to_contain_text(
        "Revoked on"
    )


def test_a_student_sees_who_received_and_read_what(live: Live, tab: Visit) -> None:
    read = httpx.get(
        live.base + "/v1/students/student-000001/record",
        headers={"Authorization": f"Bearer {live.token}"},
    )
    assert read.status_code == 200, read.text
    page = tab.page
    _sign_in(live, page, "student-000001")
    page.get_by_role("link", name="Your authorisations and web-posting permissions").click()
    expect(page.get_by_text("Federal Bureau of Investigation")).to_be_visible()
    tab.check("privacy-permissions")
    page.goto(live.base + "/privacy")
    page.get_by_role("link", name="Who received or read what about you").click()
    reads = page.locator("section[aria-labelledby=reads] tbody tr")
    expect(reads.first).to_contain_text("the API")
    tab.check("privacy-history")
    page.goto(live.base + "/privacy")
    page.get_by_role("link", name="Ask to see your records").click()
    expect(page.get_by_text("within 45 days").first).to_be_visible()
    tab.check("privacy-see-records")
