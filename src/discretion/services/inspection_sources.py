"""Where a student's data lives, table by table, and how each is shown for inspection.

Every table that refers to a person registers a ``Source`` here: how the
rows about the student whose copy is compiled are shown. ``unregistered``
names the tables that refer to a person and have none; a test keeps it
empty, so a new kind of record cannot be left out of a copy by being forgotten.

A table refers to a person when a column is a foreign key to ``person.id``
or is named as one (``student_id``, ``person_id``, ``actor_id``, ...), so
columns that hold a person's id without a declared key are caught too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import MetaData, Table, select
from sqlalchemy.orm import Session

from discretion.store.models import (
    AccessEntry,
    AccessRequest,
    AccessRequestPause,
    AccessWaiver,
    Advising,
    ApiToken,
    Authorization,
    Change,
    Consent,
    DirectoryValue,
    Disclosure,
    Enrollment,
    Guardian,
    InspectionCopy,
    OfficeMember,
    Person,
    PersonRole,
    PrivacyChange,
    Record,
    Referral,
    Subject,
    Suppression,
    WebPermission,
    WebSession,
)

__all__ = [
    "SOURCES",
    "Held",
    "Source",
    "person_columns",
    "unregistered",
]

# a column that holds a person's id, whether or not the key is declared
PERSON_COLUMN = re.compile(
    r"(^|_)(student|person|advisor|parent|recipient|assignee|actor|reader)_id$"
)

Cell = str
Rows = Iterable[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Held:
    """A record left out of the copy, by category; never its content."""

    category: str
    writer: str | None = None  # who wrote a waived letter: the student may know


@dataclass(slots=True)
class Found:
    """What one source found: the rows shown and the records left out."""

    rows: list[list[Cell]] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Source:
    """How one table's rows about a student are shown: a titled table of text."""

    table: str
    about: str  # the column naming the student the row is about
    key: str
    title: str
    description: str
    columns: tuple[str, ...]
    find: Callable[[Session, str, Names], Found]
    prose: frozenset[str] = frozenset()  # the columns people write sentences in


class Names:
    """People's display names by id, looked up once per copy."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[str, str] = {}

    def __call__(self, person_id: str | None) -> str:
        if not person_id:
            return ""
        if person_id not in self._known:
            someone = self._session.get(Person, person_id)
            self._known[person_id] = (
                f"{someone.given_name} {someone.family_name}" if someone else person_id
            )
        return self._known[person_id]


def text(value: Any) -> Cell:
    """Return a cell: dates as ISO dates, moments to the minute in UTC, lists joined."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(text(part) for part in value)
    return str(value)


def _rows(rows: Rows) -> Found:
    return Found(rows=[[text(value) for value in row] for row in rows])


SOURCES: dict[str, Source] = {}


def source(
    table: str,
    about: str,
    key: str,
    title: str,
    description: str,
    columns: tuple[str, ...],
    prose: tuple[str, ...] = (),
) -> Callable[[Callable[[Session, str, Names], Found]], Callable[[Session, str, Names], Found]]:
    """Register the decorated function as ``table``'s source (``prose``: its free-text columns)."""

    def register(
        find: Callable[[Session, str, Names], Found],
    ) -> Callable[[Session, str, Names], Found]:
        assert set(prose) <= set(columns), prose  # INVARIANT: prose names columns
        SOURCES[table] = Source(table, about, key, title, description, columns, find,
                                frozenset(prose))  # fmt: skip
        return find

    return register


# Read top to bottom, these are the parts of a student's copy, in order.


@source("person", "id", "you", "About you", "How the Institute's systems know you.",
        ("Name", "Username", "Email", "Level", "Status"))  # fmt: skip
def _person(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        session.execute(
            select(
                Person.given_name + " " + Person.family_name,
                Person.username,
                Person.email,
                Person.level,
                Person.status,
            ).where(Person.id == student_id)  # fmt: skip
        )
    )


@source("directory_value", "student_id", "directory", "Your directory entries",
        "Directory information on file for you.", ("Item", "Value"))  # fmt: skip
def _directory(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        session.execute(
            select(DirectoryValue.item, DirectoryValue.value)
            .where(DirectoryValue.student_id == student_id)
            .order_by(DirectoryValue.item)
        )
    )


@source("enrollment", "person_id", "subjects", "Your subjects",
        "The subjects you are enrolled in.", ("Subject", "Title", "Role"))  # fmt: skip
def _enrollment(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        session.execute(
            select(Subject.code, Subject.title, Enrollment.role)
            .join(Subject, Subject.id == Enrollment.subject_id)
            .where(Enrollment.person_id == student_id)
            .order_by(Subject.code)
        )
    )


@source("record", "student_id", "records", "Records about you",
        "Grades, notes and other records kept about you.",
        ("Category", "Made by", "Date", "Content"), ("Content",))  # fmt: skip
