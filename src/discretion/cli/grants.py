"""Commands for signed authorisations, web-posting permissions, and listing suppressions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from discretion.cli.common import (
    MAX_ID,
    AsOption,
    ByOption,
    DatabaseOption,
    JsonOption,
    ProfileOption,
    acting,
    echo_json,
    store,
)
from discretion.services.changes import (
    grant_authorization,
    grant_web_permission,
    list_authorizations,
    list_suppressions,
    list_web_permissions,
    revoke_authorization,
    revoke_web_permission,
    row_json,
)

__all__ = ["register"]

authorization_app = typer.Typer(
    help="Forms a student signed authorising a background investigation.", no_args_is_help=True
)
web_app = typer.Typer(
    help="A student's permissions to post information on a named web site.", no_args_is_help=True
)
StudentArgument = Annotated[str, typer.Argument(help="The student's id.")]


def _state(row: dict[str, Any]) -> str:
    ended = row.get("revoked_at") or row.get("rescinded_at")
    return f"ended {ended[:10]}" if ended else "in force"


def _show(rows: list[dict[str, Any]], as_json: bool, line: Callable[[dict[str, Any]], str]) -> None:
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']}: {line(row)}, {_state(row)}")


@authorization_app.command("grant")
def authorization_grant(
    student: StudentArgument,
    agency: Annotated[str, typer.Option(help="The investigating agency.")],
    investigation: Annotated[str, typer.Option(help="The investigation the form authorises.")],
    document_sha256: Annotated[str, typer.Option(help="SHA-256 of the signed form.")],
    by: ByOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Record a signed authorisation for one investigation."""
    with store(database, profile) as context, context.transaction() as session:
        row = row_json(
            grant_authorization(
                session,
                actor=acting(session, by),
                student_id=student,
                agency=agency,
                investigation=investigation,
                document_sha256=document_sha256,
            )
        )
    if as_json:
        echo_json(row)
    else:
        typer.echo(f"authorization {row['id']} recorded: {row['agency']}, {row['investigation']}")


@authorization_app.command("revoke")
def authorization_revoke(
    authorization: Annotated[
        int, typer.Argument(min=1, max=MAX_ID, help="The authorisation's id.")
    ],
    by: ByOption,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Revoke a signed authorisation; it cannot come back."""
    with store(database, profile) as context, context.transaction() as session:
        revoke_authorization(session, actor=acting(session, by), authorization_id=authorization)
    typer.echo(f"authorization {authorization} revoked")


@authorization_app.command("list")
def authorization_list(
    student: StudentArgument,
    reader: AsOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """List a student's signed authorisations, in force or not."""
    with store(database, profile) as context, context.transaction() as session:
        rows = [row_json(r) for r in list_authorizations(session, acting(session, reader), student)]
    _show(rows, as_json, lambda r: f"{r['agency']} for {r['investigation']}")


@web_app.command("grant")
def web_grant(
    student: StudentArgument,
    site: Annotated[str, typer.Option(help="The web site (its address).")],
    items: Annotated[str, typer.Option(help="Information items, comma-separated.")],
    form: Annotated[
        str, typer.Option(help="How it was given: verbal, email, written or signed_authorization.")
    ],
    by: ByOption,
    message_id: Annotated[
        str | None, typer.Option(help="An emailed permission's Message-ID.")
    ] = None,
    document_sha256: Annotated[
        str | None, typer.Option(help="SHA-256 of the signed permission.")
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Record a student's permission to post items on a web site, with its evidence.

    Only a written permission lets a page the public can reach carry the items;
    an email will do for a page only the Institute community reaches.
    """
    with store(database, profile) as context, context.transaction() as session:
        row = row_json(
            grant_web_permission(
                session,
                context.profile,
                actor=acting(session, by),
                student_id=student,
                site=site,
                items=[i.strip() for i in items.split(",") if i.strip()],
                form=form,
                message_id=message_id,
                document_sha256=document_sha256,
            )
        )
    if as_json:
        echo_json(row)
    else:
        typer.echo(f"web permission {row['id']} granted: {' '.join(row['items'])} on {row['site']}")


@web_app.command("revoke")
def web_revoke(
    permission: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The permission's id.")],
    by: ByOption,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Revoke a posting permission; it cannot come back."""
    with store(database, profile) as context, context.transaction() as session:
        revoke_web_permission(session, actor=acting(session, by), permission_id=permission)
    typer.echo(f"web permission {permission} revoked")


@web_app.command("list")
def web_list(
    student: StudentArgument,
    reader: AsOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """List a student's posting permissions, in force or not."""
    with store(database, profile) as context, context.transaction() as session:
        rows = [
            row_json(r) for r in list_web_permissions(session, acting(session, reader), student)
        ]
    _show(rows, as_json, lambda r: f"{' '.join(r['items'])} on {r['site']}")


def suppressions_command(
    student: StudentArgument,
    reader: AsOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """List a student's suppressions and withholdings, in force or rescinded."""
    with store(database, profile) as context, context.transaction() as session:
        rows = [row_json(r) for r in list_suppressions(session, acting(session, reader), student)]
    _show(
        rows,
        as_json,
        lambda r: (
            f"{r['item'] or 'everything (withheld)'}, asked {r['method']} "
            f"on {r['requested_at'][:10]}"
        ),
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the CLI."""
    app.command("suppressions")(suppressions_command)
    app.add_typer(authorization_app, name="authorization")
    app.add_typer(web_app, name="web-permission")
