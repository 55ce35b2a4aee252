"""The desk in headless Chromium against a live server with a fresh demo database.

The Registrar signs in through the demo picker, follows the Desk link, takes
a referral and closes it (the empty outcome refused in a summary first),
searches the disclosure log, verifies it and reads the last checkpoint,
searches the access journal, reads a student's consents on file and the
charts; a dean sees their office's queue only; a student is refused. Every
page is checked with axe (no serious or critical violation), for content
security policy violations and requests to other hosts, and photographed.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from discretion.services import disclosure_log, open_context
from discretion.services.log_keys import log_key_for
from discretion.services.principals import principal_for_person
from discretion.services.referrals import open_referral
from tests.web.browser import Visit
from tests.web.live import ADMINISTRATOR, REGISTRAR, Live


@pytest.fixture(scope="module")
def seeded(live: Live) -> dict[str, tuple[int, str]]:
    """Two referrals (a degree check for the Registrar, a parent's for a dean) and two releases."""
    context = open_context(
        f"sqlite:///{live.said.parent / 'site.sqlite3'}",
        log_key=log_key_for(os.environ.get("DISCRETION_LOG_KEY"), demo=True),
    )
    made = {}
    try:
        with context.transaction() as session:
            admin = principal_for_person(session, ADMINISTRATOR, "demo")
            for name, kind, item in (
                ("degree", "employer", "degrees"),
                ("parent", "parent", "grades"),
            ):
                referral = open_referral(
                    session, context.profile, actor=admin, requester=f"a caller ({name})",
                    question={"recipient": {"kind": kind}, "information": [item],
                              "student": {"id": "student-000001"}},
                )  # fmt: skip
                made[name] = (referral.id, referral.office)
            for recipient in ("Acme Robotics", "Northwind Analytics"):
                disclosure_log.append(
                    session, actor_id=REGISTRAR, recipient=recipient, student_id="student-000002",
                    items=["grades"], rules=["disclosure.outside_with_written_consent"],
                    purpose="a job",
                )  # fmt: skip
    finally:
        context.close()
    return made


def _sign_in(live: Live, page: Page, person_id: str) -> None:
    page.goto(live.base + "/sign-in")
    page.get_by_label(f"({person_id})").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live.base + "/")


def test_the_registrar_assigns_and_closes_a_referral(
    live: Live, tab: Visit, seeded: dict[str, tuple[int, str]]
) -> None:
    page = tab.page
    number = seeded["degree"][0]
    _sign_in(live, page, REGISTRAR)
    page.get_by_role("link", name="Desk", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The desk")
    row = page.locator(f"#referral-{number}")
    expect(row).to_contain_text("Waiting")
    expect(page.locator(f"#referral-{seeded['parent'][0]}")).to_have_count(0)
    tab.check("desk")
    row.get_by_role("button", name=f"Assign to me (R-{number})").click()
    expect(page.get_by_role("status")).to_contain_text(f"R-{number} is assigned to you")
    expect(page.locator(f"#referral-{number}")).to_contain_text("Assigned to you")
    tab.check("desk-assigned")
    page.get_by_role("link", name=f"Close referral R-{number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Close referral R-{number}?")
    tab.check("desk-close")
    page.get_by_role("button", name="Close the referral").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(page.locator("#outcome-error")).to_contain_text("Enter what the office did")
    tab.check("desk-close-errors")
    summary.get_by_role("link", name="Enter what the office did").click()
    page.get_by_label("What did the office do?").fill("Confirmed the degree to the employer")
    page.get_by_role("button", name="Close the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The referral is closed")
    expect(page.locator(".reference strong")).to_have_text(f"R-{number}")
    tab.check("desk-closed")
    page.get_by_role("link", name="Back to the queue").click()
    expect(page.locator(f"#referral-{number}")).to_have_count(0)


def test_the_registrar_searches_and_verifies_the_log(
    live: Live, tab: Visit, seeded: dict[str, tuple[int, str]]
) -> None:
    page = tab.page
    _sign_in(live, page, REGISTRAR)
    page.goto(live.base + "/desk")
    page.get_by_role("link", name="Disclosure log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The disclosure log")
    expect(page.get_by_role("cell", name="Northwind Analytics")).to_be_visible()
    tab.check("desk-log")
    page.get_by_label("Recipient").fill("acme")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Acme Robotics")).to_be_visible()
    expect(page.get_by_role("cell", name="Northwind Analytics")).to_have_count(0)
    expect(page.get_by_role("link", name="Download these entries as CSV")).to_have_attribute(
        "href", re.compile(r"/desk/log\.csv\?recipient=acme")
    )
    tab.check("desk-log-search")
    page.get_by_role("button", name="Verify the log").click()
    expect(page.get_by_role("status")).to_contain_text("The log holds")
    expect(page.get_by_text("No checkpoint has been signed yet")).to_be_visible()
    tab.check("desk-verify")


def test_the_registrar_reads_the_journal_consents_and_charts(
    live: Live, tab: Visit, seeded: dict[str, tuple[int, str]]
) -> None:
    page = tab.page
    _sign_in(live, page, REGISTRAR)
    page.goto(live.base + "/desk")
    page.get_by_role("link", name="Access journal").click()
    page.get_by_label("Read by (person id)").fill("nobody-at-all")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No reads match the search")).to_be_visible()
    tab.check("desk-journal")
    page.get_by_role("link", name="Consents on file").click()
    page.get_by_label("Student id").fill("student-000001")
    page.get_by_role("button", name="Show what is on file").click()
    expect(page.get_by_role("heading", name="Consents of student-000001")).to_be_visible()
    tab.check("desk-consents")
    page.get_by_role("link", name="Trends").click()
    expect(page.get_by_role("img", name=re.compile("Disclosures recorded"))).to_be_visible()
    expect(page.locator("svg")).to_have_count(3)
    tab.check("desk-charts")


def test_a_dean_sees_their_office_and_a_student_is_refused(
    live: Live, tab: Visit, seeded: dict[str, tuple[int, str]]
) -> None:
    page = tab.page
    number, office = seeded["parent"]
    _sign_in(live, page, f"staff-{office.replace('_', '-')}-1")
    page.get_by_role("link", name="Desk", exact=True).click()
    expect(page.locator(f"#referral-{number}")).to_contain_text("Waiting")
    expect(page.get_by_role("link", name="Disclosure log")).to_have_count(0)
    tab.check("desk-dean")
    page.get_by_role("link", name="Trends").click()
    expect(page.locator("svg")).to_have_count(1)
    tab.check("desk-dean-charts")
    page.get_by_role("button", name="Sign out").click()
    _sign_in(live, page, "student-000001")
    expect(page.get_by_role("link", name="Desk", exact=True)).to_have_count(0)
    page.goto(live.base + "/desk")
    expect(page.get_by_role("heading", level=1)).to_have_text("For the desk only")
    tab.check("desk-forbidden")
