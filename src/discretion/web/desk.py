"""The desk: the Registrar's office and the deans' offices work their queue and keep the records.

Anyone in an office sees their offices' referral queue (overdue first), takes
one (assigned to themselves) and closes it with what the office did, after a
page that asks them to confirm. The Registrar also searches and exports the
disclosure log, checks its chain, searches the access journal and reads a
student's consents and authorisations on file; the charts show what the
viewer may see and nothing else. A page the viewer may not use is not linked,
and a referral of another office reads as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

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
    desk,
    disclosure_log,
)
from discretion.services.changes import list_authorizations, list_consents
from discretion.services.checkpoints import stored
from discretion.services.context import now
from discretion.services.referrals import assign_referral, close_referral, list_referrals
from discretion.web.browsing import Viewer, context_of, viewer
from discretion.web.forms import is_csrf_valid, read_form
from discretion.web.privacy import EXPIRED, words
from discretion.web.rendering import render
from discretion.web.request_views import request_rows, urgent
from discretion.web.wording import consent_status, day

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
PAGE = 50
DOORS = {"api": "the API", "cli": "the command line", "web": "the web pages"}
RECIPIENTS = {
    "parent": "a parent",
    "employer": "an employer",
    "media": "the media",
    "law_enforcement": "law enforcement",
    "court": "a court",
    "subpoena": "a subpoena",
}


def may_use_desk(who: Viewer | None) -> bool:
    """Return whether the viewer works in an office (the desk is theirs)."""
    return who is not None and who.principal.has("registrar", "office_member")


def _in(request: Request, work: Callable[[Session], T]) -> T:
    with context_of(request).transaction() as session:
        return work(session)


async def _run(request: Request, work: Callable[[Session], T]) -> T:
    return await run_in_threadpool(_in, request, work)


async def _staff(request: Request, registrar: bool = False) -> Viewer | Response:
    """Return the signed-in office member (the Registrar, if ``registrar``), or the answer."""
    who = await viewer(request)
    if who is None:
        return RedirectResponse("/sign-in", status_code=303)
    allowed = who.principal.has("registrar") if registrar else may_use_desk(who)
    if not allowed:
        needed = "the Registrar's office" if registrar else "the Registrar's and deans' offices"
        message = f"This page is for {needed}. You are not signed in as one of them."
        return render(request, "problem.html", who, 403, title="For the desk only", message=message)
    return who


def _absent(request: Request, who: Viewer) -> Response:
    return render(request, "not_found.html", who, 404, title="Page not found")


def _expired(request: Request, who: Viewer) -> Response:
    return render(request, "problem.html", who, 403, title="Nothing changed", message=EXPIRED)


def _moment(moment: datetime | None) -> str:
    return "" if moment is None else f"{day(moment)}, {moment:%H:%M} UTC"


def _office(request: Request, office_id: str) -> str:
    office = context_of(request).profile.offices.get(office_id)
    return office_id.replace("_", " ") if office is None else office.name


@dataclass(frozen=True)
class Item:
    """A referral as the desk shows it."""

    id: int
    office: str
    student: str
    requester: str
    recipient: str
    what: str
    note: str
    status: str
    assignee: str
    opened: str
    overdue: bool
    mine: bool


def _item(request: Request, who: Viewer, referral: Any) -> Item:
    mine = referral.assignee_id is not None and referral.assignee_id == who.principal.person_id
    status = "Waiting" if referral.status == "open" else (
        "Assigned to you" if mine else f"Assigned to {referral.assignee_id}"
    )  # fmt: skip
    return Item(
        referral.id,
        _office(request, referral.office),
        referral.student_id or "no student named",
        referral.requester,
        RECIPIENTS.get(referral.recipient_kind, referral.recipient_kind.replace("_", " ")),
        ", ".join(words(i) for i in referral.items),
        referral.note or "",
        "Closed" if referral.status == "closed" else status,
        referral.assignee_id or "",
        _moment(referral.opened_at),
        desk.is_overdue(referral),
        mine,
    )


@router.get("/desk")
async def desk_home(request: Request) -> Response:
    """The queue: the viewer's offices' referrals not yet closed, overdue first."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    waiting = await _run(
        request, lambda s: [_item(request, who, r) for r in desk.queue(s, who.principal)]
    )
    assigned = request.query_params.get("assigned", "")
    done = next(
        (i for i in waiting if assigned.isdigit() and i.id == int(assigned) and i.mine), None
    )
    profile, registrar = context_of(request).profile, who.principal.has("registrar")
    due = None
    if registrar:  # the access requests overdue or nearly due
        due = await _run(
            request,
            lambda s: urgent(request_rows(s, profile, who.principal, open_only=True)),
        )
    return render(request, "desk.html", who, title="The desk", waiting=waiting, assigned=done,
                  registrar=registrar, requests_due=due)  # fmt: skip


