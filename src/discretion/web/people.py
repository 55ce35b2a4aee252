"""How the pages name people's roles and offices in plain words."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["describe_roles"]

ROLE_WORDS = {
    "student": "student",
    "official": "faculty or staff",
    "office_member": "office staff",
    "registrar": "Registrar's office",
    "administrator": "administrator",
    "service": "service",
}


def describe_roles(roles: Iterable[str], offices: Iterable[str] = ()) -> str:
    """Return roles and offices as a short phrase, e.g. ``faculty or staff; office: dean``."""
    words = [ROLE_WORDS.get(role, role.replace("_", " ")) for role in roles]
    places = [office.replace("_", " ") for office in offices]
    text = ", ".join(words) or "no role here"
    if places:
        text += "; office: " + ", ".join(places)
    return text
