"""The store's facts about a student, a recipient and the consents on file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from discretion.policy import Profile
from discretion.policy.vocabulary import ConsentForm
from discretion.services.people import Ties, recipient_kind, ties
from discretion.services.principals import Principal
from discretion.store.models import Authorization, Consent, Person, Suppression, WebPermission

__all__ = [
    "NO_PURPOSE",
    "ConsentMatch",
    "active_suppressions",
    "match_authorization",
    "match_consent",
    "match_web_permission",
    "normalise",
    "recipient_json",
    "student_json",
]


# why a consent in force, naming the recipient, did not count: the question gave no purpose
NO_PURPOSE = "the question states no purpose to match"


def normalise(text: str | None) -> str:
    """Return text folded for matching: case and runs of spaces do not count."""
    return " ".join((text or "").split()).casefold()


def active_suppressions(session: Session, student_id: str) -> list[Suppression]:
    """Return the student's suppressions in force (item None: everything withheld)."""
    return list(
        session.scalars(
            select(Suppression)
            .where(Suppression.student_id == student_id, Suppression.rescinded_at.is_(None))
            .order_by(Suppression.id)
        )
    )


# What the question says about the request, which the store cannot know: kept as stated.
_REQUEST_FACTS = ("assigned_to_subject", "legal_process", "notice_forbidden", "student_enrolling")
_STUDENT_FACTS = ("dependent",)  # tax dependency of the asking parents


def student_json(
    session: Session, student: Person, stated: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return the question's ``student`` object, from the store.

    ``stated``: the question's own ``student`` object, whose facts the store
    does not hold (a tax dependency) are kept.
    """
    suppressions = active_suppressions(session, student.id)
    kept = {k: v for k, v in (stated or {}).items() if k in _STUDENT_FACTS}
    return kept | {
        "id": student.id,
        "status": student.status or "current",
        "level": student.level or "undergraduate",
        "suppressed": sorted({s.item for s in suppressions if s.item is not None}),
        "withheld": any(s.item is None for s in suppressions),
    }


def recipient_json(
    session: Session,
    profile: Profile,
    reader: Principal,
    about_id: str,
    stated: dict[str, Any],
    known: Ties | None = None,
) -> dict[str, Any]:
    """Return the question's ``recipient`` object: stated facts, with the store's in charge.

    The kind and relations come from the reader's standing (the store's,
    narrowed by their token); need to know is what the relations give
    through the profile's matrix, never what was stated. The relations are
    those of the whole standing; ``services.standing`` narrows them to the
    subject a record is kept in. ``known``: the reader's ties to the
    student, when already read.
    """
    recipient = {k: v for k, v in stated.items() if k in _REQUEST_FACTS}
    recipient |= {
        "id": reader.person_id,
        "kind": recipient_kind(reader, about_id).value,
        "relations": (known or ties(session, reader, about_id)).relations(profile),
        "need_to_know": False,
    }
    return recipient


@dataclass(frozen=True)
class ConsentMatch:
    """The consent that covers a question, if any, and why the others do not."""

    consent: dict[str, Any]
    used: list[int]
    unmatched: list[dict[str, Any]]


def _why_not(
    consent: Consent, reader: Person, purpose: str | None, items: set[str], at: datetime
) -> str | None:
    if consent.revoked_at is not None:
        return f"revoked on {consent.revoked_at.date().isoformat()}"
    if consent.expires_at is not None and consent.expires_at <= at:
        return f"expired on {consent.expires_at.date().isoformat()}"
    if consent.recipient_id != reader.id:
        return "names another recipient"
    if purpose is None:
        return NO_PURPOSE
    if normalise(consent.purpose) != normalise(purpose):
        return "is for another purpose"
    if not items & set(consent.items):
        return "names none of the information asked for"
    return None


_STRENGTH = {form.value: form.strength for form in ConsentForm}


def match_consent(
    session: Session,
    student_id: str,
    reader: Person,
    purpose: str | None,
    items: list[str],
    at: datetime,
) -> ConsentMatch:
    """Return the consent object for a question about ``items`` going to ``reader``.

    The strongest matching consent decides the form; the items it counts for
    are those every matching consent of that form names.
    """
    consents = session.scalars(
        select(Consent).where(Consent.student_id == student_id).order_by(Consent.id)
    )
    matching, unmatched = [], []
    for consent in consents:
        why = _why_not(consent, reader, purpose, set(items), at)
        if why is None:
            matching.append(consent)
        else:
            unmatched.append({"consent": consent.id, "why": why})
    if not matching:
        return ConsentMatch({"form": "none"}, [], unmatched)
    strongest = max(_STRENGTH[c.form] for c in matching)
    best = [c for c in matching if _STRENGTH[c.form] == strongest]
    covered = sorted({item for c in best for item in c.items})
    found = {"form": best[0].form, "specific": True, "items": covered}
    return ConsentMatch(found, [c.id for c in best], unmatched)


def match_authorization(
    session: Session, student_id: str, reader: Person, at: datetime
) -> Authorization | None:
    """Return the student's signed authorisation for the reader's agency, if one is in force."""
    agency = normalise(reader.organization)
    for authorization in session.scalars(
        select(Authorization).where(
            Authorization.student_id == student_id, Authorization.revoked_at.is_(None)
        )
    ):
        expired = authorization.expires_at is not None and authorization.expires_at <= at
        if not expired and agency and normalise(authorization.agency) == agency:
            return authorization
    return None


def match_web_permission(
    session: Session, student_id: str, site: str | None
) -> WebPermission | None:
    """Return the student's permission in force to post on ``site``, if any."""
    if site is None:
        return None
    for permission in session.scalars(
        select(WebPermission).where(
            WebPermission.student_id == student_id, WebPermission.revoked_at.is_(None)
        )
    ):
        if normalise(permission.site) == normalise(site):
            return permission
    return None
