"""The student privacy center: a student's own directory entry, choices and records.

Only a signed-in student comes here, and only about themselves: no page
takes a student's id, and every service call names the signed-in person, so
the services' own checks (``services.access``) refuse anything else. A row
of someone else's reads as one that does not exist.

Every change is shown before it happens (a page that says what will change,
with a form that repeats the CSRF token), then done, then confirmed on a
page with a reference the student can quote. Ending a suppression is the
Registrar's to record, on the student's written rescission; the pages say
how, with the references to quote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from discretion.services import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    access_journal,
    disclosure_log,
)
from discretion.services.access import require_keeper
from discretion.services.changes import (
    list_authorizations,
    list_suppressions,
    list_web_permissions,
    suppress,
)
from discretion.services.directory import lookup
from discretion.services.people import person
from discretion.web.browsing import Viewer, context_of, viewer
from discretion.web.forms import is_csrf_valid, read_form
from discretion.web.rendering import render
from discretion.web.wording import day

__all__ = ["ITEM_WORDS", "router"]

router = APIRouter(include_in_schema=False)
T = TypeVar("T")

EXPIRED = "The form had expired. Nothing was changed; please try again."
# the plain words for each information item a student meets here
ITEM_WORDS = {
    "name": "name",
    "email": "email address",
    "office_address": "MIT office address",
    "office_phone": "MIT office phone",
    "term_address": "term address",
    "term_phone": "term phone",
    "permanent_address": "permanent address",
    "date_of_birth": "date of birth",
    "course": "course (major)",
    "year": "year",
    "registration_type": "registration type",
    "degrees": "degrees received",
    "dates_of_attendance": "dates of attendance",
    "grades": "grades",
    "transcript": "transcript",
    "test_scores": "test scores",
    "class_schedule": "subjects taken",
    "academic_standing": "academic standing",
    "coursework": "course work (papers, exams)",
    "urop_internship": "UROP and internship records",
}
# what a consent from these pages may cover (a letter of recommendation, a named third party)
CONSENT_ITEMS = (
    "grades",
    "transcript",
    "class_schedule",
    "academic_standing",
    "coursework",
    "test_scores",
    "urop_internship",
    "degrees",
    "dates_of_attendance",
)


def words(item: str | None) -> str:
    """Return an item in plain words (None: everything in the directory)."""
    if item is None:
        return "everything in the directory"
    return ITEM_WORDS.get(item, item.replace("_", " "))


def listed(items: list[str]) -> str:
    """Return items as a sentence's list: a, b and c."""
    named = [words(item) for item in items]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


async def _student(request: Request) -> Viewer | Response:
    """Return the signed-in student, or the answer for anyone else."""
    who = await viewer(request)
    if who is None:
        return RedirectResponse("/sign-in", status_code=303)
    if not who.principal.has("student") or who.principal.person_id is None:
        return render(
            request,
            "problem.html",
            who,
            403,
            title="For students only",
            message="These pages are for a student's own privacy settings. "
            "You are not signed in as a student.",
        )
    return who


def _absent(request: Request, who: Viewer) -> Response:
    return render(request, "not_found.html", who, 404, title="Page not found")


def _in(request: Request, work: Callable[[Session], T]) -> T:
    with context_of(request).transaction() as session:
        return work(session)


async def _run(request: Request, work: Callable[[Session], T]) -> T:
    return await run_in_threadpool(_in, request, work)


# -- my directory entry ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One directory item as the public and the Institute see it, and what the student chose."""

    item: str
    words: str
    inside: str | None
    public: str | None
    shown_by_default: bool
    suppression: int | None  # the suppression of this item in force, if any


def _entry(request: Request, who: Viewer) -> dict[str, Any]:
    profile = context_of(request).profile
    me = who.principal.person_id or ""

    def work(session: Session) -> dict[str, Any]:
        public = lookup(session, profile, me)
        inside = lookup(session, profile, me, who.principal)
        in_force = [s for s in list_suppressions(session, who.principal, me) if not s.rescinded_at]
        return {
            "public": public.items if public else {},
            "inside": inside.items if inside else {},
            "items": {s.item: s.id for s in in_force if s.item is not None},
            "withheld": next((s.id for s in in_force if s.item is None), None),
        }

    found = _in(request, work)
    rows = [
        Row(
            item,
            words(item),
            found["inside"].get(item),
            found["public"].get(item),
            item in profile.shown_by_default,
            found["items"].get(item),
        )
        for item in profile.directory_items
    ]
    return {"rows": rows, "withheld": found["withheld"], "items": found["items"]}


