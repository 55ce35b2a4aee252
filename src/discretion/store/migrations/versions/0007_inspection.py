"""Inspection copies: waivers of the right to see letters of recommendation, and copies.

A record may be a confidential letter of recommendation (``record.letter_for``);
``access_waiver`` holds a student's waivers; ``inspection_copy`` the copies of
their records compiled for an access request, and their delivery.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:20:00.000000
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

from discretion.store.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


@contextmanager
def _record_batch() -> Iterator[BatchOperations]:
    """Alter ``record`` (SQLite rebuilds it); reflecting its key to ``person`` meets the
    expression index on names, which SQLAlchemy cannot reflect and need not: it stays."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        with op.batch_alter_table("record") as batch:
            yield batch


def upgrade() -> None:
    with _record_batch() as batch:
        batch.add_column(sa.Column("letter_for", sa.String(length=16), nullable=True))
        batch.create_check_constraint(
            "letter_for",
            "letter_for IS NULL OR letter_for IN ('admission', 'employment', 'honor')",
        )
    op.create_table(
        "access_waiver",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('admission', 'employment', 'honor')",
            name=op.f("ck_access_waiver_purpose"),
        ),
        sa.CheckConstraint(
            "(revoked_at IS NULL) = (revoked_by IS NULL)", name=op.f("ck_access_waiver_revoked")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_access_waiver_student_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_waiver")),
    )
    op.create_index(
        op.f("ix_access_waiver_student_id"), "access_waiver", ["student_id"], unique=False
    )
    op.create_table(
        "inspection_copy",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("compiled_at", UTCDateTime(), nullable=False),
        sa.Column("compiled_by", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("redactions", sa.Integer(), nullable=False),
        sa.Column("left_out", sa.JSON(), nullable=False),
        sa.Column("bundle", sa.Text(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("purged_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('ready', 'released', 'purged')", name=op.f("ck_inspection_copy_state")
        ),
        sa.CheckConstraint(
            "(state = 'purged') = (bundle IS NULL AND pdf IS NULL AND purged_at IS NOT NULL)",
            name=op.f("ck_inspection_copy_purged"),
        ),
        sa.CheckConstraint(
            "(released_at IS NULL) = (released_by IS NULL)",
            name=op.f("ck_inspection_copy_released"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["access_request.id"],
            name=op.f("fk_inspection_copy_request_id_access_request"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_inspection_copy_student_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_copy")),
    )
    op.create_index(
        op.f("ix_inspection_copy_request_id"), "inspection_copy", ["request_id"], unique=False
    )
    op.create_index(
        op.f("ix_inspection_copy_student_id"), "inspection_copy", ["student_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_inspection_copy_student_id"), table_name="inspection_copy")
    op.drop_index(op.f("ix_inspection_copy_request_id"), table_name="inspection_copy")
    op.drop_table("inspection_copy")
    op.drop_index(op.f("ix_access_waiver_student_id"), table_name="access_waiver")
    op.drop_table("access_waiver")
    with _record_batch() as batch:
        batch.drop_constraint(op.f("ck_record_letter_for"), type_="check")
        batch.drop_column("letter_for")
