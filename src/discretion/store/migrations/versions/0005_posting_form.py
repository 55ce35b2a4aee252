"""A web-posting permission records how the student gave it, with its evidence.

A permission is consent, and spoken permission counts for nothing (policy
1.2.0): the form is kept like a consent's, with an email's Message-ID or a
signed document's SHA-256. Permissions recorded before this migration did not
say their form; they become ``none`` and count for nothing until recorded
again with their evidence.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite adds and drops columns itself): a batch
# copy of the table would reflect `person`, whose expression index SQLite cannot reflect.


def upgrade() -> None:
    op.add_column(
        "web_permission",
        sa.Column("form", sa.String(length=32), server_default=sa.text("'none'"), nullable=False),
    )
    op.add_column("web_permission", sa.Column("message_id", sa.String(length=500), nullable=True))
    op.add_column(
        "web_permission", sa.Column("document_sha256", sa.String(length=64), nullable=True)
    )


def downgrade() -> None:
    for column in ("document_sha256", "message_id", "form"):
        op.drop_column("web_permission", column)
