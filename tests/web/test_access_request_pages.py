"""Access requests in headless Chromium against a live server with a fresh demo database.

A student asks online from the privacy center and sees the request with its
due date; the Registrar finds it on the desk (an overdue request first),
compiles the copy, reviews it and releases it; the student downloads the PDF
and the data and reads until when the copy is kept. The Registrar also
records a letter that came 50 days ago, which shows first, overdue. Every
page is checked with axe (no serious or critical violation), for content
security policy violations and requests to other hosts, and photographed.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from discretion.services import access_requests, open_context
from discretion.services.log_keys import log_key_for
from discretion.services.principals import principal_for_person
from tests.web.browser import Visit, visit
from tests.web.live import REGISTRAR, Live

STUDENT = "student-000001"
SLOW = 60_000  # compiling a copy renders a PDF and scans it


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


@pytest.fixture(scope="module")
def overdue(live: Live) -> int:
    """A letter from another student, received 46 days ago: overdue by a day."""
    context = open_context(
        f"sqlite:///{live.said.parent / 'site.sqlite3'}",
        log_key=log_key_for(os.environ.get("DISCRETION_LOG_KEY"), demo=True),
    )
    try:
        with context.transaction() as session:
            office = principal_for_person(session, REGISTRAR, "demo")
            return access_requests.file_request(
                session, actor=office, student_id="student-000005", method="paper",
                received_at=datetime.now(UTC) - timedelta(days=46),
            ).id  # fmt: skip
    finally:
        context.close()


def _sign_in(live: Live, page: Page, person_id: str) -> None:
    page.goto(live.base + "/sign-in")
    page.get_by_label(f"({person_id})").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live.base + "/")


def _downloaded(page: Page, name: str, folder: Path) -> bytes:
    with page.expect_download() as downloading:
        page.get_by_role("link", name=name).click()
    download = downloading.value
    saved = folder / download.suggested_filename
    download.save_as(saved)
    return saved.read_bytes()


def test_a_student_asks_online_and_downloads_the_released_copy(
    live: Live, tab: Visit, browser: Browser, overdue: int, tmp_path: Path
) -> None:
    page = tab.page
    _sign_in(live, page, STUDENT)
    page.get_by_role("link", name="Your privacy").click()
    expect(page.get_by_role("heading", name="See your records")).to_be_visible()
    tab.check("privacy-with-see-your-records")
    page.get_by_role("link", name="Your requests to see your records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your requests to see your records")
    expect(page.get_by_text("Committee on Student Information Policy")).to_be_visible()
    tab.check("privacy-records-requests-empty")
    page.get_by_role("button", name="Ask to see my records").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Your request is filed")
    number = int(status.locator("strong").inner_text().removeprefix("A-"))
    row = page.locator(f"#request-{number}")
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text(_day(datetime.now(UTC) + timedelta(days=45)))
    expect(row).to_contain_text("Due in 4")  # 44 or 45 days, as the clock turns
    tab.check("privacy-records-requests-filed")

    with visit(browser) as desk:
        office = desk.page
        _sign_in(live, office, REGISTRAR)
        office.get_by_role("link", name="Desk", exact=True).click()
        panel = office.locator("section[aria-labelledby=access-requests]")
        expect(panel).to_contain_text("1 overdue")
        expect(panel.get_by_role("listitem").first).to_contain_text(f"A-{overdue}")
        desk.check("desk-with-access-requests")
        office.get_by_role("link", name="Access requests", exact=True).click()
        expect(office.get_by_role("heading", level=1)).to_have_text("Access requests")
        rows = office.locator("tbody tr")
        expect(rows.first).to_have_id(f"request-{overdue}")
        expect(rows.first).to_contain_text("Overdue by 1 day")
        mine = office.locator(f"#request-{number}")
        expect(mine).to_contain_text(STUDENT)
        desk.check("desk-access-requests")
        mine.get_by_role("button", name=f"Compile copy for A-{number}").click()
        expect(office.get_by_role("status")).to_contain_text(
            f"A-{number} has a compiled copy", timeout=SLOW
        )
        review = _downloaded(office, f"Review the copy (PDF) of A-{number}", tmp_path)
        assert review.startswith(b"%PDF")
        desk.check("desk-access-requests-compiled")
        office.get_by_role("button", name=f"Release to the student (A-{number})").click()
        expect(office.get_by_role("status")).to_contain_text(f"A-{number} is fulfilled")
        expect(office.locator(f"#request-{number}")).to_have_count(0)

    page.reload()
    row = page.locator(f"#request-{number}")
    expect(row).to_contain_text("Fulfilled")
    expect(row).to_contain_text("Kept until " + _day(datetime.now(UTC) + timedelta(days=30)))
    pdf = _downloaded(page, f"Download PDF (A-{number})", tmp_path)
    assert pdf.startswith(b"%PDF")
    data = json.loads(_downloaded(page, f"Download data (JSON) (A-{number})", tmp_path))
    assert data["student"]["id"] == STUDENT and data["request"]["id"] == number
    tab.check("privacy-records-requests-released")


def test_a_letter_received_50_days_ago_shows_first_overdue(
    live: Live, tab: Visit, overdue: int
) -> None:
    page = tab.page
    _sign_in(live, page, REGISTRAR)
    page.goto(live.base + "/desk/access-requests")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the student's id")
    tab.check("desk-access-requests-record-errors")
    page.get_by_label("Student id").fill("student-000006")
    page.get_by_role("radio", name="By email").check()
    received = datetime.now(UTC) - timedelta(days=50)
    page.get_by_label("Day it was received").fill(received.date().isoformat())
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("status")).to_contain_text("is recorded")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("student-000006")
    expect(first).to_contain_text("Overdue by 5 days")
    expect(page.locator("tbody tr").nth(1)).to_have_id(f"request-{overdue}")
    tab.check("desk-access-requests-letter")
    first.get_by_label("Why pause").fill("confirming the sender is the student")
    first.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("status")).to_contain_text("is paused")
    tab.check("desk-access-requests-paused")
