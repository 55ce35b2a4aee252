"""Request and response models of the API (the OpenAPI schema is built from them)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Access",
    "AuthorizationIn",
    "ConsentIn",
    "DirectoryEntry",
    "Disclosure",
    "ErrorBody",
    "Me",
    "PrivacyChange",
    "ReferralIn",
    "Referral",
    "ReleasedItem",
    "ReleasedRecord",
    "RowId",
    "SuppressionIn",
    "WebPermissionIn",
]

# a row's number in a path: the store's integer keys are 32-bit
RowId = Annotated[int, Path(ge=1, le=2_147_483_647, description="The row's id")]


class Strict(BaseModel):
    """A request body: unknown fields are errors, so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str
    message: str
    details: dict[str, Any]


class ErrorBody(BaseModel):
    """The one error shape of every 4xx and 5xx."""

    error: ErrorDetail


class Me(BaseModel):
    """The caller."""

    person_id: str | None
    roles: list[str]
    offices: list[str]
    via: str
    csrf_token: str | None = None
    demo: bool


class DirectoryEntry(BaseModel):
    """One student's directory entry as the caller may see it."""

    id: str
    items: dict[str, str]
    withheld: bool


class ReleasedItem(BaseModel):
    """One item of a record the caller may see, with the rule that allowed it."""

    item: str
    subject: str | None
    rule: str
    values: list[str]
    conditions: list[str]


class Office(BaseModel):
    """An office to ask."""

    office: str
    name: str
    location: str | None


class NotShown(BaseModel):
    """That some information is not shown to the caller, and what would change that."""

    message: str
    consent_would_help: bool
    ask: list[Office]


class ReleasedRecord(BaseModel):
    """A student's record as released to the caller: only what they may see."""

    student: str
    reader: str
    notice: str | None
    items: list[ReleasedItem]
    not_shown: NotShown | None
    logged: int | None
    own_notes: list[str]


class Access(BaseModel):
    """One read of a student's record, from the access journal."""

    id: int
    at: str
    reader_id: str
    via: str
    door: str
    student_id: str
    shown: list[str]


class ClassList(BaseModel):
    """A subject's class list, for its staff."""

    subject: str
    code: str
    conditions: list[str]
    students: list[dict[str, str]]


class SuppressionIn(Strict):
    """Suppress one directory item, or (item null) withhold everything."""

    item: str | None = Field(default=None, max_length=64)
    method: Literal["written", "online", "in_person"] = "online"


class RescissionIn(Strict):
    """A written rescission of a suppression."""

    method: Literal["written", "online", "in_person"] = "written"


class ConsentIn(Strict):
    """A consent to record."""

    recipient_id: str | None = Field(default=None, max_length=64)
    recipient_name: str | None = Field(default=None, max_length=300)
    purpose: str = Field(min_length=1, max_length=500)
    items: list[str] = Field(min_length=1, max_length=50)
    form: Literal["verbal", "email", "written", "signed_authorization"]
    expires_at: str | None = Field(default=None, description="ISO 8601 date or timestamp")
    message_id: str | None = Field(default=None, max_length=500)
    document_sha256: str | None = Field(default=None, max_length=64)


class AuthorizationIn(Strict):
    """A signed authorisation for one investigation."""

    agency: str = Field(min_length=1, max_length=300)
    investigation: str = Field(min_length=1, max_length=500)
    document_sha256: str = Field(min_length=64, max_length=64)


class WebPermissionIn(Strict):
    """A permission to post named items on a web site, with how it was given and its evidence."""

    site: str = Field(min_length=1, max_length=500)
    items: list[str] = Field(min_length=1, max_length=50)
    form: Literal["verbal", "email", "written", "signed_authorization"]
    message_id: str | None = Field(default=None, max_length=500)
    document_sha256: str | None = Field(default=None, max_length=64)


