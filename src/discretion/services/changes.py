"""Consents, authorisations, posting permissions and suppressions: granted, ended, listed.

Every change is recorded with who made it and when, and only someone who
may make it does (``services.access``): the student or the Registrar's office
for the student's choices, the Registrar alone for a rescission. Each ends in
a final state: a revoked consent or a rescinded suppression never comes back;
a new one is granted instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.policy import Profile
from discretion.policy.errors import UnknownInformationError
from discretion.services import privacy_feed
from discretion.services.access import KEEPER, require_keeper
from discretion.services.context import now
from discretion.services.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from discretion.services.people import person, student
from discretion.services.principals import Principal
from discretion.store.models import (
    Authorization,
    Change,
    Consent,
    Person,
    Suppression,
    WebPermission,
)

__all__ = [
    "CONSENT_FORMS",
    "SUPPRESSION_METHODS",
    "grant_authorization",
    "grant_consent",
    "grant_web_permission",
    "list_authorizations",
    "list_consents",
    "list_suppressions",
    "list_web_permissions",
    "rescind",
    "revoke_authorization",
    "revoke_consent",
    "revoke_web_permission",
    "row_json",
    "suppress",
]

CONSENT_FORMS = ("verbal", "email", "written", "signed_authorization")
SUPPRESSION_METHODS = ("written", "online", "in_person")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

Row = TypeVar("Row", Consent, Authorization, WebPermission, Suppression)


def row_json(row: Any) -> dict[str, Any]:
    """Return a row's columns as JSON-ready data."""
    data = {c.key: getattr(row, c.key) for c in row.__table__.columns}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}


def _record(session: Session, actor: Principal, action: str, row: Any, student_id: str) -> None:
    session.flush()
    session.add(
        Change(
            at=now(),
            actor=actor.name,
            action=action,
            entity=row.__tablename__,
            entity_id=str(row.id),
            student_id=student_id,
        )
    )


def _items(profile: Profile, items: Sequence[str], *, directory_only: bool = False) -> list[str]:
    known = profile.directory_items if directory_only else tuple(profile.items)
    what = "directory item" if directory_only else "information item"
    if not items:
        raise InvalidRequestError(f"name at least one {what}")
    for item in items:
        if item not in known:
            raise UnknownInformationError(what, item, known)
    return sorted(set(items))


def _hash(document_sha256: str | None) -> str | None:
    if document_sha256 is not None and not _SHA256.match(document_sha256):
        raise InvalidRequestError(
            f"`{document_sha256}` is not a SHA-256 digest; give 64 lowercase hex digits"
        )
    return document_sha256


def grant_consent(
    session: Session,
    profile: Profile,
    *,
    actor: Principal,
    student_id: str,
    recipient_id: str | None,
    recipient_name: str | None,
    purpose: str,
    items: Sequence[str],
    form: str,
    expires_at: datetime | None = None,
    message_id: str | None = None,
    document_sha256: str | None = None,
    granted_at: datetime | None = None,
) -> Consent:
    """Record a student's consent to disclose ``items`` to a recipient for ``purpose``.

    Raises:
        ForbiddenError: the actor is neither the student nor the Registrar's office.
        InvalidRequestError: no recipient, no purpose, an unknown form, no evidence
            for the form (an email needs its message id; a written or signed form its
            hash), or a verbal consent to someone outside the institution.
    """
    require_keeper(actor, student_id)
    about = student(session, student_id)
    _evidence(form, message_id, document_sha256, "consent")
    if not purpose.strip():
        raise InvalidRequestError("a consent names its purpose; give --purpose")
    recipient = person(session, recipient_id) if recipient_id else None
    name = recipient_name or (
        recipient and (recipient.organization or f"{recipient.given_name} {recipient.family_name}")
    )
    if not name:
        raise InvalidRequestError("a consent names its recipient; give a recipient id or name")
    at = granted_at or now()
    if expires_at is not None and expires_at <= at:
        raise InvalidRequestError("the consent would expire before it is granted")
    consent = Consent(
        student_id=about.id,
        recipient_id=recipient.id if recipient else None,
        recipient_name=name,
        purpose=purpose.strip(),
        items=_items(profile, items),
        form=form,
        granted_at=at,
        expires_at=expires_at,
        message_id=message_id,
        document_sha256=_hash(document_sha256),
        recorded_by=actor.name,
    )
    # last, so that a malformed consent is told its own fault first
    if form == "verbal" and _is_outside_recipient(recipient):
        raise InvalidRequestError(_verbal_outside(profile))
    session.add(consent)
    _record(session, actor, "grant", consent, about.id)
    return consent