def _referral(session: Session, who: Viewer, referral_id: int) -> Any:
    found = [r for r in list_referrals(session, who.principal) if r.id == referral_id]
    return found[0] if found else None


@router.post("/desk/referrals/{referral_id}/assign")
async def assign(request: Request, referral_id: int) -> Response:
    """Take a referral: assign it to the viewer."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    if not is_csrf_valid(request, await read_form(request)):
        return _expired(request, who)
    me = who.principal.person_id or ""

    def work(session: Session) -> None:
        assign_referral(session, who.principal, referral_id=referral_id, assignee_id=me)

    try:
        await _run(request, work)
    except (ConflictError, ForbiddenError, NotFoundError, InvalidRequestError):
        return _absent(request, who)
    return RedirectResponse(f"/desk?assigned={referral_id}#referral-{referral_id}", 303)


async def _close_page(
    request: Request, who: Viewer, referral_id: int, outcome: str = "", error: str = ""
) -> Response:
    def work(session: Session) -> Item | None:
        found = _referral(session, who, referral_id)
        return None if found is None or found.status == "closed" else _item(request, who, found)

    item = await _run(request, work)
    if item is None:
        return _absent(request, who)
    return render(request, "desk_close.html", who, 422 if error else 200,
                  title=f"Close referral R-{referral_id}?", item=item, outcome=outcome,
                  error=error)  # fmt: skip


@router.get("/desk/referrals/{referral_id}/close")
async def close_form(request: Request, referral_id: int) -> Response:
    """Ask what the office did, and confirm closing: a closed referral stays closed."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    return await _close_page(request, who, referral_id)


@router.post("/desk/referrals/{referral_id}/close")
async def close(request: Request, referral_id: int) -> Response:
    """Close a referral with what the office did."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        return _expired(request, who)
    outcome = form.get("outcome", "").strip()[:2000]
    if not outcome:
        error = "Enter what the office did"
        return await _close_page(request, who, referral_id, outcome, error)

    def work(session: Session) -> None:
        close_referral(session, who.principal, referral_id=referral_id, outcome=outcome)

    try:
        await _run(request, work)
    except (ConflictError, ForbiddenError, NotFoundError, InvalidRequestError):
        return _absent(request, who)
    return RedirectResponse(f"/desk/referrals/{referral_id}/closed", status_code=303)


@router.get("/desk/referrals/{referral_id}/closed")
async def closed(request: Request, referral_id: int) -> Response:
    """Confirm a referral is closed, with its reference and outcome."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who

    def work(session: Session) -> tuple[Item, str] | None:
        found = _referral(session, who, referral_id)
        if found is None or found.status != "closed":
            return None
        return _item(request, who, found), found.outcome or ""

    done = await _run(request, work)
    if done is None:
        return _absent(request, who)
    return render(request, "desk_closed.html", who, title="The referral is closed",
                  item=done[0], outcome=done[1])  # fmt: skip


# -- the disclosure log ---------------------------------------------------------------------


@dataclass(frozen=True)
class LogQuery:
    """A search of the log, as typed, with what was wrong with it."""

    student: str
    recipient: str
    since: str
    until: str
    after: int
    errors: dict[str, str]
    dates: tuple[date | None, date | None]

    def link(self, **changes: object) -> str:
        """Return this search's query string, with ``changes``."""
        fields = {"student": self.student, "recipient": self.recipient, "since": self.since,
                  "until": self.until, "after": self.after, **changes}  # fmt: skip
        return urlencode({k: v for k, v in fields.items() if v not in ("", 0, None)})


