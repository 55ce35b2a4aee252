"""Commands for a student's waivers of the right to see letters of recommendation."""

from __future__ import annotations

from typing import Annotated

import typer

from discretion.cli.common import MAX_ID, ByOption, DatabaseOption, ProfileOption, acting, store
from discretion.services.context import parse_moment
from discretion.services.waivers import PURPOSES, record_waiver, revoke_waiver

__all__ = ["register"]

app = typer.Typer(
    help="Waivers of the right to see confidential letters of recommendation (34 CFR 99.12).",
    no_args_is_help=True,
)


@app.command("record")
def record_command(
    student: Annotated[str, typer.Argument(help="The student's id.")],
    purpose: Annotated[str, typer.Option(help=f"What the letters support: {', '.join(PURPOSES)}.")],
    signed: Annotated[str, typer.Option(help="When the student signed it (YYYY-MM-DD).")],
    document_sha256: Annotated[str, typer.Option(help="SHA-256 of the signed waiver.")],
    by: ByOption,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Record a waiver the student signed; it covers letters for that purpose from then on."""
    with store(database, profile) as context, context.transaction() as session:
        waiver = record_waiver(session, actor=acting(session, by), student_id=student,
                               purpose=purpose, signed_at=parse_moment(signed),
                               document_sha256=document_sha256)  # fmt: skip
        typer.echo(f"{waiver.id}: {student} waived seeing letters for {purpose}, "
                   f"signed {waiver.signed_at:%Y-%m-%d}")  # fmt: skip


@app.command("revoke")
def revoke_command(
    waiver: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The waiver's id.")],
    by: ByOption,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Revoke a waiver on the student's written word; letters placed before stay covered."""
    with store(database, profile) as context, context.transaction() as session:
        ended = revoke_waiver(session, actor=acting(session, by), waiver_id=waiver)
        typer.echo(f"{ended.id}: revoked; letters placed before "
                   f"{ended.revoked_at:%Y-%m-%d} stay covered")  # fmt: skip


def register(root: typer.Typer) -> None:
    """Add these commands to the CLI."""
    root.add_typer(app, name="waiver")
