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
Field = str | Callable[[Any, "Names"], Any]
Finder = Callable[[Session, str, "Names"], "Found"]


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
    find: Finder
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
) -> Callable[[Finder], Finder]:
    """Register the decorated function as ``table``'s source (``prose``: its free-text columns)."""

    def register(find: Finder) -> Finder:
        assert set(prose) <= set(columns), prose  # INVARIANT: prose names columns
        SOURCES[table] = Source(table, about, key, title, description, columns, find,
                                frozenset(prose))  # fmt: skip
        return find

    return register


# Read top to bottom, these are the parts of a student's copy, in order.


@source("person", "id", "you", "About you", "How the Institute's systems know you.",
        ("Name", "Preferred name", "Pronouns", "Username", "Email", "Level", "Status"))  # fmt: skip
def _person(session: Session, student_id: str, names: Names) -> Found:
    me = session.get(Person, student_id)
    if me is None:
        return Found()
    preferred = " ".join(filter(None, (me.preferred_given_name, me.preferred_family_name)))
    return _rows([(f"{me.given_name} {me.family_name}", preferred, me.pronouns, me.username,
                   me.email, me.level, me.status)])  # fmt: skip


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


def _listed(model: Any, about: str, order: Any, *fields: Field) -> Finder:
    """Return a finder of ``model``'s rows about the student, one cell per field.

    A field is an attribute's name, or a function of the row and ``Names``.
    """

    def find(session: Session, student_id: str, names: Names) -> Found:
        query = select(model).where(getattr(model, about) == student_id).order_by(order)
        return _rows(
            tuple(field(row, names) if callable(field) else getattr(row, field) for field in fields)
            for row in session.scalars(query)
        )

    return find


def _named(attribute: str) -> Field:
    return lambda row, names: names(getattr(row, attribute))


source("suppression", "student_id", "suppressions", "Your suppressions",
       "Directory items you asked the Institute not to release.",
       ("Item", "Requested", "How", "Rescinded"))(
    _listed(Suppression, "student_id", Suppression.id,
            lambda row, _: row.item or "everything (withheld)",
            "requested_at", "method", "rescinded_at")
)  # fmt: skip
source("consent", "student_id", "consents", "Your consents",
       "Releases you agreed to: to whom, what, and why.",
       ("Recipient", "Items", "Purpose", "Form", "Granted", "Expires", "Revoked"),
       ("Recipient", "Purpose"))(
    _listed(Consent, "student_id", Consent.id, "recipient_name", "items", "purpose", "form",
            "granted_at", "expires_at", "revoked_at")
)  # fmt: skip
source("authorization", "student_id", "authorizations", "Your authorizations",
       "Investigations you signed an authorization for.",
       ("Agency", "Investigation", "Signed", "Expires", "Revoked"), ("Investigation",))(
    _listed(Authorization, "student_id", Authorization.id, "agency", "investigation",
            "signed_at", "expires_at", "revoked_at")
)  # fmt: skip
source("web_permission", "student_id", "web_permissions", "Your web posting permissions",
       "Sites you allowed to post information about you.",
       ("Site", "Items", "Form", "Granted", "Revoked"))(
    _listed(WebPermission, "student_id", WebPermission.id, "site", "items", "form",
            "granted_at", "revoked_at")
)  # fmt: skip
source("access_waiver", "student_id", "waivers", "Your waivers",
       "Waivers of your right to see confidential letters of recommendation.",
       ("Letters for", "Signed", "Revoked"))(
    _listed(AccessWaiver, "student_id", AccessWaiver.id, "purpose", "signed_at", "revoked_at")
)  # fmt: skip
source("disclosure", "student_id", "disclosures", "Who received information about you",
       "The disclosure log's entries about you (34 CFR 99.32).",
       ("When", "Recipient", "Items", "Purpose", "Released by"), ("Recipient", "Purpose"))(
    _listed(Disclosure, "student_id", Disclosure.seq, "at", "recipient", "items", "purpose",
            _named("actor_id"))
)  # fmt: skip
source("access_journal", "student_id", "accesses", "Who read your records",
       "Each time someone looked up your records, and what they were shown.",
       ("When", "Reader", "Through", "Shown"))(
    _listed(AccessEntry, "student_id", AccessEntry.id, "at", _named("reader_id"), "door",
            lambda row, _: row.shown or "nothing")
)  # fmt: skip
source("referral", "student_id", "referrals", "Requests referred to an office",
       "Questions about you that were sent to an office to answer.",
       ("Received", "Asked by", "Items", "Office", "State", "Outcome"), ("Asked by", "Outcome"))(
    _listed(Referral, "student_id", Referral.id, "opened_at", "requester", "items", "office",
            "status", "outcome")
)  # fmt: skip
source("change", "student_id", "changes", "Changes to your choices",
       "Who recorded or ended your consents, suppressions, permissions and requests.",
       ("When", "By", "What", "Kind", "Number"))(
    _listed(Change, "student_id", Change.id, "at", "actor", "action", "entity", "entity_id")
)  # fmt: skip
source("privacy_change", "student_id", "privacy_changes", "Directory changes sent on",
       "Suppressions and rescissions, as passed to the systems that show directory data.",
       ("When", "Change", "Item"))(
    _listed(PrivacyChange, "student_id", PrivacyChange.seq, "at", "action",
            lambda row, _: row.item or "everything")
)  # fmt: skip


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


source("inspection_copy", "student_id", "copies", "Copies of your records",
       "Earlier copies compiled for you, and how long each was kept.",
       ("Request", "Compiled", "Released", "Kept until", "State"))(
    _listed(InspectionCopy, "student_id", InspectionCopy.id, "request_id", "compiled_at",
            "released_at", "expires_at", "state")
)  # fmt: skip
source("person_role", "person_id", "roles", "Your roles in Discretion",
       "What you may do in this system.", ("Role",))(
    _listed(PersonRole, "person_id", PersonRole.role, "role")
)  # fmt: skip
source("office_member", "person_id", "offices", "Offices you work in",
       "Offices of the Institute you are a member of.", ("Office",))(
    _listed(OfficeMember, "person_id", OfficeMember.office, "office")
)  # fmt: skip
source("web_session", "person_id", "sign_ins", "Your sign-ins",
       "When you signed in to Discretion's pages (the session keys are not shown).",
       ("Signed in", "How", "Last seen", "Ended"))(
    _listed(WebSession, "person_id", WebSession.created_at, "created_at", "via",
            "last_seen_at", "ended_at")
)  # fmt: skip
source("api_token", "person_id", "tokens", "API tokens acting as you",
       "Tokens that let a program use Discretion as you (the secrets are not shown).",
       ("Name", "Created", "Expires", "Revoked"))(
    _listed(ApiToken, "person_id", ApiToken.id, "name", "created_at", "expires_at", "revoked_at")
)  # fmt: skip


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
