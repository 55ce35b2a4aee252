"""The staff pages in headless Chromium against a live server with a fresh demo database.

An instructor signs in through the demo picker, looks a student up, reads
the record as they may see it, opens "Check before sharing" and gets the
answer from the records, then opens a class list and downloads its export.
Every page is checked with axe (no serious or critical violation), for
content security policy violations and requests to other hosts, and
photographed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.browser import Visit
from tests.web.live import Live

TEACHER, STUDENT = "staff-teacher-1", "student-000001"


def _sign_in(live: Live, page: Page, person_id: str) -> str:
    """Sign in through the demo picker; return the name the header greets."""
    page.goto(live.base + "/sign-in")
    page.get_by_label(f"({person_id})").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live.base + "/")
    return page.locator(".signed-in strong").inner_text()


def test_an_instructor_reads_a_record_and_checks_before_sharing(live: Live, tab: Visit) -> None:
    page = tab.page
    _sign_in(live, page, TEACHER)
    page.get_by_role("link", name="Students", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Look up a student")
    tab.check("staff-lookup")
    page.get_by_label("Student ID, username or full name").fill("student-nobody")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    tab.check("staff-lookup-error")
    page.get_by_label("Student ID, username or full name").fill(STUDENT)
    page.get_by_role("button", name="Look up").click()
    page.wait_for_url(f"{live.base}/students/{STUDENT}")
    expect(page.get_by_role("heading", name="Education records")).to_be_visible()
    expect(page.get_by_text("grades (6.102)")).to_be_visible()
    expect(page.get_by_text("grades (1.100)")).to_have_count(0)
    expect(page.get_by_text("is not shown to you")).to_be_visible()
    tab.check("staff-student")

    page.get_by_role("link", name="An employer asks for grades and a transcript").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_label("Student ID")).to_have_value(STUDENT)
    tab.check("staff-check")
    page.get_by_role("button", name="Get the answer from the records").click()
    expect(page.locator(".verdict")).to_be_visible()
    expect(page.get_by_text(STUDENT).first).to_be_visible()
    tab.check("staff-check-answer")

    page.goto(f"{live.base}/students/student-nobody")
    expect(page.get_by_role("heading", level=1)).to_have_text("No record to show")
    tab.check("staff-student-not-open")


def test_an_instructor_opens_a_class_list_and_downloads_it(
    live: Live, tab: Visit, tmp_path: Path
) -> None:
    page = tab.page
    name = _sign_in(live, page, TEACHER)
    page.get_by_role("link", name="My subjects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My subjects")
    tab.check("staff-subjects")
    page.get_by_role("link", name="Class list of 6.102").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Class list of 6.102")
    expect(page.get_by_role("heading", name="For the subject's staff only.")).to_be_visible()
    tab.check("staff-class-list")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the class list (CSV)").click()
    download = downloading.value
    slug = re.sub(r"[^a-z0-9.]+", "-", name.lower())
    assert download.suggested_filename == f"class-list-6.102-for-{slug}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows[0][0].startswith(f"Class list of 6.102 for {name} ({TEACHER})")
    assert rows[1] == ["For the subject's staff only. Do not pass it on."]
    assert len(rows) > 3

    page.goto(f"{live.base}/subjects/class-1/class-list")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not your class list")
    tab.check("staff-class-list-refused")