@router.get("/privacy")
async def privacy(request: Request) -> Response:
    """My directory entry as the public and the Institute see it, and what I can change."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    entry = await run_in_threadpool(_entry, request, who)
    return render(request, "privacy.html", who, title="Your privacy",
                  inspection_days=context_of(request).profile.inspection_days, **entry)  # fmt: skip


def _row(entry: dict[str, Any], item: str) -> Row | None:
    return next((row for row in entry["rows"] if row.item == item), None)


@router.get("/privacy/suppress/{item}")
async def suppress_page(request: Request, item: str) -> Response:
    """Say what keeping one item private changes, before it happens."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    entry = await run_in_threadpool(_entry, request, who)
    row = _row(entry, item)
    if row is None:
        return _absent(request, who)
    return render(
        request,
        "privacy_suppress.html",
        who,
        title=f"Keep your {row.words} private?",
        row=row,
        withheld=entry["withheld"],
    )


@router.get("/privacy/withhold")
async def withhold_page(request: Request) -> Response:
    """Say what withholding everything changes, before it happens."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    entry = await run_in_threadpool(_entry, request, who)
    return render(
        request,
        "privacy_withhold.html",
        who,
        title="Withhold everything from the directory?",
        shown=[row for row in entry["rows"] if row.public is not None],
        withheld=entry["withheld"],
    )


async def _suppress(request: Request, item: str | None) -> Response:
    who = await _student(request)
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        return render(request, "problem.html", who, 403, title="Nothing changed", message=EXPIRED)
    profile = context_of(request).profile
    me = who.principal.person_id or ""

    def work(session: Session) -> int:
        row = suppress(
            session, profile, actor=who.principal, student_id=me, item=item, method="online"
        )
        return row.id

    try:
        made = await _run(request, work)
    except ConflictError:
        message = (
            "You have already withheld everything."
            if item is None
            else f"Your {words(item)} is already private."
        )
        return render(request, "problem.html", who, 409, title="Nothing changed", message=message)
    except (InvalidRequestError, NotFoundError, ForbiddenError):
        return _absent(request, who)
    return RedirectResponse(f"/privacy/done/suppression/{made}", status_code=303)


@router.post("/privacy/suppress/{item}")
async def suppress_form(request: Request, item: str) -> Response:
    """Keep one directory item private, as the student's own request made online."""
    if item not in context_of(request).profile.directory_items:
        who = await _student(request)
        return who if isinstance(who, Response) else _absent(request, who)
    return await _suppress(request, item)


@router.post("/privacy/withhold")
async def withhold_form(request: Request) -> Response:
    """Withhold everything, as the student's own request made online."""
    return await _suppress(request, None)


@router.get("/privacy/release/{item}")
async def release_page(request: Request, item: str) -> Response:
    """Say what showing an item again would change, and how to ask for it."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    entry = await run_in_threadpool(_entry, request, who)
    row = _row(entry, item)
    if row is None or row.suppression is None:
        return _absent(request, who)
    return render(
        request,
        "privacy_release.html",
        who,
        title=f"Show your {row.words} again",
        ended=[(f"keep your {row.words} private", row.suppression)],
        reappear=[row] if row.shown_by_default and entry["withheld"] is None else [],
        registrar=context_of(request).profile.offices.get("registrar"),
        action=f"/privacy/release/{row.item}",
    )


@router.get("/privacy/rescind")
async def rescind_page(request: Request) -> Response:
    """Say what ending every suppression would change, and how to ask for it."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    entry = await run_in_threadpool(_entry, request, who)
    ended = [(f"keep your {words(item)} private", ref) for item, ref in entry["items"].items()]
    if entry["withheld"] is not None:
        ended.insert(0, ("withhold everything", entry["withheld"]))
    return render(
        request,
        "privacy_release.html",
        who,
        title="Show everything again",
        ended=ended,
        reappear=[row for row in entry["rows"] if row.shown_by_default and row.public is None],
        registrar=context_of(request).profile.offices.get("registrar"),
        action="/privacy/rescind",
    )


