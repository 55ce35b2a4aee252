"""The names a person goes by, as the redactor and the email checker look for them.

A person is known by their legal name and, when they chose one, their
preferred name; both are theirs, with the same username, address and id.
"""

from __future__ import annotations

from discretion.services.redaction import Identity
from discretion.store.models import Person

__all__ = ["identities"]


def identities(someone: Person) -> list[Identity]:
    """Return ``someone``'s identity under their legal name, then their preferred one."""
    found = [Identity(someone.id, someone.given_name, someone.family_name, someone.username,
                      someone.email)]  # fmt: skip
    given = someone.preferred_given_name or someone.given_name
    family = someone.preferred_family_name or someone.family_name
    if (given, family) != (someone.given_name, someone.family_name):
        found.append(Identity(someone.id, given, family, someone.username, someone.email))
    return found
