"""What the email checker may ask the store: who a text names, and who an address is.

The checker (``discretion.mail``) never reads the store itself; it asks
these questions and ``asking.ask`` for the rulings.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from discretion.services.identities import identities
from discretion.services.redaction import Identity, Verifier
from discretion.store.models import Person

__all__ = ["person_id_by_email", "student_finder"]

_NOBODY = Identity("", "", "", None, None)


def student_finder(session: Session) -> Verifier:
    """Return a scanner for every student's full name, username, email address and id.

    ``scan(text)`` returns the ids of the students the text names (a
    surname or given name alone is not read: see ``Verifier``).
    """
    students = session.scalars(select(Person).where(Person.kind == "student"))
    return Verifier(
        _NOBODY,
        [identity for s in students for identity in identities(s)],
    )


def person_id_by_email(session: Session, address: str) -> str | None:
    """Return the id of the one person with this email address (any case), or None."""
    found = session.scalars(
        select(Person.id).where(func.lower(Person.email) == address.strip().lower()).limit(2)
    ).all()
    return found[0] if len(found) == 1 else None
