"""Commands for a student's requests to inspect their records (34 CFR 99.10)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

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
    fail,
    store,
)
from discretion.services import access_requests as requests
from discretion.services import inspection
from discretion.services.context import parse_moment

__all__ = ["register"]

app = typer.Typer(
    help="Requests to inspect one's records, and their clock (34 CFR 99.10).",
    no_args_is_help=True,
)
RequestArgument = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The request's id.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why, in one line.")]


def _line(view: requests.RequestView) -> str:
    flags = " OVERDUE" if view.overdue else " due soon" if view.due_soon else ""
    due = f"due {view.effective_due_at:%Y-%m-%d}{flags}"
    if view.paused_days:
        due += f" (paused {view.paused_days} day(s))"
    ended = f" by {view.ended_by}: {view.reason}" if view.reason else ""
    return (f"{view.id}: {view.student_id} by {view.method}, received "
            f"{view.received_at:%Y-%m-%d}, {view.state}{ended}, {due}")  # fmt: skip


@app.command("file")
def file_command(
    student: Annotated[str, typer.Argument(help="The student's id.")],
    by: ByOption,
    method: Annotated[str, typer.Option("--method", help="online, paper or email.")] = "online",
    received: Annotated[
        str | None, typer.Option("--received", help="When a letter or email came (YYYY-MM-DD).")
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """File a request: the student online, or the Registrar's office from a letter or email."""
    with store(database, profile) as context, context.transaction() as session:
        actor = acting(session, by)
        filed = requests.file_request(
            session, actor=actor, student_id=student, method=method,
            received_at=parse_moment(received) if received else None,
        )  # fmt: skip
        view = requests.show(session, context.profile, actor, filed.id)
    if as_json:
        echo_json(view.to_json())
    else:
        typer.echo(_line(view))


