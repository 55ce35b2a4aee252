"""The tables. Names of information items, kinds and roles are the policy's words.

Student data is kept where it belongs (directory values, records); the
disclosure log and the change log name items and ids, never values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

__all__ = [
    "AccessEntry",
    "AccessRequest",
    "AccessRequestPause",
    "Advising",
    "ApiToken",
    "Authorization",
    "Base",
    "Change",
    "Consent",
    "Counter",
    "DirectoryValue",
    "Disclosure",
    "Enrollment",
    "Guardian",
    "LogCheckpoint",
    "LogHead",
    "OfficeMember",
    "Person",
    "PersonRole",
    "PrivacyChange",
    "RateWindow",
    "Record",
    "Referral",
    "Subject",
    "Suppression",
    "Term",
    "WebPermission",
    "WebSession",
    "Webhook",
    "WebhookDelivery",
    "full_name_key",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back as an aware datetime on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base, with constraint names Alembic can rely on."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime(), date: Date()}


def full_name_key(given: Any, family: Any) -> ColumnElement[str]:
    """Return the lowered full name the directory looks people up by (an indexed expression).

    The space is a literal, not a bound parameter, so a query's expression
    is the index's expression on every database.
    """
    return func.lower(given + literal_column("' '") + family)


def _person_fk(nullable: bool = False) -> Mapped[Any]:
    return mapped_column(String(64), ForeignKey("person.id"), nullable=nullable, index=True)


class Person(Base):
    """A student (current or former), an official, or someone outside."""

    __tablename__ = "person"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # student | official | external
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(100), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    level: Mapped[str | None] = mapped_column(String(16))  # students: undergraduate | graduate
    status: Mapped[str | None] = mapped_column(String(16))  # students: current | former
    recipient_kind: Mapped[str | None] = mapped_column(String(32))  # outsiders: employer, ...
    organization: Mapped[str | None] = mapped_column(String(300))  # outsiders: who they act for
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    # the name the person chose (both halves set, or neither) and their pronouns
    preferred_given_name: Mapped[str | None] = mapped_column(String(200))
    preferred_family_name: Mapped[str | None] = mapped_column(String(200))
    pronouns: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        # the directory finds a student by exact full name, in any case, without a scan
        Index("ix_person_full_name", full_name_key(given_name, family_name)),
        Index(
            "ix_person_preferred_name", full_name_key(preferred_given_name, preferred_family_name)
        ),
    )


class OfficeMember(Base):
    """Membership of an office whose duties give need to know (registrar, financial_aid, ...)."""

    __tablename__ = "office_member"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    office: Mapped[str] = mapped_column(String(64), primary_key=True)


class Term(Base):
    """An academic session."""

    __tablename__ = "term"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date]
    end_date: Mapped[date]


class Subject(Base):
    """A subject offered in a term (a OneRoster class)."""

    __tablename__ = "subject"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    term_id: Mapped[str] = mapped_column(ForeignKey("term.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))


class Enrollment(Base):
    """A person's part in a subject: student, instructor, teaching_assistant or administrator."""

    __tablename__ = "enrollment"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subject.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))


class Advising(Base):
    """An advisor of a student."""

    __tablename__ = "advising"
    advisor_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)


class Guardian(Base):
    """A parent or guardian of a student (outside the Institute)."""

    __tablename__ = "guardian"
    parent_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)


class DirectoryValue(Base):
    """One directory item of a student, e.g. their term address."""

    __tablename__ = "directory_value"
    student_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Suppression(Base):
    """A student's request to suppress one directory item, or (item NULL) to withhold all.

    It stays in force, past the end of enrollment, until rescinded in writing;
    a rescinded suppression is final (a new request is a new row).
    """

    __tablename__ = "suppression"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    item: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(16))  # written | online | in_person
    recorded_by: Mapped[str] = mapped_column(String(64))
    rescinded_at: Mapped[datetime | None]
    rescinded_by: Mapped[str | None] = mapped_column(String(64))


class Record(Base):
    """A non-directory record about a student."""

    __tablename__ = "record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(String(64))  # a non-directory item of the profile
    content: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    subject_id: Mapped[str | None] = mapped_column(ForeignKey("subject.id"))
    shared: Mapped[bool] = mapped_column(Boolean, default=True)  # ever shown to anyone
    created_at: Mapped[datetime]
    # a confidential letter or statement of recommendation, and what it supports
    # (admission | employment | honor): the only records a waiver can cover (34 CFR 99.12)
    letter_for: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        CheckConstraint(
            "letter_for IS NULL OR letter_for IN ('admission', 'employment', 'honor')",
            name="letter_for",
        ),
    )