def _date(text: str, name: str, errors: dict[str, str], label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = f"Enter the {label} as a date, like 2026-12-01"
        return None


def _after(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 19 else 0


def _log_query(request: Request) -> LogQuery:
    params = request.query_params
    errors: dict[str, str] = {}
    since_text = params.get("since", "").strip()[:20]
    until_text = params.get("until", "").strip()[:20]
    since = _date(since_text, "since", errors, "first day")
    until = _date(until_text, "until", errors, "last day")
    if since and until and until < since:
        errors["until"] = "Enter a last day on or after the first day"
    student = params.get("student", "").strip()[:64]
    recipient = params.get("recipient", "").strip()[:300]
    after = _after(params.get("after", "0"))
    return LogQuery(student, recipient, since_text, until_text, after, errors, (since, until))


def _search(request: Request, who: Viewer, query: LogQuery, limit: int) -> list[Any]:
    since, until = query.dates

    def work(session: Session) -> list[Any]:
        return desk.search_log(session, who.principal, student_id=query.student or None,
                               recipient=query.recipient or None, since=since, until=until,
                               after=query.after, limit=limit)  # fmt: skip

    return _in(request, work)


@router.get("/desk/log")
async def log(request: Request) -> Response:
    """Search the disclosure log, page by page; export it; check its chain."""
    who = await _staff(request, registrar=True)
    if isinstance(who, Response):
        return who
    query = _log_query(request)
    entries = (
        [] if query.errors else await run_in_threadpool(_search, request, who, query, PAGE + 1)
    )
    more = len(entries) > PAGE
    entries = entries[:PAGE]
    rows = [
        {"seq": e.seq, "at": _moment(e.at), "recipient": e.recipient, "student": e.student_id,
         "items": ", ".join(words(i) for i in e.items), "purpose": e.purpose or "",
         "by": e.actor_id}
        for e in entries
    ]  # fmt: skip
    following = query.link(after=entries[-1].seq) if more else None
    return render(request, "desk_log.html", who, 422 if query.errors else 200,
                  title="The disclosure log", query=query, rows=rows, following=following,
                  export=query.link(after=0), searched=bool(query.link(after=0)))  # fmt: skip


@router.get("/desk/log.csv")
async def log_csv(request: Request) -> Response:
    """The entries the search finds, as CSV whose cells never run as formulas."""
    who = await _staff(request, registrar=True)
    if isinstance(who, Response):
        return who
    query = _log_query(request)
    if query.errors:
        return render(request, "problem.html", who, 422, title="Nothing to export",
                      message="The dates of the search are not dates.")  # fmt: skip
    entries = await run_in_threadpool(_search, request, who, query, desk.MAX_PAGE)
    named = {"Content-Disposition": 'attachment; filename="disclosure-log.csv"'}
    return Response(
        disclosure_log.to_csv(entries), media_type="text/csv; charset=utf-8", headers=named
    )


@router.post("/desk/log/verify")
async def verify(request: Request) -> Response:
    """Check every entry of the log, its end and its signed checkpoints; say what was found."""
    who = await _staff(request, registrar=True)
    if isinstance(who, Response):
        return who
    if not is_csrf_valid(request, await read_form(request)):
        return _expired(request, who)

    def work(session: Session) -> tuple[Any, Any]:
        checkpoints = stored(session)
        return disclosure_log.verify(session), (checkpoints[-1] if checkpoints else None)

    result, checkpoint = await _run(request, work)
    return render(request, "desk_verify.html", who, title="Checking the disclosure log",
                  result=result, checkpoint=checkpoint,
                  signed=_moment(checkpoint.at) if checkpoint else "")  # fmt: skip


# -- the access journal, consents on file ---------------------------------------------------


@router.get("/desk/journal")
async def journal(request: Request) -> Response:
    """Search who read which student's record."""
    who = await _staff(request, registrar=True)
    if isinstance(who, Response):
        return who
    params = request.query_params
    student = params.get("student", "").strip()[:64]
    reader = params.get("reader", "").strip()[:64]
    since_text = params.get("since", "").strip()[:20]
    errors: dict[str, str] = {}
    since = _date(since_text, "since", errors, "first day")
    after = _after(params.get("after", "0"))

    def work(session: Session) -> list[Any]:
        start = desk.start_of(since) if since else None
        return access_journal.search(session, who.principal, student_id=student or None,
                                     reader_id=reader or None, since=start, after=after,
                                     limit=PAGE + 1)  # fmt: skip

    found = [] if errors else await _run(request, work)
    rows = [
        {"id": a.id, "at": _moment(a.at), "reader": a.reader_id, "student": a.student_id,
         "door": DOORS.get(a.door, a.door),
         "shown": ", ".join(words(i) for i in a.shown) or "nothing"}
        for a in found[:PAGE]
    ]  # fmt: skip
    fields = {"student": student, "reader": reader, "since": since_text}
    following = None
    if len(found) > PAGE:
        following = urlencode(
            {**{k: v for k, v in fields.items() if v}, "after": found[PAGE - 1].id}
        )
    return render(request, "desk_journal.html", who, 422 if errors else 200,
                  title="The access journal", fields=fields, errors=errors, rows=rows,
                  following=following)  # fmt: skip


def _status(row: Any) -> str:
    return consent_status(row.revoked_at, row.expires_at, now())[0]


@router.get("/desk/consents")
async def consents(request: Request) -> Response:
    """A student's consents and signed authorisations on file, in force or not."""
    who = await _staff(request, registrar=True)
    if isinstance(who, Response):
        return who
    student = request.query_params.get("student", "").strip()[:64]

    def work(session: Session) -> dict[str, Any] | None:
        try:
            found = list_consents(session, who.principal, student)
            signed = list_authorizations(session, who.principal, student)
        except NotFoundError:
            return None
        return {
            "consents": [{"id": c.id, "recipient": c.recipient_name, "purpose": c.purpose,
                          "items": ", ".join(words(i) for i in c.items), "form": c.form,
                          "granted": day(c.granted_at), "status": _status(c)} for c in found],
            "authorizations": [{"id": a.id, "agency": a.agency, "investigation": a.investigation,
                                "signed": day(a.signed_at), "status": _status(a)} for a in signed],
        }  # fmt: skip

    found = await _run(request, work) if student else None
    return render(request, "desk_consents.html", who, title="Consents on file", student=student,
                  found=found)  # fmt: skip


# -- charts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, its value, and where it is drawn."""

    label: str
    value: int
    text: str
    y: int
    width: int


def _bars(values: list[tuple[str, int, str]], width: int = 260, height: int = 22) -> list[Bar]:
    top = max((v for _, v, _ in values), default=0) or 1
    return [Bar(label, value, text, i * (height + 6), round(width * value / top))
            for i, (label, value, text) in enumerate(values)]  # fmt: skip


@router.get("/desk/charts")
async def charts(request: Request) -> Response:
    """The trends: disclosures per week, referrals by office, suppression rates."""
    who = await _staff(request)
    if isinstance(who, Response):
        return who
    registrar = who.principal.has("registrar")

    def work(session: Session) -> dict[str, Any]:
        offices = desk.referrals_by_office(session, who.principal)
        found: dict[str, Any] = {"offices": [(_office(request, o.office), o) for o in offices]}
        if registrar:
            found["weeks"] = desk.disclosures_per_week(session, who.principal)
            found["rates"] = desk.suppression_rates(session, who.principal)
        return found

    found = await _run(request, work)
    offices = _bars([(name, o.total, f"{o.total}") for name, o in found["offices"]])
    weeks = rates = None
    if registrar:
        weeks = _bars([(f"Week of {day(w.week)}", w.count, str(w.count)) for w in found["weeks"]])
        r = found["rates"]
        rates = {
            "figures": r,
            "bars": _bars([
                ("Keep something private", r.any_item, f"{r.share(r.any_item):.0%}"),
                ("Withhold everything", r.withheld, f"{r.share(r.withheld):.0%}"),
            ]),
        }  # fmt: skip
    return render(request, "desk_charts.html", who, title="Trends", offices=offices,
                  office_rows=found["offices"], weeks=weeks, rates=rates)  # fmt: skip
