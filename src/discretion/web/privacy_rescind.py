"""Showing items again: the student ends their own requests to keep things private.

A suppression ends only by the student's written rescission; the student's
own request, made signed in, is that (``changes.rescind`` with ``online``).
The page before says what will reappear; the page after gives the
references of the requests that ended.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from discretion.services.changes import list_suppressions, rescind
from discretion.services.errors import ConflictError, ForbiddenError, NotFoundError
from discretion.web.forms import is_csrf_valid, read_form
from discretion.web.privacy import EXPIRED, _absent, _run, _student, words
from discretion.web.rendering import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


async def _end(request: Request, item: str | None) -> Response:
    """End the requests in force for ``item`` (None: every one), in one transaction."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        return render(request, "problem.html", who, 403, title="Nothing changed", message=EXPIRED)
    me = who.principal.person_id or ""

    def work(session: Session) -> list[int]:
        in_force = [
            row
            for row in list_suppressions(session, who.principal, me)
            if row.rescinded_at is None and (item is None or row.item == item)
        ]
        for row in in_force:
            rescind(session, actor=who.principal, suppression_id=row.id, method="online")
        return [row.id for row in in_force]

    try:
        ended = await _run(request, work)
    except (ConflictError, ForbiddenError, NotFoundError):
        return _absent(request, who)
    if not ended:
        message = "There was nothing to show again."
        return render(request, "problem.html", who, 409, title="Nothing changed", message=message)
    query = "&".join(f"s={row_id}" for row_id in ended)
    return RedirectResponse(f"/privacy/done/shown?{query}", status_code=303)


@router.post("/privacy/release/{item}")
async def release_form(request: Request, item: str) -> Response:
    """Show one item again: end the request to keep it private."""
    return await _end(request, item)


@router.post("/privacy/rescind")
async def rescind_form(request: Request) -> Response:
    """Show everything again: end every request to keep something private."""
    return await _end(request, None)


@router.get("/privacy/done/shown")
async def shown_done(request: Request) -> Response:
    """Confirm which requests ended, with their references."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    wanted = {int(v) for v in request.query_params.getlist("s") if v.isdigit()}
    me = who.principal.person_id or ""

    def work(session: Session) -> list[tuple[str, int]]:
        rows = list_suppressions(session, who.principal, me)
        return [
            ("withhold everything" if row.item is None else f"keep your {words(row.item)} private",
             row.id)
            for row in rows
            if row.id in wanted and row.rescinded_at is not None
        ]  # fmt: skip

    ended = await _run(request, work)
    if not wanted or len(ended) != len(wanted):
        return _absent(request, who)
    return render(request, "privacy_shown.html", who, title="Your requests have ended", ended=ended)
