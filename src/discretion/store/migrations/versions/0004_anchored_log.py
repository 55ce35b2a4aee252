"""The anchored disclosure log: keyed entries, a guarded head, signed checkpoints, their delivery.

- ``disclosure.scheme`` says how each entry was hashed: entries made before this
  migration are ``sha256`` (unkeyed), later ones ``hmac-sha256`` under the key
  whose id is ``disclosure.key_id``.
- ``log_head`` gets triggers: it is never deleted or added, and an update only
  moves it one step forward, onto an entry that exists with that sequence
  number and hash and follows the old head.
- ``log_checkpoint`` holds the signed checkpoints, append-only like the log.
- ``webhook_delivery`` carries a privacy change (``change_seq``) or a checkpoint
  (``checkpoint_id``), exactly one of them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HEAD_MOVES = "the disclosure log''s head only moves one recorded entry forward"
HEAD_STAYS = "the disclosure log''s head is never added or removed"
APPEND_ONLY = "the disclosure log is append-only"
FORWARD = (
    "NEW.id = OLD.id AND NEW.seq = OLD.seq + 1 AND EXISTS (SELECT 1 FROM disclosure "
    "WHERE seq = NEW.seq AND hash = NEW.hash AND prev_hash = OLD.hash)"
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.add_column(
        "disclosure",
        sa.Column(
            "scheme", sa.String(length=16), server_default=sa.text("'sha256'"), nullable=False
        ),
    )
    op.add_column("disclosure", sa.Column("key_id", sa.String(length=16), nullable=True))
    op.create_table(
        "log_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_checkpoint")),
    )
    # SQLite copies the table to change a column's nullability and add constraints
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.alter_column("change_seq", existing_type=sa.BigInteger(), nullable=True)
        batch_op.add_column(sa.Column("checkpoint_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_webhook_delivery_checkpoint_id_log_checkpoint"),
            "log_checkpoint",
            ["checkpoint_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            op.f("ck_webhook_delivery_carries_one"),
            "(change_seq IS NULL) <> (checkpoint_id IS NULL)",
        )
    _guard()


def _guard() -> None:
    """The head moves one recorded entry forward at a time; checkpoints are append-only."""
    if _postgresql():
        op.execute(
            f"""
            CREATE FUNCTION discretion_log_head_forward() RETURNS trigger AS $$
            BEGIN
                IF {FORWARD} THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{HEAD_MOVES}';
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"""
            CREATE FUNCTION discretion_log_head_fixed() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{HEAD_STAYS}';
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER log_head_forward BEFORE UPDATE ON log_head "
            "FOR EACH ROW EXECUTE FUNCTION discretion_log_head_forward()"
        )
        op.execute(
            "CREATE TRIGGER log_head_fixed BEFORE INSERT OR DELETE OR TRUNCATE ON log_head "
            "FOR EACH STATEMENT EXECUTE FUNCTION discretion_log_head_fixed()"
        )
        op.execute(
            "CREATE TRIGGER log_checkpoint_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            "ON log_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION discretion_append_only()"
        )
        return
    op.execute(
        f"CREATE TRIGGER log_head_forward BEFORE UPDATE ON log_head "
        f"WHEN coalesce({FORWARD}, 0) = 0 BEGIN SELECT RAISE(ABORT, '{HEAD_MOVES}'); END"
    )
    for action in ("INSERT", "DELETE"):
        op.execute(
            f"CREATE TRIGGER log_head_no_{action.lower()} BEFORE {action} ON log_head "
            f"BEGIN SELECT RAISE(ABORT, '{HEAD_STAYS}'); END"
        )
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER log_checkpoint_no_{action.lower()} BEFORE {action} ON log_checkpoint "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def _unguard() -> None:
    if _postgresql():
        op.execute("DROP TRIGGER IF EXISTS log_checkpoint_append_only ON log_checkpoint")
        op.execute("DROP TRIGGER IF EXISTS log_head_fixed ON log_head")
        op.execute("DROP TRIGGER IF EXISTS log_head_forward ON log_head")
        op.execute("DROP FUNCTION IF EXISTS discretion_log_head_fixed()")
        op.execute("DROP FUNCTION IF EXISTS discretion_log_head_forward()")
        return
    for trigger in (
        "log_checkpoint_no_update",
        "log_checkpoint_no_delete",
        "log_head_no_insert",
        "log_head_no_delete",
        "log_head_forward",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def downgrade() -> None:
    """Back to 0002: checkpoints and their deliveries go; keyed entries no longer verify there."""
    _unguard()
    op.execute("DELETE FROM webhook_delivery WHERE checkpoint_id IS NOT NULL")
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_webhook_delivery_carries_one"), type_="check")
        batch_op.drop_constraint(
            op.f("fk_webhook_delivery_checkpoint_id_log_checkpoint"), type_="foreignkey"
        )
        batch_op.drop_column("checkpoint_id")
        batch_op.alter_column("change_seq", existing_type=sa.BigInteger(), nullable=False)
    op.drop_table("log_checkpoint")
    op.drop_column("disclosure", "key_id")
    op.drop_column("disclosure", "scheme")
