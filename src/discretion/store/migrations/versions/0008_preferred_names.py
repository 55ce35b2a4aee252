"""Preferred names: the name a person chose, and their pronouns, beside the legal name.

``person.preferred_given_name`` and ``preferred_family_name`` are both set or
both empty (an importer fills the half a roster leaves out from the legal
name); the directory shows and finds a student by them when set.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # nullable columns: a plain ADD COLUMN on both databases, no rebuild of ``person``
    op.add_column("person", sa.Column("preferred_given_name", sa.String(200), nullable=True))
    op.add_column("person", sa.Column("preferred_family_name", sa.String(200), nullable=True))
    op.add_column("person", sa.Column("pronouns", sa.String(100), nullable=True))
    # the directory's exact lookup by the chosen full name, as ix_person_full_name
    op.create_index(
        "ix_person_preferred_name",
        "person",
        [sa.text("lower(preferred_given_name || ' ' || preferred_family_name)")],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_person_preferred_name", table_name="person")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a rebuild would lose ix_person_full_name
    for column in ("pronouns", "preferred_family_name", "preferred_given_name"):
        op.drop_column("person", column)
