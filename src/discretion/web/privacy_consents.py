"""The privacy center's consents: a student's own, given online, revoked, confirmed.

A consent given here is written (34 CFR 99.30): the student names the
recipient, the purpose and the items, and signs the statement the page shows
by typing their name; its SHA-256 is the evidence kept. The same rules as
``privacy`` hold: only the signed-in student, only about themselves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from discretion.services import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from discretion.services.changes import grant_consent, list_consents, revoke_consent
from discretion.services.context import now, parse_moment
from discretion.web.browsing import Viewer, context_of
from discretion.web.forms import is_csrf_valid, read_form
from discretion.web.privacy import (
    CONSENT_ITEMS,
    EXPIRED,
    _absent,
    _in,
    _run,
    _student,
    listed,
    words,
)
from discretion.web.rendering import render
from discretion.web.wording import consent_status, day

__all__ = ["router", "statement"]

router = APIRouter(include_in_schema=False)


# -- my consents ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentView:
    """A consent in plain words."""

    id: int
    recipient: str
    purpose: str
    items: str
    granted: str
    expires: str
    status: str
    in_force: bool


def _consent_view(row: Any, at: datetime) -> ConsentView:
    status, in_force = consent_status(row.revoked_at, row.expires_at, at)
    return ConsentView(
        row.id,
        row.recipient_name,
        row.purpose,
        listed(list(row.items)),
        day(row.granted_at),
        day(row.expires_at) if row.expires_at else "Does not expire",
        status,
        in_force,
    )


def _consents(request: Request, who: Viewer) -> list[ConsentView]:
    me = who.principal.person_id or ""
    at = now()
    return _in(
        request,
        lambda session: [_consent_view(r, at) for r in list_consents(session, who.principal, me)],
    )


@router.get("/privacy/consents")
async def consents_page(request: Request) -> Response:
    """My consents: who may receive what about me, for what, until when."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    found = await run_in_threadpool(_consents, request, who)
    return render(request, "privacy_consents.html", who, title="Your consents", consents=found)


def _consent_form(
    request: Request, who: Viewer, values: dict[str, Any], errors: dict[str, str], status: int
) -> Response:
    return render(
        request,
        "privacy_consent_new.html",
        who,
        status,
        title="Give your consent",
        choices=[(item, words(item)) for item in CONSENT_ITEMS],
        values=values,
        errors=errors,
    )


@router.get("/privacy/consents/new")
async def consent_new(request: Request) -> Response:
    """The form to consent to a disclosure: recipient, purpose, items, until when."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    return _consent_form(request, who, {"items": []}, {}, 200)


def statement(name: str, student_id: str, values: dict[str, Any], expires: datetime) -> str:
    """Return the consent the student signs by sending the form (its SHA-256 is kept)."""
    return (
        f"I, {name} ({student_id}), consent to the Institute disclosing my "
        f"{listed(values['items'])} to {values['recipient']} for this purpose: "
        f"{values['purpose']}. This consent ends on {day(expires)} unless I revoke it sooner. "
        f"Signed online on {now().isoformat()}."
    )


def _check_consent(form: dict[str, str], raw: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {
        "recipient": form.get("recipient", "").strip(),
        "purpose": form.get("purpose", "").strip(),
        "items": [item for item in raw if item in CONSENT_ITEMS],
        "expires": form.get("expires", "").strip(),
    }
    errors: dict[str, str] = {}
    if not values["recipient"]:
        errors["recipient"] = "Enter who may receive the information"
    elif len(values["recipient"]) > 300:
        errors["recipient"] = "The recipient's name must be 300 characters or fewer"
    if not values["purpose"]:
        errors["purpose"] = "Enter what the information is for"
    elif len(values["purpose"]) > 500:
        errors["purpose"] = "The purpose must be 500 characters or fewer"
    if not values["items"]:
        errors["items"] = "Choose at least one kind of information"
    if not values["expires"]:
        errors["expires"] = "Enter the date your consent ends"
    else:
        try:
            expires = parse_moment(values["expires"])
        except InvalidRequestError:
            errors["expires"] = "Enter the date your consent ends as a real date, e.g. 2027-06-30"
        else:
            if expires <= now():
                errors["expires"] = "The date your consent ends must be in the future"
            values["expires_at"] = expires
    return values, errors


@router.post("/privacy/consents/new")
async def consent_grant(request: Request) -> Response:
    """Record the consent the student signed online; then confirm it with its reference."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    body = await request.body()
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        return render(request, "problem.html", who, 403, title="Nothing changed", message=EXPIRED)
    raw = parse_qs(body.decode("utf-8", "replace")).get("items", [])
    values, errors = _check_consent(form, raw)
    if errors:
        return _consent_form(request, who, values, errors, 400)
    profile = context_of(request).profile
    me = who.principal.person_id or ""
    signed = statement(who.name, me, values, values["expires_at"])

    def work(session: Session) -> int:
        row = grant_consent(
            session,
            profile,
            actor=who.principal,
            student_id=me,
            recipient_id=None,
            recipient_name=values["recipient"],
            purpose=values["purpose"],
            items=values["items"],
            form="written",
            expires_at=values["expires_at"],
            document_sha256=hashlib.sha256(signed.encode()).hexdigest(),
        )
        return row.id

    try:
        made = await _run(request, work)
    except InvalidRequestError as error:
        return _consent_form(request, who, values, {"purpose": str(error)}, 400)
    return RedirectResponse(f"/privacy/done/consent/{made}", status_code=303)


def _one_consent(request: Request, who: Viewer, consent_id: int) -> ConsentView | None:
    return next((c for c in _consents(request, who) if c.id == consent_id), None)


@router.get("/privacy/consents/{consent_id}/revoke")
async def revoke_page(request: Request, consent_id: int) -> Response:
    """Say what revoking a consent changes, before it happens."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    consent = await run_in_threadpool(_one_consent, request, who, consent_id)
    if consent is None or not consent.in_force:
        return _absent(request, who)
    return render(
        request, "privacy_revoke.html", who, title="Revoke this consent?", consent=consent
    )


@router.post("/privacy/consents/{consent_id}/revoke")
async def revoke_form(request: Request, consent_id: int) -> Response:
    """Revoke the consent (final); then confirm it with its reference."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    if not is_csrf_valid(request, form):
        return render(request, "problem.html", who, 403, title="Nothing changed", message=EXPIRED)

    def work(session: Session) -> None:
        revoke_consent(session, actor=who.principal, consent_id=consent_id)

    try:
        await _run(request, work)
    except (ForbiddenError, NotFoundError):
        return _absent(request, who)
    except ConflictError:
        message = "This consent had already ended; nothing changed."
        return render(request, "problem.html", who, 409, title="Nothing changed", message=message)
    return RedirectResponse(f"/privacy/done/consent/{consent_id}", status_code=303)


@router.get("/privacy/done/consent/{row_id}")
async def consent_done(request: Request, row_id: int) -> Response:
    """Confirm a consent given or revoked, with its reference."""
    who = await _student(request)
    if isinstance(who, Response):
        return who
    consent = await run_in_threadpool(_one_consent, request, who, row_id)
    if consent is None:
        return _absent(request, who)
    revoked = consent.status.startswith("Revoked")
    return render(
        request,
        "privacy_done.html",
        who,
        title="You revoked your consent" if revoked else "You gave your consent",
        reference=f"C-{consent.id}",
        consent=consent,
        revoked=revoked,
        kind="consent",
    )
