"""Access requests as the pages show them: the clock in words, the copy, the desk's order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.responses import Response
from sqlalchemy.orm import Session

from discretion.services import access_requests, inspection
from discretion.services.context import now
from discretion.services.principals import Principal
from discretion.web.wording import day

__all__ = ["STATES", "RequestRow", "attachment", "request_rows", "urgent"]

STATES = {
    "open": "Open",
    "paused": "Paused",
    "fulfilled": "Fulfilled",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
}
METHODS = {"online": "online", "paper": "on paper", "email": "by email"}


@dataclass(frozen=True)
class RequestRow:
    """One request: its clock and badge in words, and its latest copy."""

    id: int
    student_id: str
    method: str
    state: str
    is_open: bool
    is_paused: bool
    received: str
    due: str
    effective_due: str
    effective_due_at: datetime
    paused_days: int
    badge: str
    overdue: bool
    due_soon: bool
    reason: str
    copy_state: str  # "", "ready", "released" or "purged"
    kept_until: str


def _days(count: int) -> str:
    return f"{count} day" + ("" if count == 1 else "s")


def _badge(view: access_requests.RequestView, moment: datetime) -> str:
    if view.state == "paused":
        return "Paused"
    if view.overdue:
        return f"Overdue by {_days(max((moment - view.effective_due_at).days, 1))}"
    if view.state == "open":
        left = view.effective_due_at - moment
        return "Due today" if left.days < 1 else f"Due in {_days(left.days)}"
    return STATES.get(view.state, view.state)


def _copy_state(copy: Any, moment: datetime) -> str:
    """Return the state a reader sees: a released copy past its day is as good as purged
    (its content goes at the next download or ``access-request purge``)."""
    if copy is None:
        return ""
    if copy.state == "released" and copy.expires_at is not None and copy.expires_at <= moment:
        return "purged"
    return str(copy.state)


def _row(view: access_requests.RequestView, copy: Any, moment: datetime) -> RequestRow:
    return RequestRow(
        id=view.id, student_id=view.student_id, method=METHODS.get(view.method, view.method),
        state=STATES.get(view.state, view.state), is_open=view.state in ("open", "paused"),
        is_paused=view.state == "paused", received=day(view.received_at), due=day(view.due_at),
        effective_due=day(view.effective_due_at), effective_due_at=view.effective_due_at,
        paused_days=view.paused_days, badge=_badge(view, moment), overdue=view.overdue,
        due_soon=view.due_soon, reason=view.reason or "",
        copy_state=_copy_state(copy, moment),
        kept_until=day(copy.expires_at) if copy is not None else "",
    )  # fmt: skip


def request_rows(
    session: Session,
    profile: Any,
    reader: Principal,
    student_id: str | None = None,
    *,
    open_only: bool = False,
) -> list[RequestRow]:
    """Return the requests the reader may see (see ``list_requests``): open ones in the
    desk's order (``by_urgency``), or all newest first."""
    moment = now()
    views = access_requests.list_requests(session, profile, reader, student_id,
                                          open_only=open_only)  # fmt: skip
    ordered = access_requests.by_urgency(views) if open_only else list(reversed(views))
    rows = []
    for view in ordered:
        copies = inspection.copies(session, reader, view.id)
        rows.append(_row(view, copies[-1] if copies else None, moment))
    return rows


def urgent(rows: list[RequestRow]) -> dict[str, list[RequestRow]]:
    """Return the overdue rows and those due within a week (the desk home's panel)."""
    return {"overdue": [r for r in rows if r.overdue], "due_soon": [r for r in rows if r.due_soon]}


def attachment(found: inspection.Download) -> Response:
    """Return a copy's file as a download (the app's headers add ``Cache-Control: no-store``)."""
    disposition = f'attachment; filename="{found.filename}"'
    return Response(found.content, media_type=found.media_type,
                    headers={"Content-Disposition": disposition})  # fmt: skip