class Disclosure(BaseModel):
    """One entry of the disclosure log."""

    seq: int
    at: str
    actor_id: str
    recipient: str
    student_id: str
    items: list[str]
    rules: list[str]
    purpose: str | None
    prev_hash: str
    hash: str


class Problem(BaseModel):
    """Where the log's chain breaks."""

    seq: int
    kind: str
    message: str


class Verification(BaseModel):
    """The result of checking the disclosure log's chain.

    ``unkeyed``: entries made before the log was keyed, which a database writer could rewrite.
    """

    ok: bool
    entries: int
    unkeyed: int = 0
    problems: list[Problem]


class ReferralIn(Strict):
    """A request the policy refers to an office."""

    question: dict[str, Any]
    requester: str = Field(min_length=1, max_length=300)
    note: str | None = Field(default=None, max_length=2000)


class Referral(BaseModel):
    """A referral in an office's queue."""

    id: int
    office: str
    student_id: str | None
    requester: str
    recipient_kind: str
    items: list[str]
    rule: str
    note: str | None
    status: Literal["open", "assigned", "closed"]
    opened_at: str
    opened_by: str
    assignee_id: str | None
    closed_at: str | None
    closed_by: str | None
    outcome: str | None


class AssignIn(Strict):
    """Whom to assign a referral to."""

    assignee_id: str = Field(min_length=1, max_length=64)


class CloseIn(Strict):
    """What the office did."""

    outcome: str = Field(min_length=1, max_length=2000)


class PrivacyChange(BaseModel):
    """A suppression, withholding or rescission."""

    seq: int
    at: str
    student_id: str
    action: Literal["suppress", "withhold", "rescind"]
    item: str | None
    suppression_id: int


class PrivacyChanges(BaseModel):
    """A page of the feed and the cursor to ask with next."""

    changes: list[PrivacyChange]
    next_cursor: int


class WebhookIn(Strict):
    """A receiver of privacy changes."""

    url: str = Field(min_length=1, max_length=500)


class Webhook(BaseModel):
    """A receiver; its secret is shown only when it is registered."""

    id: int
    url: str
    created_at: str
    disabled_at: str | None
    secret: str | None = None


class DemoSignIn(Strict):
    """The demo person to act as."""

    person_id: str = Field(min_length=1, max_length=64)


class SuppressionOut(BaseModel):
    """A suppression (item null: everything withheld), in force until rescinded in writing."""

    id: int
    student_id: str
    item: str | None
    requested_at: str
    method: str
    recorded_by: str
    rescinded_at: str | None
    rescinded_by: str | None


class ConsentOut(BaseModel):
    """A consent on file, with its evidence."""

    id: int
    student_id: str
    recipient_id: str | None
    recipient_name: str
    purpose: str
    items: list[str]
    form: str
    granted_at: str
    expires_at: str | None
    revoked_at: str | None
    revoked_by: str | None
    message_id: str | None
    document_sha256: str | None
    recorded_by: str


class AuthorizationOut(BaseModel):
    """A signed authorisation for one investigation."""

    id: int
    student_id: str
    agency: str
    investigation: str
    signed_at: str
    document_sha256: str
    expires_at: str | None
    revoked_at: str | None
    revoked_by: str | None
    recorded_by: str


class WebPermissionOut(BaseModel):
    """A permission to post named items on a web site."""

    id: int
    student_id: str
    site: str
    items: list[str]
    form: str
    message_id: str | None
    document_sha256: str | None
    granted_at: str
    revoked_at: str | None
    revoked_by: str | None
    recorded_by: str


class Delivery(BaseModel):
    """One delivery to one webhook: of a privacy change, or of a disclosure-log checkpoint."""

    id: int
    change_seq: int | None
    checkpoint_id: int | None = None
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: str
    delivered_at: str | None


class DemoPerson(BaseModel):
    """Someone to act as on the demo sign-in."""

    person_id: str
    name: str
    roles: list[str]
    offices: list[str]
