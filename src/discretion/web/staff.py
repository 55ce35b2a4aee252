"""The staff pages: look a student up, read their record as this reader may, and class lists.

Only signed-in staff come here: a student goes to their own privacy pages,
a visitor to the sign-in page. Every read is the services': a record is
``release_record`` (masked means absent, the read journaled with the door
``web``), a lookup is the directory's inside view, a class list goes to the
subject's staff only. A student the reader may see nothing of answers
exactly as an unknown id does, so the page never tells that a student
exists to someone allowed nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from discretion.services import InvalidRequestError, NotFoundError, RefusedError
from discretion.services import advising as advisor
from discretion.services.class_lists import (
    STAFF_ONLY,
    ClassList,
    class_list_csv,
    find_subject,
    release_class_list,
    staffed_subjects,
)
from discretion.services.context import now
from discretion.services.directory import lookup
from discretion.services.release import NOT_OPEN, ReleasedRecord, release_record
from discretion.web.browsing import Viewer, context_of, viewer
from discretion.web.forms import is_csrf_valid, read_form
from discretion.web.privacy import words
from discretion.web.rendering import render

__all__ = ["CHECKS", "STAFF_ROLES", "router"]

router = APIRouter(include_in_schema=False)
T = TypeVar("T")

STAFF_ROLES = ("official", "office_member", "registrar", "administrator")
EXPIRED = "The form had expired. Nothing was changed; please try again."
NO_MATCH = (
    "No student you may see matches that. Give their ID, username or full name exactly, "
    "as the records spell it."
)
MAX_ID = 64  # the longest id the records hold
EMPTY = "Enter a student's ID, username or full name."
REFUSED = "Class lists go to the subject's own staff only: its instructors, TAs and administrators."
# common requests staff meet, as advisor answers; the student's own facts replace the stated ones
CHECKS = (
    (
        "A parent asks about the student's grades",
        "act=disclose&recipient=parent&information=grades&students=one&level=undergraduate"
        "&dependent=no&consent=none&channel=phone&emergency=no&financial-aid=no",
    ),
    (
        "An employer asks for grades and a transcript",
        "act=disclose&recipient=employer&information=grades,transcript&students=one"
        "&level=undergraduate&consent=none&channel=email&emergency=no&financial-aid=no",
    ),
)
CONDITION_WORDS = {
    "record_disclosure": "this release is written in the disclosure log",
    "legitimate_educational_interest": "only for your work with the student",
}


def _in(request: Request, work: Callable[[Session], T]) -> T:
    with context_of(request).transaction() as session:
        return work(session)


async def _run(request: Request, work: Callable[[Session], T]) -> T:
    return await run_in_threadpool(_in, request, work)


async def _staff(request: Request) -> Viewer | Response:
    """Return the signed-in member of staff, or where anyone else goes."""
    who = await viewer(request)
    if who is None:
        return RedirectResponse("/sign-in", status_code=303)
    if who.principal.has(*STAFF_ROLES) and who.principal.person_id is not None:
        return who
    if who.principal.has("student"):
        return RedirectResponse("/privacy", status_code=303)
    return render(request, "problem.html", who, 403, title="For staff only",
                  message="These pages are for the Institute's faculty and staff.")  # fmt: skip


def _lookup_page(
    request: Request, who: Viewer, status: int = 200, error: str | None = None, query: str = ""
) -> Response:
    return render(request, "staff_lookup.html", who, status,
                  title=("Error: " if error else "") + "Look up a student",
                  error=error, query=query)  # fmt: skip


@router.get("/students")
async def students(request: Request) -> Response:
    """The lookup form: a student's ID, username or exact full name."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    return _lookup_page(request, who)


@router.post("/students")
async def find(request: Request) -> Response:
    """Find the one student the words name, as the directory's inside view; go to their page."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    query = " ".join(form.get("q", "").split())[:200]
    if not is_csrf_valid(request, form):
        return _lookup_page(request, who, 403, EXPIRED, query)
    if not query:
        return _lookup_page(request, who, 400, EMPTY, query)
    profile = context_of(request).profile
    entry = await _run(request, lambda session: lookup(session, profile, query, who.principal))
    if entry is None:
        return _lookup_page(request, who, 404, NO_MATCH, query)
    return RedirectResponse(f"/students/{quote(entry.student_id, safe='')}", status_code=303)


def _groups(released: ReleasedRecord, directory: frozenset[str] | set[str]) -> list[dict[str, Any]]:
    """Return the items shown, in two groups: the directory, then the education records."""
    groups: list[dict[str, Any]] = [
        {"heading": "Directory information", "rows": []},
        {"heading": "Education records", "rows": []},
    ]
    for item in released.items:
        label = words(item.item) + (f" ({item.subject})" if item.subject else "")
        notes = [CONDITION_WORDS.get(c, c.replace("_", " ")) for c in item.conditions]
        groups[0 if item.item in directory else 1]["rows"].append(
            {"label": label, "shown": item.values, "notes": notes}
        )
    return [group for group in groups if group["rows"]]


def check_link(student_id: str, query: str) -> str:
    """Return the advisor's check page for ``query``, with the student named for the records."""
    return f"/advisor/check?{query}&{urlencode({'student': student_id})}"


