"""Trust at the doors: the access journal, server-side sessions, and indexed lookups.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 14:19:06.928893
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from discretion.store.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "access_journal",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("reader_id", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("door", sa.String(length=16), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("shown", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_journal")),
    )
    with op.batch_alter_table("access_journal", schema=None) as batch_op:
        batch_op.create_index("ix_access_journal_reader", ["reader_id", "id"], unique=False)
        batch_op.create_index("ix_access_journal_student", ["student_id", "id"], unique=False)
    _append_only("access_journal")

    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_web_session_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("rate_window", schema=None) as batch_op:
        batch_op.create_index("ix_rate_window_window", ["window"], unique=False)
    # the directory's exact full-name lookup, in any case, without scanning everyone
    op.create_index(
        "ix_person_full_name",
        "person",
        [sa.text("lower(given_name || ' ' || family_name)")],
        unique=False,
    )


def _append_only(table: str) -> None:
    """Refuse updates and deletes of ``table`` in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION discretion_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the % table is append-only', TG_TABLE_NAME;
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION discretion_refuse_change()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only'); END"
        )


def downgrade() -> None:
    op.drop_index("ix_person_full_name", table_name="person")
    with op.batch_alter_table("rate_window", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_window_window")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_person_id"))
    op.drop_table("web_session")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_journal_append_only ON access_journal")
        op.execute("DROP FUNCTION IF EXISTS discretion_refuse_change()")
    with op.batch_alter_table("access_journal", schema=None) as batch_op:
        batch_op.drop_index("ix_access_journal_student")
        batch_op.drop_index("ix_access_journal_reader")
    op.drop_table("access_journal")
