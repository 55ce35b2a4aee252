"""The initial schema: people, subjects, directory, suppressions, records, consents, logs.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:34:50.500932
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change")),
    )
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_student_id"), ["student_id"], unique=False)

    op.create_table(
        "disclosure",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_disclosure")),
    )
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index("ix_disclosure_student_seq", ["student_id", "seq"], unique=False)

    op.create_table(
        "log_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_head")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("recipient_kind", sa.String(length=32), nullable=True),
        sa.Column("organization", sa.String(length=300), nullable=True),
        sa.Column("oidc_subject", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("oidc_subject", name=op.f("uq_person_oidc_subject")),
        sa.UniqueConstraint("username", name=op.f("uq_person_username")),
    )
    op.create_table(
        "term",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term")),
    )
    op.create_table(
        "advising",
        sa.Column("advisor_id", sa.String(length=64), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisor_id"], ["person.id"], name=op.f("fk_advising_advisor_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_advising_student_id_person")
        ),
        sa.PrimaryKeyConstraint("advisor_id", "student_id", name=op.f("pk_advising")),
    )
    with op.batch_alter_table("advising", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_advising_student_id"), ["student_id"], unique=False)

    op.create_table(
        "authorization",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=300), nullable=False),
        sa.Column("investigation", sa.String(length=500), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_authorization_student_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorization")),
    )
    with op.batch_alter_table("authorization", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_authorization_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=True),
        sa.Column("recipient_name", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("form", sa.String(length=32), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.String(length=500), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["person.id"], name=op.f("fk_consent_recipient_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_consent_student_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_student_id"), ["student_id"], unique=False)

    op.create_table(
        "directory_value",
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_directory_value_student_id_person")
        ),
        sa.PrimaryKeyConstraint("student_id", "item", name=op.f("pk_directory_value")),
    )
    op.create_table(
        "guardian",
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["person.id"], name=op.f("fk_guardian_parent_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_guardian_student_id_person")
        ),
        sa.PrimaryKeyConstraint("parent_id", "student_id", name=op.f("pk_guardian")),
    )
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardian_student_id"), ["student_id"], unique=False)

    op.create_table(
        "office_member",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_office_member_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", "office", name=op.f("pk_office_member")),
    )
    op.create_table(
        "subject",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("term_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["term_id"], ["term.id"], name=op.f("fk_subject_term_id_term")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject")),
    )
    with op.batch_alter_table("subject", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subject_term_id"), ["term_id"], unique=False)

    op.create_table(
        "suppression",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("rescinded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rescinded_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_suppression_student_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppression")),
    )
    with op.batch_alter_table("suppression", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suppression_student_id"), ["student_id"], unique=False)

    op.create_table(
        "web_permission",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("site", sa.String(length=500), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_web_permission_student_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_permission")),
    )
    with op.batch_alter_table("web_permission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_permission_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "enrollment",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_enrollment_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_enrollment_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment")),
    )
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollment_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrollment_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=64), nullable=True),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["made_by"], ["person.id"], name=op.f("fk_record_made_by_person")),
        sa.ForeignKeyConstraint(
            ["student_id"], ["person.id"], name=op.f("fk_record_student_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_record_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record")),
    )
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_student_id"), ["student_id"], unique=False)

    op.execute("INSERT INTO log_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    _forbid_changes_to_the_log()


def _forbid_changes_to_the_log() -> None:
    """The disclosure log is append-only: no update or delete, whoever asks."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION discretion_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the disclosure log is append-only';
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER disclosure_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            "ON disclosure FOR EACH STATEMENT EXECUTE FUNCTION discretion_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER disclosure_no_{action.lower()} BEFORE {action} ON disclosure "
            "BEGIN SELECT RAISE(ABORT, 'the disclosure log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS disclosure_append_only ON disclosure")
        op.execute("DROP FUNCTION IF EXISTS discretion_append_only()")
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_student_id"))

    op.drop_table("record")
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollment_subject_id"))
        batch_op.drop_index(batch_op.f("ix_enrollment_person_id"))

    op.drop_table("enrollment")
    with op.batch_alter_table("web_permission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_permission_student_id"))

    op.drop_table("web_permission")
    with op.batch_alter_table("suppression", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suppression_student_id"))

    op.drop_table("suppression")
    with op.batch_alter_table("subject", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_term_id"))

    op.drop_table("subject")
    op.drop_table("office_member")
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardian_student_id"))

    op.drop_table("guardian")
    op.drop_table("directory_value")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_student_id"))

    op.drop_table("consent")
    with op.batch_alter_table("authorization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_authorization_student_id"))

    op.drop_table("authorization")
    with op.batch_alter_table("advising", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advising_student_id"))

    op.drop_table("advising")
    op.drop_table("term")
    op.drop_table("person")
    op.drop_table("log_head")
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_index("ix_disclosure_student_seq")

    op.drop_table("disclosure")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_student_id"))

    op.drop_table("change")
