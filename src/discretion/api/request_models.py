"""Request and response models of the access-request routes (a student's right to inspect)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from discretion.api.models import Strict

__all__ = ["AccessRequest", "AccessRequestIn", "Copy", "ReasonIn", "Step"]


class AccessRequestIn(Strict):
    """A request to inspect records: filed online by the student, or recorded from a letter."""

    student_id: str = Field(min_length=1, max_length=64)
    # a plain string, so a spoken request gets the service's own answer, not a schema error
    method: str = Field(
        min_length=1, max_length=20, description="online, paper or email (a request is written)"
    )
    received_at: str | None = Field(
        default=None, max_length=40, description="When a letter or email came (YYYY-MM-DD)"
    )


class ReasonIn(Strict):
    """Why the Registrar's office pauses or refuses a request."""

    reason: str = Field(min_length=1, max_length=2000)


class Step(BaseModel):
    """One recorded step of a request."""

    at: str
    actor: str
    action: str


class AccessRequest(BaseModel):
    """A request as it stands, with its clock (paused time moves the effective due date)."""

    id: int
    student_id: str
    method: str
    received_at: str
    recorded_by: str
    state: str
    ended_at: str | None
    ended_by: str | None
    reason: str | None
    due_at: str
    paused_days: int
    effective_due_at: str
    overdue: bool
    due_soon: bool
    transitions: list[Step]


class Copy(BaseModel):
    """A compiled copy of a student's records, without its content."""

    id: int
    request_id: int
    state: str
    compiled_at: str
    compiled_by: str
    redactions: int
    left_out: dict[str, int]
    released_at: str | None
    expires_at: str | None
    sha256: str