def _records(session: Session, student_id: str, names: Names) -> Found:
    waivers = session.scalars(
        select(AccessWaiver).where(AccessWaiver.student_id == student_id)
    ).all()
    found = Found()
    for record in session.scalars(
        select(Record).where(Record.student_id == student_id).order_by(Record.id)
    ):
        if not record.shared:
            found.held.append(Held("sole_possession_notes"))
        elif record.letter_for and any(_covers(waiver, record) for waiver in waivers):
            found.held.append(Held("waived_recommendation_letters", names(record.made_by)))
        else:
            found.rows.append([text(record.category), names(record.made_by),
                               text(record.created_at.date()), record.content])  # fmt: skip
    return found


def _covers(waiver: AccessWaiver, record: Record) -> bool:
    """Whether ``waiver`` covers ``record`` (34 CFR 99.12(c)): a letter of its purpose,
    placed while it was in force; revoking it uncovers only later letters."""
    return (
        record.letter_for == waiver.purpose
        and waiver.signed_at <= record.created_at
        and (waiver.revoked_at is None or record.created_at < waiver.revoked_at)
    )


@source("advising", "student_id", "advisors", "Your advisors",
        "Faculty and staff assigned to advise you.", ("Advisor",))  # fmt: skip
def _advising(session: Session, student_id: str, names: Names) -> Found:
    advisors = session.scalars(select(Advising.advisor_id).where(Advising.student_id == student_id))
    return _rows((names(advisor),) for advisor in sorted(advisors))


@source("guardian", "student_id", "guardians", "Parents and guardians on file",
        "People recorded as your parents or guardians.", ("Name",))  # fmt: skip
def _guardians(session: Session, student_id: str, names: Names) -> Found:
    parents = session.scalars(select(Guardian.parent_id).where(Guardian.student_id == student_id))
    return _rows((names(parent),) for parent in sorted(parents))


@source("suppression", "student_id", "suppressions", "Your suppressions",
        "Directory items you asked the Institute not to release.",
        ("Item", "Requested", "How", "Rescinded"))  # fmt: skip
def _suppressions(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.item or "everything (withheld)", row.requested_at, row.method, row.rescinded_at)
        for row in session.scalars(
            select(Suppression).where(Suppression.student_id == student_id).order_by(Suppression.id)
        )
    )


@source("consent", "student_id", "consents", "Your consents",
        "Releases you agreed to: to whom, what, and why.",
        ("Recipient", "Items", "Purpose", "Form", "Granted", "Expires", "Revoked"),
        ("Recipient", "Purpose"))  # fmt: skip
def _consents(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (
            row.recipient_name,
            row.items,
            row.purpose,
            row.form,
            row.granted_at,
            row.expires_at,
            row.revoked_at,
        )  # fmt: skip
        for row in session.scalars(
            select(Consent).where(Consent.student_id == student_id).order_by(Consent.id)
        )
    )


@source("authorization", "student_id", "authorizations", "Your authorizations",
        "Investigations you signed an authorization for.",
        ("Agency", "Investigation", "Signed", "Expires", "Revoked"),
        ("Investigation",))  # fmt: skip
def _authorizations(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.agency, row.investigation, row.signed_at, row.expires_at, row.revoked_at)
        for row in session.scalars(
            select(Authorization)
            .where(Authorization.student_id == student_id)
            .order_by(Authorization.id)
        )
    )


@source("web_permission", "student_id", "web_permissions", "Your web posting permissions",
        "Sites you allowed to post information about you.",
        ("Site", "Items", "Form", "Granted", "Revoked"))  # fmt: skip
def _web_permissions(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.site, row.items, row.form, row.granted_at, row.revoked_at)
        for row in session.scalars(
            select(WebPermission)
            .where(WebPermission.student_id == student_id)
            .order_by(WebPermission.id)
        )
    )


@source("access_waiver", "student_id", "waivers", "Your waivers",
        "Waivers of your right to see confidential letters of recommendation.",
        ("Letters for", "Signed", "Revoked"))  # fmt: skip
def _waivers(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.purpose, row.signed_at, row.revoked_at)
        for row in session.scalars(
            select(AccessWaiver)
            .where(AccessWaiver.student_id == student_id)
            .order_by(AccessWaiver.id)
        )
    )


@source("disclosure", "student_id", "disclosures", "Who received information about you",
        "The disclosure log's entries about you (34 CFR 99.32).",
        ("When", "Recipient", "Items", "Purpose", "Released by"),
        ("Recipient", "Purpose"))  # fmt: skip
def _disclosures(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.at, row.recipient, row.items, row.purpose, names(row.actor_id))
        for row in session.scalars(
            select(Disclosure).where(Disclosure.student_id == student_id).order_by(Disclosure.seq)
        )
    )


@source("access_journal", "student_id", "accesses", "Who read your records",
        "Each time someone looked up your records, and what they were shown.",
        ("When", "Reader", "Through", "Shown"))  # fmt: skip