def _is_outside_recipient(recipient: Person | None) -> bool:
    """Return whether a consent's recipient is outside the institution.

    A person of the store is outside when they are external (an employer, a
    parent, ...); a recipient named but not in the store is taken as outside,
    since the institution's own people are in it (fail closed).
    """
    return recipient is None or recipient.kind == "external"


def _verbal_outside(profile: Profile) -> str:
    """Say why a verbal consent to someone outside is refused, and what to record instead."""
    return (
        f"a verbal consent cannot permit a release outside {profile.institution}: "
        "the law needs the student's signed and dated written consent (34 CFR 99.30); "
        "record it as written or signed_authorization with the document's SHA-256 "
        "(or as email, with its Message-ID, for a reference)"
    )


def _kept(session: Session, model: type[Row], row_id: int, actor: Principal, what: str) -> Row:
    """Return the row, locked, if the actor keeps its student's choices.

    To a caller who keeps no one's choices but their own, a row of another
    student and a row that does not exist look the same.
    """
    row = session.get(model, row_id, with_for_update=True)
    if row is None:
        if actor.is_system or actor.has(KEEPER):
            raise NotFoundError(f"unknown {what} `{row_id}`")
        raise ForbiddenError(f"only the student or the Registrar's office ({KEEPER}) may do this")
    require_keeper(actor, row.student_id)
    return row


def _evidence(form: str, message_id: str | None, document_sha256: str | None, what: str) -> None:
    """Check that a consent's form is known and comes with the evidence it needs.

    Raises:
        InvalidRequestError: an unknown form; an email without its message id; a written
            or signed form without the SHA-256 of the document.
    """
    if form not in CONSENT_FORMS:
        raise InvalidRequestError(f"unknown consent form `{form}`; use {', '.join(CONSENT_FORMS)}")
    if form == "email" and not message_id:
        raise InvalidRequestError(f"an email {what} needs the email's message id as evidence")
    if form in ("written", "signed_authorization") and not document_sha256:
        raise InvalidRequestError(f"a written {what} needs the SHA-256 of the signed document")


def _end(session: Session, model: type[Row], row_id: int, actor: Principal, what: str) -> Row:
    row = _kept(session, model, row_id, actor, what)
    ended = getattr(row, "revoked_at", None) or getattr(row, "rescinded_at", None)
    if ended is not None:
        raise ConflictError(
            f"{what} {row_id} already ended on {ended.date().isoformat()}; "
            "it cannot come back: record a new one instead"
        )
    return row


def revoke_consent(session: Session, *, actor: Principal, consent_id: int) -> Consent:
    """Revoke a consent (final)."""
    consent = _end(session, Consent, consent_id, actor, "consent")
    consent.revoked_at, consent.revoked_by = now(), actor.name
    _record(session, actor, "revoke", consent, consent.student_id)
    return consent


def _list(session: Session, model: type[Row], reader: Principal, student_id: str) -> list[Row]:
    require_keeper(reader, student_id)
    student(session, student_id)
    return list(
        session.scalars(select(model).where(model.student_id == student_id).order_by(model.id))
    )


def list_consents(session: Session, reader: Principal, student_id: str) -> list[Consent]:
    """Return every consent of the student, in force or not, oldest first."""
    return _list(session, Consent, reader, student_id)


def list_authorizations(
    session: Session, reader: Principal, student_id: str
) -> list[Authorization]:
    """Return every signed authorisation of the student, in force or not, oldest first."""
    return _list(session, Authorization, reader, student_id)


def list_web_permissions(
    session: Session, reader: Principal, student_id: str
) -> list[WebPermission]:
    """Return every posting permission of the student, in force or not, oldest first."""
    return _list(session, WebPermission, reader, student_id)


def list_suppressions(session: Session, reader: Principal, student_id: str) -> list[Suppression]:
    """Return every suppression of the student, in force or rescinded, oldest first."""
    return _list(session, Suppression, reader, student_id)


