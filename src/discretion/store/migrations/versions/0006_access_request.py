"""Access requests: a student's request to inspect their records, its clock and its pauses.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from discretion.store.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "method IN ('online', 'paper', 'email')", name=op.f("ck_access_request_method")
        ),
        sa.CheckConstraint(
            "state IN ('open', 'paused', 'fulfilled', 'refused', 'withdrawn')",
            name=op.f("ck_access_request_state"),
        ),
        sa.CheckConstraint(
            "(state IN ('open', 'paused')) = (ended_at IS NULL AND ended_by IS NULL)",
            name=op.f("ck_access_request_ended"),
        ),
        sa.CheckConstraint(
            "state <> 'refused' OR reason IS NOT NULL",
            name=op.f("ck_access_request_refused_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_access_request_student_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_request")),
    )
    op.create_index(
        op.f("ix_access_request_student_id"), "access_request", ["student_id"], unique=False
    )
    op.create_table(
        "access_request_pause",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "(ended_at IS NULL) = (ended_by IS NULL)", name=op.f("ck_access_request_pause_ended")
        ),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at",
            name=op.f("ck_access_request_pause_forward"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["access_request.id"],
            name=op.f("fk_access_request_pause_request_id_access_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_request_pause")),
    )
    op.create_index(
        op.f("ix_access_request_pause_request_id"),
        "access_request_pause",
        ["request_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_access_request_pause_request_id"), table_name="access_request_pause")
    op.drop_table("access_request_pause")
    op.drop_index(op.f("ix_access_request_student_id"), table_name="access_request")
    op.drop_table("access_request")
