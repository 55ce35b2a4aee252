"""A student's waivers of the right to see confidential letters of recommendation.

A waiver is the student's own signed choice (it may not be required of them),
for letters supporting one purpose: admission, employment or an honor
(34 CFR 99.12(c)). It covers only letters placed while it was in force;
revoked in writing, it stops covering letters that come later. Letters it
covers are left out of the student's copy of their records, who still
learns who wrote them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from discretion.services.access import require_keeper
from discretion.services.context import now
from discretion.services.errors import ConflictError, InvalidRequestError, NotFoundError
from discretion.services.people import student
from discretion.services.principals import Principal
from discretion.store.models import AccessWaiver, Change

__all__ = ["PURPOSES", "record_waiver", "revoke_waiver"]

PURPOSES = ("admission", "employment", "honor")


def _record(session: Session, actor: Principal, action: str, waiver: AccessWaiver) -> None:
    session.flush()
    session.add(Change(at=now(), actor=actor.name, action=action, entity="access_waiver",
                       entity_id=str(waiver.id), student_id=waiver.student_id))  # fmt: skip


def record_waiver(
    session: Session,
    *,
    actor: Principal,
    student_id: str,
    purpose: str,
    signed_at: datetime,
    document_sha256: str,
) -> AccessWaiver:
    """Record a waiver the student signed (the student, or the Registrar's office for them).

    Raises:
        InvalidRequestError: an unknown purpose, a date in the future, or no
            digest of the signed document.
        ForbiddenError: anyone else.
    """
    if purpose not in PURPOSES:
        raise InvalidRequestError(
            f"a waiver covers letters for {', '.join(PURPOSES)}; `{purpose}` is none of them"
        )
    if signed_at > now():
        raise InvalidRequestError("a waiver cannot be signed in the future")
    if len(document_sha256) != 64:
        raise InvalidRequestError("give the SHA-256 of the signed waiver (64 hex digits)")
    require_keeper(actor, student_id)
    about = student(session, student_id)
    waiver = AccessWaiver(student_id=about.id, purpose=purpose, signed_at=signed_at,
                          document_sha256=document_sha256, recorded_by=actor.name)  # fmt: skip
    session.add(waiver)
    _record(session, actor, "record", waiver)
    return waiver


def revoke_waiver(session: Session, *, actor: Principal, waiver_id: int) -> AccessWaiver:
    """Revoke a waiver from now on; letters placed before stay covered.

    Raises:
        NotFoundError: no such waiver (to a student, also another's).
        ConflictError: it was revoked already.
    """
    waiver = session.get(AccessWaiver, waiver_id, with_for_update=True)
    if waiver is None or not (actor.is_system or actor.has("registrar")
                              or actor.is_person(waiver.student_id)):  # fmt: skip
        raise NotFoundError(f"unknown waiver `{waiver_id}`")
    require_keeper(actor, waiver.student_id)
    if waiver.revoked_at is not None:
        raise ConflictError(f"waiver {waiver_id} was revoked on {waiver.revoked_at.date()}")
    waiver.revoked_at, waiver.revoked_by = now(), actor.name
    _record(session, actor, "revoke", waiver)
    return waiver