def grant_authorization(
    session: Session,
    *,
    actor: Principal,
    student_id: str,
    agency: str,
    investigation: str,
    document_sha256: str,
    signed_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> Authorization:
    """Record a form the student signed authorising one investigation by ``agency``."""
    require_keeper(actor, student_id)
    about = student(session, student_id)
    if not agency.strip() or not investigation.strip():
        raise InvalidRequestError("an authorisation names the agency and the investigation")
    authorization = Authorization(
        student_id=about.id,
        agency=agency.strip(),
        investigation=investigation.strip(),
        signed_at=signed_at or now(),
        document_sha256=_hash(document_sha256) or "",
        expires_at=expires_at,
        recorded_by=actor.name,
    )
    session.add(authorization)
    _record(session, actor, "grant", authorization, about.id)
    return authorization


def revoke_authorization(
    session: Session, *, actor: Principal, authorization_id: int
) -> Authorization:
    """Revoke a signed authorisation (final)."""
    authorization = _end(session, Authorization, authorization_id, actor, "authorization")
    authorization.revoked_at, authorization.revoked_by = now(), actor.name
    _record(session, actor, "revoke", authorization, authorization.student_id)
    return authorization


def grant_web_permission(
    session: Session,
    profile: Profile,
    *,
    actor: Principal,
    student_id: str,
    site: str,
    items: Sequence[str],
    form: str,
    message_id: str | None = None,
    document_sha256: str | None = None,
) -> WebPermission:
    """Record a student's permission to post ``items`` on ``site``, as given (``form``).

    The permission is a consent: its form and evidence are kept like a
    consent's, and the policy decides whether that form counts for a posting
    (never a spoken one; a written one for a page the public can reach).

    Raises:
        ForbiddenError: the actor is neither the student nor the Registrar's office.
        InvalidRequestError: no site, an unknown form, or no evidence for the form.
    """
    require_keeper(actor, student_id)
    about = student(session, student_id)
    if not site.strip():
        raise InvalidRequestError("a posting permission names its web site")
    _evidence(form, message_id, document_sha256, "posting permission")
    permission = WebPermission(
        student_id=about.id,
        site=site.strip(),
        items=_items(profile, items),
        form=form,
        message_id=message_id,
        document_sha256=_hash(document_sha256),
        granted_at=now(),
        recorded_by=actor.name,
    )
    session.add(permission)
    _record(session, actor, "grant", permission, about.id)
    return permission


def revoke_web_permission(
    session: Session, *, actor: Principal, permission_id: int
) -> WebPermission:
    """Revoke a posting permission (final)."""
    permission = _end(session, WebPermission, permission_id, actor, "web permission")
    permission.revoked_at, permission.revoked_by = now(), actor.name
    _record(session, actor, "revoke", permission, permission.student_id)
    return permission


def suppress(
    session: Session,
    profile: Profile,
    *,
    actor: Principal,
    student_id: str,
    item: str | None,
    method: str,
    requested_at: datetime | None = None,
) -> Suppression:
    """Suppress one directory item, or (``item`` None) withhold everything.

    Raises:
        ForbiddenError: the actor is neither the student nor the Registrar's office.
        ConflictError: the same suppression is already in force.
    """
    require_keeper(actor, student_id)
    about = student(session, student_id)
    if method not in SUPPRESSION_METHODS:
        raise InvalidRequestError(
            f"unknown request method `{method}`; use {', '.join(SUPPRESSION_METHODS)}"
        )
    if item is not None:
        _items(profile, [item], directory_only=True)
    in_force = session.scalars(
        select(Suppression).where(
            Suppression.student_id == about.id,
            Suppression.rescinded_at.is_(None),
            Suppression.item.is_(None) if item is None else Suppression.item == item,
        )
    ).first()
    if in_force is not None:
        raise ConflictError(f"suppression {in_force.id} already covers this; nothing to add")
    suppression = Suppression(
        student_id=about.id,
        item=item,
        requested_at=requested_at or now(),
        method=method,
        recorded_by=actor.name,
    )
    session.add(suppression)
    action = "withhold" if item is None else "suppress"
    _record(session, actor, action, suppression, about.id)
    privacy_feed.record(session, suppression, action, suppression.requested_at)
    return suppression


def rescind(session: Session, *, actor: Principal, suppression_id: int, method: str) -> Suppression:
    """End a suppression; only the student's written rescission does (final).

    The student, signed in, rescinds their own (``online`` or ``written``): a
    request they make themselves through an authenticated door is their
    written request. The Registrar's office records one the student sent in
    writing (``written``); it cannot claim the student acted online.

    Raises:
        ForbiddenError: the actor is neither the student nor the Registrar's office.
        InvalidRequestError: the rescission was not in writing, or the Registrar's
            office said it was made online.
    """
    if method not in ("written", "online"):
        raise InvalidRequestError(
            "a suppression ends only by the student's written rescission; use --method written"
        )
    suppression = _end(session, Suppression, suppression_id, actor, "suppression")
    if method == "online" and not actor.is_person(suppression.student_id):
        raise InvalidRequestError(
            "only the student rescinds online, signed in; record the student's letter with "
            "--method written"
        )
    at = now()
    suppression.rescinded_at, suppression.rescinded_by = at, actor.name
    _record(session, actor, "rescind", suppression, suppression.student_id)
    privacy_feed.record(session, suppression, "rescind", at)
    return suppression