def _accesses(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.at, names(row.reader_id), row.door, row.shown or "nothing")
        for row in session.scalars(
            select(AccessEntry).where(AccessEntry.student_id == student_id).order_by(AccessEntry.id)
        )
    )


@source("referral", "student_id", "referrals", "Requests referred to an office",
        "Questions about you that were sent to an office to answer.",
        ("Received", "Asked by", "Items", "Office", "State", "Outcome"),
        ("Asked by", "Outcome"))  # fmt: skip
def _referrals(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.opened_at, row.requester, row.items, row.office, row.status, row.outcome)
        for row in session.scalars(
            select(Referral).where(Referral.student_id == student_id).order_by(Referral.id)
        )
    )


@source("change", "student_id", "changes", "Changes to your choices",
        "Who recorded or ended your consents, suppressions, permissions and requests.",
        ("When", "By", "What", "Kind", "Number"))  # fmt: skip
def _changes(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.at, row.actor, row.action, row.entity, row.entity_id)
        for row in session.scalars(
            select(Change).where(Change.student_id == student_id).order_by(Change.id)
        )
    )


@source("privacy_change", "student_id", "privacy_changes", "Directory changes sent on",
        "Suppressions and rescissions, as passed to the systems that show directory data.",
        ("When", "Change", "Item"))  # fmt: skip
def _privacy_changes(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.at, row.action, row.item or "everything")
        for row in session.scalars(
            select(PrivacyChange)
            .where(PrivacyChange.student_id == student_id)
            .order_by(PrivacyChange.seq)
        )
    )


@source("access_request", "student_id", "access_requests", "Your requests to see your records",
        "Each request, when it was received, where it stands, and its pauses.",
        ("Number", "How", "Received", "State", "Ended", "Pauses"), ("Pauses",))  # fmt: skip
def _access_requests(session: Session, student_id: str, names: Names) -> Found:
    found = Found()
    for row in session.scalars(
        select(AccessRequest)
        .where(AccessRequest.student_id == student_id)
        .order_by(AccessRequest.id)
    ):
        pauses = session.scalars(
            select(AccessRequestPause)
            .where(AccessRequestPause.request_id == row.id)
            .order_by(AccessRequestPause.id)
        )
        said = "; ".join(f"{text(p.started_at)}: {p.reason}" for p in pauses)
        found.rows.append([text(row.id), row.method, text(row.received_at), row.state,
                           text(row.ended_at), said])  # fmt: skip
    return found


@source("inspection_copy", "student_id", "copies", "Copies of your records",
        "Earlier copies compiled for you, and how long each was kept.",
        ("Request", "Compiled", "Released", "Kept until", "State"))  # fmt: skip
def _copies(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.request_id, row.compiled_at, row.released_at, row.expires_at, row.state)
        for row in session.scalars(
            select(InspectionCopy)
            .where(InspectionCopy.student_id == student_id)
            .order_by(InspectionCopy.id)
        )
    )


@source("person_role", "person_id", "roles", "Your roles in Discretion",
        "What you may do in this system.", ("Role",))  # fmt: skip
def _roles(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (role,)
        for role in session.scalars(
            select(PersonRole.role)
            .where(PersonRole.person_id == student_id)
            .order_by(PersonRole.role)
        )
    )


@source("office_member", "person_id", "offices", "Offices you work in",
        "Offices of the Institute you are a member of.", ("Office",))  # fmt: skip
def _offices(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (office,)
        for office in session.scalars(
            select(OfficeMember.office)
            .where(OfficeMember.person_id == student_id)
            .order_by(OfficeMember.office)
        )
    )


@source("web_session", "person_id", "sign_ins", "Your sign-ins",
        "When you signed in to Discretion's pages (the session keys are not shown).",
        ("Signed in", "How", "Last seen", "Ended"))  # fmt: skip
def _sessions(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.created_at, row.via, row.last_seen_at, row.ended_at)
        for row in session.scalars(
            select(WebSession)
            .where(WebSession.person_id == student_id)
            .order_by(WebSession.created_at)
        )
    )


@source("api_token", "person_id", "tokens", "API tokens acting as you",
        "Tokens that let a program use Discretion as you (the secrets are not shown).",
        ("Name", "Created", "Expires", "Revoked"))  # fmt: skip
def _tokens(session: Session, student_id: str, names: Names) -> Found:
    return _rows(
        (row.name, row.created_at, row.expires_at, row.revoked_at)
        for row in session.scalars(
            select(ApiToken).where(ApiToken.person_id == student_id).order_by(ApiToken.id)
        )
    )


def person_columns(table: Table) -> list[str]:
    """Return the columns of ``table`` that hold a person's id."""
    return [
        column.name
        for column in table.columns
        if PERSON_COLUMN.search(column.name)
        or any(key.target_fullname == "person.id" for key in column.foreign_keys)
    ]


def unregistered(metadata: MetaData) -> Iterator[str]:
    """Yield each table that refers to a person but has no source."""
    for name, table in sorted(metadata.tables.items()):
        if name not in SOURCES and person_columns(table):
            yield name
