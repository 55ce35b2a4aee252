"""Who is asking: a person signed in, a token, or the system itself, and what they may do.

Roles come from the store, never from what a caller says: a student is a
student record, an official an official's, an office member belongs to an
office (the Registrar's members are also ``registrar``), and ``administrator``
is granted explicitly. A token or a session may narrow a person's roles and
never widen them; what the narrowed roles leave out is gone everywhere: the
offices (and so the need to know they give) follow ``office_member`` and
``registrar``, the advising and subject relations follow ``official``.

Every service asks this one principal; need to know stays the policy's
business: a role opens a door, the policy decides what is read behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from discretion.services.errors import ForbiddenError, InvalidRequestError
from discretion.services.people import person
from discretion.store.models import Enrollment, OfficeMember, Person, PersonRole

__all__ = [
    "GRANTABLE_ROLES",
    "ROLES",
    "IMPORTER",
    "Principal",
    "find_by_subject",
    "demo_people",
    "grant_role",
    "link_subject",
    "principal_for_person",
    "roles_of",
]

ROLES = ("student", "official", "office_member", "registrar", "administrator", "service")
GRANTABLE_ROLES = ("administrator",)
REGISTRAR_OFFICE = "registrar"
IMPORT_VIA = "import"


@dataclass(frozen=True)
class Principal:
    """Who is asking, with the roles and offices they may act with here.

    ``kind`` is the person's kind in the store (student, official, external)
    and ``outside_kind`` what sort of recipient an outsider is (employer,
    parent, ...); both are None for a service acting as no one.
    """

    person_id: str | None
    roles: frozenset[str]
    via: str  # oidc | demo | token | cli | store | import
    offices: frozenset[str] = field(default_factory=frozenset)
    token_id: int | None = None
    kind: str | None = None
    outside_kind: str | None = None

    @property
    def name(self) -> str:
        """Return how changes are recorded: the person's id, or the system's door."""
        return self.person_id or self.via

    @property
    def is_system(self) -> bool:
        """Return whether this is Discretion's own import, not a caller."""
        return self.via == IMPORT_VIA

    def has(self, *roles: str) -> bool:
        """Return whether the caller holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)

    def is_person(self, person_id: str) -> bool:
        """Return whether the caller is this person."""
        return self.person_id is not None and self.person_id == person_id

    def require(self, *roles: str) -> None:
        """Raise unless the caller holds one of ``roles``.

        Raises:
            ForbiddenError: naming the roles that would do.
        """
        if not self.has(*roles):
            raise ForbiddenError(f"this needs one of the roles {', '.join(roles)}")

    def require_person(self) -> str:
        """Return the caller's person id; raise for a service acting as no one.

        Raises:
            ForbiddenError: the caller is not a person.
        """
        if self.person_id is None:
            raise ForbiddenError("this reads as a person: use a token that acts for one")
        return self.person_id

    def require_self_or(self, student_id: str, *roles: str) -> None:
        """Raise unless the caller is the student or holds one of ``roles``.

        Raises:
            ForbiddenError: neither.
        """
        if not self.is_person(student_id) and not self.has(*roles):
            raise ForbiddenError(f"only the student or a holder of {', '.join(roles)} may do this")


# Discretion's own importer (bundles and the demo campus): no door can act as it
IMPORTER = Principal(None, frozenset(), IMPORT_VIA)


def _roles_of(session: Session, someone: Person) -> tuple[set[str], set[str]]:
    roles: set[str] = set()
    if someone.kind == "student":
        roles.add("student")
    elif someone.kind == "official":
        roles.add("official")
    offices = set(
        session.scalars(select(OfficeMember.office).where(OfficeMember.person_id == someone.id))
    )
    if offices:
        roles.add("office_member")
    if REGISTRAR_OFFICE in offices:
        roles.add("registrar")
    roles |= set(session.scalars(select(PersonRole.role).where(PersonRole.person_id == someone.id)))
    return roles, offices


def principal_for_person(
    session: Session, person_id: str, via: str, token_roles: frozenset[str] | None = None
) -> Principal:
    """Return the principal of a person; a token's roles narrow theirs, never widen them.

    The offices narrow with the roles: without ``office_member`` a person acts
    in no office, and without ``registrar`` not in the Registrar's.

    Raises:
        NotFoundError: no such person.
    """
    someone = person(session, person_id)
    roles, offices = _roles_of(session, someone)
    if token_roles is not None:
        roles &= token_roles
    if "office_member" not in roles:
        offices = set()
    if "registrar" not in roles:
        offices.discard(REGISTRAR_OFFICE)
    return Principal(
        someone.id,
        frozenset(roles),
        via,
        frozenset(offices),
        kind=someone.kind,
        outside_kind=someone.recipient_kind,
    )


def roles_of(session: Session, person_id: str) -> frozenset[str]:
    """Return the roles the store gives a person.

    Raises:
        NotFoundError: no such person.
    """
    roles, _ = _roles_of(session, person(session, person_id))
    return frozenset(roles)


def find_by_subject(session: Session, subject: str) -> Person | None:
    """Return the person an OpenID Connect subject is mapped to, if any."""
    return session.scalars(select(Person).where(Person.oidc_subject == subject)).first()


def grant_role(session: Session, *, person_id: str, role: str) -> None:
    """Grant a role the store does not imply (e.g. administrator).

    Raises:
        InvalidRequestError: the role cannot be granted.
        NotFoundError: no such person.
    """
    if role not in GRANTABLE_ROLES:
        raise InvalidRequestError(
            f"the role `{role}` comes from the store; grant one of {', '.join(GRANTABLE_ROLES)}"
        )
    person(session, person_id)
    if session.get(PersonRole, (person_id, role)) is None:
        session.add(PersonRole(person_id=person_id, role=role))


def link_subject(session: Session, *, person_id: str, subject: str) -> None:
    """Map an OpenID Connect subject to a person (one person per subject).

    Raises:
        NotFoundError: no such person.
        InvalidRequestError: empty subject, or it is already another person's.
    """
    someone = person(session, person_id)
    if not subject.strip():
        raise InvalidRequestError("give the provider's subject (the `sub` claim)")
    holder = find_by_subject(session, subject)
    if holder is not None and holder.id != someone.id:
        raise InvalidRequestError(f"that subject is already linked to `{holder.id}`")
    someone.oidc_subject = subject


def demo_people(session: Session, per_kind: int = 3) -> list[dict[str, object]]:
    """Return people to pick from on the demo sign-in: a few students, staff of every sort."""
    picks: list[str] = list(
        session.scalars(
            select(Person.id).where(Person.kind == "student").order_by(Person.id).limit(per_kind)
        )
    )
    for role in ("instructor", "teaching_assistant"):
        staff = session.scalars(
            select(Enrollment.person_id)
            .where(Enrollment.role == role)
            .order_by(Enrollment.person_id)
            .limit(1)
        ).first()
        if staff is not None:
            picks.append(staff)
    picks += list(
        session.scalars(
            select(func.min(OfficeMember.person_id))
            .group_by(OfficeMember.office)
            .order_by(OfficeMember.office)
        )
    )
    picks += list(session.scalars(select(PersonRole.person_id).order_by(PersonRole.person_id)))
    picks += list(
        session.scalars(
            select(Person.id).where(Person.kind == "external").order_by(Person.id).limit(per_kind)
        )
    )
    chosen: list[dict[str, object]] = []
    for person_id in dict.fromkeys(picks):
        someone = person(session, person_id)
        principal = principal_for_person(session, person_id, "demo")
        chosen.append(
            {
                "person_id": person_id,
                "name": f"{someone.given_name} {someone.family_name}",
                "roles": sorted(principal.roles),
                "offices": sorted(principal.offices),
            }
        )
    return chosen