@app.command("list")
def list_command(
    reader: AsOption,
    student: Annotated[str | None, typer.Option("--student", help="One student's.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only requests not ended.")] = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """List requests: a student's own, or (the Registrar's office) anyone's or all.

    With ``--open``, overdue requests come first, then those due within a week.
    """
    with store(database, profile) as context, context.transaction() as session:
        views = requests.list_requests(session, context.profile, acting(session, reader), student,
                                       open_only=open_only)  # fmt: skip
    if open_only:  # the work to do, most pressing first
        views = requests.by_urgency(views)
    if as_json:
        echo_json([v.to_json() for v in views])
        return
    for view in views:
        typer.echo(_line(view))
    if not views:
        typer.echo("no access requests")


@app.command("show")
def show_command(
    request: RequestArgument,
    reader: AsOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Show one request, its clock and every step taken."""
    with store(database, profile) as context, context.transaction() as session:
        view = requests.show(session, context.profile, acting(session, reader), request)
    if as_json:
        echo_json(view.to_json())
        return
    typer.echo(_line(view))
    for step in view.transitions:
        typer.echo(f"  {step.at:%Y-%m-%d %H:%M} {step.action} by {step.actor}")


def _step(step: Callable[..., object], request: int, by: str, database: str | None,
          profile: str, **reason: str) -> None:  # fmt: skip
    """Take one step of a request's clock as ``by``; print the request as it stands."""
    with store(database, profile) as context, context.transaction() as session:
        actor = acting(session, by)
        step(session, actor=actor, request_id=request, **reason)
        view = requests.show(session, context.profile, actor, request)
    typer.echo(_line(view))


@app.command("pause")
def pause_command(
    request: RequestArgument, by: ByOption, reason: ReasonOption,
    database: DatabaseOption = None, profile: ProfileOption = "mit",
) -> None:  # fmt: skip
    """Stop a request's clock, saying why (e.g. while the student's identity is verified)."""
    _step(requests.pause, request, by, database, profile, reason=reason)


@app.command("resume")
def resume_command(
    request: RequestArgument, by: ByOption,
    database: DatabaseOption = None, profile: ProfileOption = "mit",
) -> None:  # fmt: skip
    """Restart a paused request's clock."""
    _step(requests.resume, request, by, database, profile)


@app.command("fulfil")
def fulfil_command(
    request: RequestArgument, by: ByOption,
    database: DatabaseOption = None, profile: ProfileOption = "mit",
) -> None:  # fmt: skip
    """Record that the student inspected their records (final)."""
    _step(requests.fulfil, request, by, database, profile)


@app.command("refuse")
def refuse_command(
    request: RequestArgument, by: ByOption, reason: ReasonOption,
    database: DatabaseOption = None, profile: ProfileOption = "mit",
) -> None:  # fmt: skip
    """Refuse a request, saying why (final)."""
    _step(requests.refuse, request, by, database, profile, reason=reason)


@app.command("withdraw")
def withdraw_command(
    request: RequestArgument, by: ByOption,
    database: DatabaseOption = None, profile: ProfileOption = "mit",
) -> None:  # fmt: skip
    """Withdraw a request, for the student (final)."""
    _step(requests.withdraw, request, by, database, profile)


def _copy_line(view: inspection.CopyView) -> str:
    left = ", ".join(f"{count} {category}" for category, count in view.left_out.items())
    kept = f", kept until {view.expires_at:%Y-%m-%d}" if view.expires_at else ""
    return (f"copy {view.id} of request {view.request_id}: {view.state}{kept}; "
            f"{view.redactions} mention(s) of other students replaced; "
            f"left out: {left or 'nothing'}; sha256 {view.sha256[:16]}")  # fmt: skip


@app.command("compile")
def compile_command(
    request: RequestArgument, by: ByOption, as_json: JsonOption = False,
    database: DatabaseOption = None, profile: ProfileOption = "mit",
) -> None:  # fmt: skip
    """Compile the student's copy: every record, other students redacted, verified; unreleased."""
    with store(database, profile) as context, context.transaction() as session:
        view = inspection.compile_copy(session, context.profile, acting(session, by), request)
    if as_json:
        echo_json(view.to_json())
        return
    typer.echo(_copy_line(view))
    command = "discretion access-request"
    typer.echo(f"review it: {command} copy {request} --as {by} --output copy.pdf; "
               f"then: {command} release {request} --by {by}")  # fmt: skip


@app.command("release")
def release_command(
    request: RequestArgument, by: ByOption, as_json: JsonOption = False,
    database: DatabaseOption = None, profile: ProfileOption = "mit",
) -> None:  # fmt: skip
    """Release the compiled copy to the student, which fulfils the request."""
    with store(database, profile) as context, context.transaction() as session:
        view = inspection.release_copy(session, context.profile, acting(session, by), request)
    if as_json:
        echo_json(view.to_json())
    else:
        typer.echo(_copy_line(view))


@app.command("copy")
def copy_command(
    request: RequestArgument,
    reader: AsOption,
    output: Annotated[Path, typer.Option("--output", help="The file to write.")],
    kind: Annotated[str, typer.Option("--format", help="pdf or json.")] = "pdf",
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Write the request's copy to a file (the delivery is recorded)."""
    if kind not in ("pdf", "json"):
        fail(f"--format is pdf or json, not `{kind}`")
    with store(database, profile) as context:
        with context.transaction() as session:
            inspection.purge_expired(session)
        with context.transaction() as session:
            copy = inspection.download(session, acting(session, reader), request, kind)
            output.write_bytes(copy.content)
    typer.echo(f"wrote {output} ({len(copy.content):,} bytes, {copy.media_type})")


@app.command("purge")
def purge_command(
    by: ByOption, database: DatabaseOption = None, profile: ProfileOption = "mit"
) -> None:
    """Delete the content of released copies kept their full time (run it daily)."""
    with store(database, profile) as context, context.transaction() as session:
        purged = inspection.purge_expired(session, acting(session, by))
    typer.echo(f"purged {purged} cop{'y' if purged == 1 else 'ies'}")


def register(root: typer.Typer) -> None:
    """Add these commands to the CLI."""
    root.add_typer(app, name="access-request")