class Consent(Base):
    """A student's consent to disclose named items to a recipient for a purpose."""

    __tablename__ = "consent"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    recipient_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    recipient_name: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(String(500))
    items: Mapped[list[str]] = mapped_column(JSON)
    form: Mapped[str] = mapped_column(String(32))  # verbal | email | written | signed_authorization
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(500))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(64))


class Authorization(Base):
    """A form the student signed authorising one investigation (a background check)."""

    __tablename__ = "authorization"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    agency: Mapped[str] = mapped_column(String(300))
    investigation: Mapped[str] = mapped_column(String(500))
    signed_at: Mapped[datetime]
    document_sha256: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(64))


class WebPermission(Base):
    """A student's permission to post named items on a named web site, and its evidence.

    ``form`` is how the student gave it (a consent form of the policy's);
    permissions recorded before forms were kept say ``none`` and count for
    nothing until recorded again.
    """

    __tablename__ = "web_permission"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    site: Mapped[str] = mapped_column(String(500))
    items: Mapped[list[str]] = mapped_column(JSON)
    form: Mapped[str] = mapped_column(String(32), server_default=text("'none'"))
    message_id: Mapped[str | None] = mapped_column(String(500))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(64))


class Change(Base):
    """Who changed a student's consents, suppressions or permissions, and when."""

    __tablename__ = "change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    student_id: Mapped[str | None] = mapped_column(String(64), index=True)


class Disclosure(Base):
    """One entry of the disclosure log (34 CFR 99.32): append-only and hash-chained.

    ``scheme`` says how ``hash`` was made: ``hmac-sha256`` under the log key whose
    id is ``key_id``, or ``sha256`` (no key) for entries made before the log was keyed.
    """

    __tablename__ = "disclosure"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(300))
    student_id: Mapped[str] = mapped_column(String(64))
    items: Mapped[list[str]] = mapped_column(JSON)
    rules: Mapped[list[str]] = mapped_column(JSON)
    purpose: Mapped[str | None] = mapped_column(String(500))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    scheme: Mapped[str] = mapped_column(String(16), server_default=text("'sha256'"))
    key_id: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_disclosure_student_seq", "student_id", "seq"),)


class LogHead(Base):
    """The last entry of the disclosure log: locked by each append so the chain stays single.

    Triggers refuse to delete it, and let an update only move it one entry forward.
    """

    __tablename__ = "log_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    hash: Mapped[str] = mapped_column(String(64))


class LogCheckpoint(Base):
    """A signed checkpoint of the disclosure log (entry ``seq`` has ``hash``): append-only."""

    __tablename__ = "log_checkpoint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, hex


class PersonRole(Base):
    """A role granted to a person beyond what the store implies (e.g. administrator)."""

    __tablename__ = "person_role"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class ApiToken(Base):
    """A token for a service or script: only its SHA-256 is kept; shown once when made."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))  # acts as this person
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))


class Referral(Base):
    """A request the policy sends to an office, recorded, assigned and closed by that office."""

    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office: Mapped[str] = mapped_column(String(64), index=True)
    student_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    requester: Mapped[str] = mapped_column(String(300))  # who asked, as they said
    recipient_kind: Mapped[str] = mapped_column(String(32))
    items: Mapped[list[str]] = mapped_column(JSON)
    rule: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open | assigned | closed
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(64))
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(Text)


class Counter(Base):
    """A named sequence whose row each writer locks, so numbers come out in commit order."""

    __tablename__ = "counter"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class PrivacyChange(Base):
    """A suppression, withholding or rescission, in the order downstream systems apply them."""

    __tablename__ = "privacy_change"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    student_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))  # suppress | withhold | rescind
    item: Mapped[str | None] = mapped_column(String(64))  # None: everything
    suppression_id: Mapped[int] = mapped_column(Integer)


class Webhook(Base):
    """A downstream system that wants privacy changes and log checkpoints pushed to it, signed."""

    __tablename__ = "webhook"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    disabled_at: Mapped[datetime | None]


class WebhookDelivery(Base):
    """One privacy change, or one log checkpoint, to deliver to one webhook, and how it went."""

    __tablename__ = "webhook_delivery"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id"), index=True)
    change_seq: Mapped[int | None] = mapped_column(BigInteger)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("log_checkpoint.id"))
    state: Mapped[str] = mapped_column(String(16))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_webhook_delivery_due", "state", "next_attempt_at"),
        # INVARIANT: a delivery carries a change or a checkpoint, never both or neither
        CheckConstraint("(change_seq IS NULL) <> (checkpoint_id IS NULL)", name="carries_one"),
    )


class RateWindow(Base):
    """Requests one client made in one time window (the public directory's rate limit)."""

    __tablename__ = "rate_window"
    client: Mapped[str] = mapped_column(String(64), primary_key=True)  # a hash, not the address
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)

    # old windows are swept by age, whoever they belonged to
    __table_args__ = (Index("ix_rate_window_window", "window"),)


