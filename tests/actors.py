"""Acting as someone in the tests: a person of the store with their full standing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from discretion.services.principals import Principal, principal_for_person

__all__ = ["acting"]


def acting(session: Session, person_id: str) -> Principal:
    """Return ``person_id``'s principal, as a signed-in person with every role they hold."""
    return principal_for_person(session, person_id, "test")