def _not_open(request: Request, who: Viewer) -> Response:
    """The one answer for an unknown id and a student the reader may see nothing of."""
    return render(request, "problem.html", who, 404, title="No record to show",
                  message=NOT_OPEN.format(reader="you").capitalize() + ".")  # fmt: skip


@router.get("/students/{student_id}")
async def student_page(request: Request, student_id: str) -> Response:
    """The record as this reader may see it; an unknown id and nothing allowed read the same."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    profile = context_of(request).profile
    principal = who.principal
    if len(student_id) > MAX_ID:  # no student has such an id (nor could the journal hold it)
        return _not_open(request, who)

    def read(session: Session) -> ReleasedRecord:
        return release_record(session, profile, reader=principal, student_id=student_id,
                              door="web")  # fmt: skip

    released = await _run(request, read)
    if released.is_empty:
        return _not_open(request, who)
    name = next((v for i in released.items if i.item == "name" for v in i.values), None)
    checks = [
        (label, check_link(released.student_id, advisor.to_query(
            advisor.from_query(query, profile), profile)))
        for label, query in CHECKS
    ]  # fmt: skip
    return render(
        request,
        "staff_student.html",
        who,
        title=name or released.student_id,
        name=name,
        record=released,
        groups=_groups(released, set(profile.directory_items)),
        checks=checks,
    )


@router.get("/subjects")
async def subjects(request: Request) -> Response:
    """My subjects: those I teach, assist or administer, each with its class list."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    principal = who.principal
    mine = await _run(request, lambda session: staffed_subjects(session, principal))
    return render(request, "staff_subjects.html", who, title="My subjects", subjects=mine,
                  role_words=ROLE_WORDS)  # fmt: skip


ROLE_WORDS = {
    "instructor": "instructor",
    "teaching_assistant": "TA",
    "subject_administrator": "administrator",
}


async def _class_list(request: Request, who: Viewer, subject_id: str) -> ClassList | Response:
    profile = context_of(request).profile
    principal = who.principal

    def read(session: Session) -> ClassList:  # a code (8.01) or an id, as find_subject reads it
        found = find_subject(session, principal, subject_id)
        return release_class_list(session, profile, reader=principal, subject_id=found)

    if len(subject_id) > MAX_ID:
        return render(request, "not_found.html", who, 404, title="Page not found")
    try:
        return await _run(request, read)
    except NotFoundError:
        return render(request, "not_found.html", who, 404, title="Page not found")
    except RefusedError:
        return render(request, "problem.html", who, 403, title="Not your class list",
                      message=REFUSED)  # fmt: skip
    except InvalidRequestError as error:  # a code several sections share, none of them yours
        return render(request, "problem.html", who, 400, title="Which section?",
                      message=str(error))  # fmt: skip


@router.get("/subjects/{subject_id}/class-list")
async def class_list(request: Request, subject_id: str) -> Response:
    """The class list, marked for the subject's staff only, with its export."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    listed = await _class_list(request, who, subject_id)
    if isinstance(listed, Response):
        return listed
    return render(
        request,
        "staff_class_list.html",
        who,
        title=f"Class list of {listed.code}",
        listed=listed,
        staff_only=STAFF_ONLY,
        export=f"/subjects/{quote(listed.subject_id, safe='')}/class-list.csv",
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.").lower() or "recipient"


@router.get("/subjects/{subject_id}/class-list.csv")
async def class_list_export(request: Request, subject_id: str) -> Response:
    """The class list as CSV: its name and first lines say who it was exported for."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    listed = await _class_list(request, who, subject_id)
    if isinstance(listed, Response):
        return listed
    body = class_list_csv(listed, f"{who.name} ({who.principal.person_id})", now())
    filename = f"class-list-{_slug(listed.code)}-for-{_slug(who.name)}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