# a 64-bit key that SQLite still numbers itself (only INTEGER PRIMARY KEY does)
BigId = BigInteger().with_variant(Integer(), "sqlite")


class AccessEntry(Base):
    """One read of a student's record, allowed or not: the access journal (append-only)."""

    __tablename__ = "access_journal"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    reader_id: Mapped[str] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(16))
    door: Mapped[str] = mapped_column(String(16))
    student_id: Mapped[str] = mapped_column(String(64))  # as asked: it may name nobody
    shown: Mapped[list[str]] = mapped_column(JSON)  # items, never their values

    __table_args__ = (
        Index("ix_access_journal_student", "student_id", "id"),
        Index("ix_access_journal_reader", "reader_id", "id"),
    )


class WebSession(Base):
    """A sign-in: the cookie carries a secret whose SHA-256 is the id; sign-out ends it here."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    via: Mapped[str] = mapped_column(String(16))  # oidc | demo
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(64))


class AccessRequest(Base):
    """A student's request to inspect their records, and where it stands (34 CFR 99.10).

    ``received_at`` starts the clock; the profile says how many days it runs,
    and pauses add theirs. An ended request (fulfilled, refused, withdrawn)
    is final.
    """

    __tablename__ = "access_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = _person_fk()
    method: Mapped[str] = mapped_column(String(16))  # online | paper | email
    received_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # open | paused | fulfilled | refused | ...
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        CheckConstraint("method IN ('online', 'paper', 'email')", name="method"),
        CheckConstraint(
            "state IN ('open', 'paused', 'fulfilled', 'refused', 'withdrawn')", name="state"
        ),
        # INVARIANT: an ended request says when and by whom; an open one neither
        CheckConstraint(
            "(state IN ('open', 'paused')) = (ended_at IS NULL AND ended_by IS NULL)",
            name="ended",
        ),
        CheckConstraint("state <> 'refused' OR reason IS NOT NULL", name="refused_reason"),
    )


class AccessRequestPause(Base):
    """A pause of an access request's clock (e.g. while the student's identity is verified)."""

    __tablename__ = "access_request_pause"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("access_request.id"), index=True)
    started_at: Mapped[datetime]
    started_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint("(ended_at IS NULL) = (ended_by IS NULL)", name="ended"),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="forward"),
    )


class AccessWaiver(Base):
    """A student's signed waiver of the right to see confidential letters of recommendation.

    It covers letters for one purpose (admission, employment or an honor) placed
    in the record while it was in force: revoking it uncovers only the letters
    that come later (34 CFR 99.12(c)). The student may still learn who wrote them.
    """

    __tablename__ = "access_waiver"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = _person_fk()
    purpose: Mapped[str] = mapped_column(String(16))  # admission | employment | honor
    signed_at: Mapped[datetime]
    document_sha256: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint("purpose IN ('admission', 'employment', 'honor')", name="purpose"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by IS NULL)", name="revoked"),
    )


class InspectionCopy(Base):
    """The copy of a student's records compiled for one access request, and its delivery.

    ``ready``: compiled, redacted and verified, seen only by the Registrar's office;
    ``released``: the student may download it until ``expires_at``; ``purged``:
    its content is gone (kept no longer than the profile allows), the facts stay.
    """

    __tablename__ = "inspection_copy"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("access_request.id"), index=True)
    student_id: Mapped[str] = _person_fk()
    state: Mapped[str] = mapped_column(String(16))
    compiled_at: Mapped[datetime]
    compiled_by: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))  # of the JSON bundle
    redactions: Mapped[int] = mapped_column(Integer)
    left_out: Mapped[dict[str, int]] = mapped_column(JSON)  # category -> count
    bundle: Mapped[str | None] = mapped_column(Text)  # the JSON bundle
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("state IN ('ready', 'released', 'purged')", name="state"),
        # INVARIANT: purged content is gone; unpurged content is whole
        CheckConstraint(
            "(state = 'purged') = (bundle IS NULL AND pdf IS NULL AND purged_at IS NOT NULL)",
            name="purged",
        ),
        CheckConstraint("(released_at IS NULL) = (released_by IS NULL)", name="released"),
    )