# -- confirmations --------------------------------------------------------------------------


@router.get("/privacy/done/suppression/{row_id}")
async def suppression_done(request: Request, row_id: int) -> Response:
    """Confirm a suppression or withholding, with its reference."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    me = who.principal.person_id or ""

    def work(session: Session) -> Any:
        rows = list_suppressions(session, who.principal, me)
        return next((r for r in rows if r.id == row_id and r.rescinded_at is None), None)

    row = await _run(request, work)
    if row is None:
        return _absent(request, who)
    title = "You withheld everything" if row.item is None else f"Your {words(row.item)} is private"
    return render(
        request,
        "privacy_done.html",
        who,
        title=title,
        reference=f"S-{row.id}",
        item=row.item,
        what=words(row.item),
        when=day(row.requested_at),
        kind="suppression",
    )


# -- what is on file, and who received or read what ----------------------------------------


def _revoked_or_in_force(revoked_at: datetime | None) -> str:
    return f"Revoked on {day(revoked_at)}" if revoked_at else "In force"


@router.get("/privacy/permissions")
async def permissions_page(request: Request) -> Response:
    """My signed authorisations (background checks) and web-posting permissions."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    me = who.principal.person_id or ""

    def work(session: Session) -> dict[str, Any]:
        signed = list_authorizations(session, who.principal, me)
        posting = list_web_permissions(session, who.principal, me)
        return {
            "authorizations": [
                {
                    "agency": a.agency,
                    "investigation": a.investigation,
                    "signed": day(a.signed_at),
                    "status": _revoked_or_in_force(a.revoked_at),
                }
                for a in signed
            ],
            "postings": [
                {
                    "site": p.site,
                    "items": listed(list(p.items)),
                    "granted": day(p.granted_at),
                    "status": _revoked_or_in_force(p.revoked_at),
                }
                for p in posting
            ],
        }

    found = await _run(request, work)
    return render(request, "privacy_permissions.html", who, title="Your authorisations", **found)


def _name(session: Session, person_id: str) -> str:
    try:
        someone = person(session, person_id)
    except NotFoundError:
        return person_id
    return someone.organization or f"{someone.given_name} {someone.family_name}"


@router.get("/privacy/history")
async def history_page(request: Request) -> Response:
    """Who received what about me (the disclosure log), and who inside read my record."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    me = who.principal.person_id or ""

    def work(session: Session) -> dict[str, Any]:
        require_keeper(who.principal, me)  # the log's service reads for anyone it is given
        disclosures = disclosure_log.entries_for(session, me)
        reads = access_journal.about(session, who.principal, me, limit=access_journal.MAX_PAGE)
        return {
            "disclosures": [
                {
                    "when": day(e.at),
                    "recipient": e.recipient,
                    "items": listed(e.items) if e.items else "",
                    "purpose": e.purpose or "",
                    "by": _name(session, e.actor_id),
                    "seq": e.seq,
                }
                for e in reversed(disclosures)
            ],
            "reads": [
                {
                    "when": day(a.at),
                    "time": f"{a.at:%H:%M} UTC",
                    "reader": _name(session, a.reader_id),
                    "door": {"web": "these pages", "api": "the API", "cli": "the command line"}.get(
                        a.door, a.door
                    ),
                    "shown": listed(a.shown) if a.shown else "nothing",
                }
                for a in reversed(reads)
                if a.reader_id != me
            ],
        }

    found = await _run(request, work)
    return render(request, "privacy_history.html", who, title="Who received or read what", **found)


@router.get("/privacy/see-my-records")
async def see_records_page(request: Request) -> Response:
    """How to ask to see my education records: a written request, met within 45 days."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    profile = context_of(request).profile
    return render(
        request,
        "privacy_see_records.html",
        who,
        title="Ask to see your records",
        registrar=profile.offices.get("registrar"),
        csip=profile.offices.get("csip"),
        days=profile.inspection_days,
    )
