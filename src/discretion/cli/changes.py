"""Commands that change or show a student's choices, and the disclosure log."""

from __future__ import annotations

import json
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
    failing,
    store,
)
from discretion.services import InvalidRequestError, MalformedJsonError, disclosure_log, load_json
from discretion.services.changes import (
    grant_consent,
    list_consents,
    rescind,
    revoke_consent,
    row_json,
    suppress,
)
from discretion.services.checkpoints import Checkpoint, parse
from discretion.services.context import parse_moment
from discretion.services.log_keys import log_key_from_env, require

__all__ = ["register"]

consent_app = typer.Typer(help="A student's consents to disclose.", no_args_is_help=True)
log_app = typer.Typer(help="The disclosure log (34 CFR 99.32).", no_args_is_help=True)
MethodOption = Annotated[
    str, typer.Option("--method", help="How the student asked: written, online or in_person.")
]


def suppress_command(
    student: Annotated[str, typer.Argument(help="The student's id.")],
    by: ByOption,
    items: Annotated[list[str] | None, typer.Argument(help="Directory items to suppress.")] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Withhold everything from the directory.")
    ] = False,
    method: MethodOption = "written",
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Record a student's request to suppress directory items, or to withhold all of them."""
    if everything == bool(items):
        raise typer.BadParameter("name directory items, or give --all (not both)")
    targets: list[str | None] = [None] if everything else list(items or [])
    with store(database, profile) as context, context.transaction() as session:
        actor = acting(session, by)
        rows = [
            row_json(
                suppress(
                    session, context.profile, actor=actor, student_id=student, item=i, method=method
                )
            )
            for i in targets
        ]
    if as_json:
        echo_json(rows)
    for row in [] if as_json else rows:
        typer.echo(f"suppression {row['id']}: {row['item'] or 'everything'} for {student}")


def rescind_command(
    suppression: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The suppression's id.")],
    by: ByOption,
    method: MethodOption = "written",
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """End a suppression on the student's written rescission."""
    with store(database, profile) as context, context.transaction() as session:
        rescind(session, actor=acting(session, by), suppression_id=suppression, method=method)
    typer.echo(f"suppression {suppression} rescinded")


@consent_app.command("grant")
def consent_grant(
    student: Annotated[str, typer.Argument(help="The student's id.")],
    purpose: Annotated[str, typer.Option(help="What the disclosure is for.")],
    items: Annotated[str, typer.Option(help="Information items, comma-separated.")],
    form: Annotated[
        str,
        typer.Option(
            help="email, written, signed_authorization, or verbal (refused for anyone outside: "
            "the law needs written consent)."
        ),
    ],
    by: ByOption,
    to: Annotated[str | None, typer.Option("--to", help="The recipient's person id.")] = None,
    to_name: Annotated[str | None, typer.Option("--to-name", help="The recipient's name.")] = None,
    message_id: Annotated[str | None, typer.Option(help="An email consent's Message-ID.")] = None,
    document_sha256: Annotated[
        str | None, typer.Option(help="SHA-256 of the signed document.")
    ] = None,
    expires: Annotated[str | None, typer.Option(help="When it lapses (YYYY-MM-DD).")] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Record a student's consent.

    A verbal consent to a recipient outside the institution (an external
    person, or one named with --to-name and not in the store) is refused: it
    could never permit a release.
    """
    with store(database, profile) as context, context.transaction() as session:
        consent = row_json(
            grant_consent(
                session,
                context.profile,
                actor=acting(session, by),
                student_id=student,
                recipient_id=to,
                recipient_name=to_name,
                purpose=purpose,
                items=[i.strip() for i in items.split(",") if i.strip()],
                form=form,
                expires_at=parse_moment(expires) if expires else None,
                message_id=message_id,
                document_sha256=document_sha256,
            )
        )
    if as_json:
        echo_json(consent)
    else:
        typer.echo(f"consent {consent['id']} granted: {consent['recipient_name']}, "
                   f"{' '.join(consent['items'])}, for {consent['purpose']}")  # fmt: skip


@consent_app.command("revoke")
def consent_revoke(
    consent: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The consent's id.")],
    by: ByOption,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Revoke a consent; it cannot come back."""
    with store(database, profile) as context, context.transaction() as session:
        revoke_consent(session, actor=acting(session, by), consent_id=consent)
    typer.echo(f"consent {consent} revoked")


@consent_app.command("list")
def consent_list(
    student: Annotated[str, typer.Argument(help="The student's id.")],
    reader: AsOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """List a student's consents, in force or not."""
    with store(database, profile) as context, context.transaction() as session:
        rows = [row_json(c) for c in list_consents(session, acting(session, reader), student)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "revoked" if row["revoked_at"] else "in force"
        typer.echo(f"{row['id']}: {row['form']} to {row['recipient_name']} for {row['purpose']} "
                   f"({' '.join(row['items'])}), {state}")  # fmt: skip


@log_app.command("show")
def log_show(
    student: Annotated[str, typer.Option("--student", help="The student's id.")],
    output: Annotated[str, typer.Option("--format", help="text, csv or json.")] = "text",
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Show the disclosures recorded about one student."""
    if output not in ("text", "csv", "json"):
        raise typer.BadParameter(f"unknown format `{output}`; use text, csv or json")
    with store(database, profile) as context, context.transaction() as session:
        entries = disclosure_log.entries_for(session, student)
    if output == "json":
        echo_json([e.to_json() for e in entries])
    elif output == "csv":
        typer.echo(disclosure_log.to_csv(entries), nl=False)
    elif not entries:
        typer.echo(f"no disclosures recorded about {student}")
    else:
        for e in entries:
            what = f"{', '.join(e.items)} ({', '.join(e.rules)})"
            why = f" for {e.purpose}" if e.purpose else ""
            typer.echo(f"{e.seq} {e.at:%Y-%m-%d %H:%M} {e.actor_id} -> {e.recipient}: {what}{why}")


KEEP = "give the file `discretion log checkpoint --json` wrote"


def _read_checkpoint(path: Path) -> Checkpoint:
    try:
        data = load_json(path.read_bytes(), what=f"checkpoint file `{path}`")
    except OSError as error:
        fail(f"cannot read checkpoint file `{path}`: {error.strerror}; {KEEP}")
    except MalformedJsonError as error:
        fail(f"{error}; {KEEP}")
    try:
        return parse(data)
    except InvalidRequestError as error:
        fail(f"checkpoint file `{path}`: {error}")


@log_app.command("verify")
def log_verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="A checkpoint kept elsewhere: prove no entry up to it was removed, "
            "edited or reordered.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Check the whole chain; exit 1 and say where if it was tampered with."""
    pinned = None if checkpoint is None else _read_checkpoint(checkpoint)
    with store(database, profile) as context, context.transaction() as session:
        result = disclosure_log.verify(session, pinned)
    if as_json:
        echo_json({"ok": result.ok, "entries": result.entries, "unkeyed": result.unkeyed,
                   "checkpoint": None if pinned is None else pinned.seq,
                   "problems": [vars(p) for p in result.problems]})  # fmt: skip
    elif result.ok:
        count = f"{result.entries} {'entry' if result.entries == 1 else 'entries'}"
        upto = "" if pinned is None else f", and entry {pinned.seq} is as the checkpoint signs it"
        typer.echo(f"the disclosure log holds {count}; the chain is intact{upto}")
    else:
        for problem in result.problems:
            typer.echo(f"entry {problem.seq}: {problem.kind}: {problem.message}")
    if result.unkeyed and not as_json:
        typer.echo(f"note: the first {result.unkeyed} entries were made before the log was keyed; "
                   "whoever can write the database could rewrite them unseen, unless a checkpoint "
                   "kept elsewhere pins them")  # fmt: skip
    if not result.ok:
        raise typer.Exit(1)


@log_app.command("checkpoint")
def log_checkpoint(
    as_json: JsonOption = False, database: DatabaseOption = None, profile: ProfileOption = "mit"
) -> None:
    """Sign the log's newest entry, store the checkpoint and queue it for every webhook.

    Keep what it prints outside the database: `log verify --checkpoint FILE` then
    proves that no entry up to it was removed, edited or reordered.
    """
    with store(database, profile) as context, context.transaction() as session:
        made, witnesses = disclosure_log.make_checkpoint(session)
    if as_json:
        echo_json(made.to_json())
        return
    typer.echo(json.dumps(made.to_json(), separators=(",", ":")))
    typer.echo(f"checkpoint of entry {made.seq} signed with key {made.key_id}, queued for "
               f"{witnesses} webhook(s); keep it outside the database", err=True)  # fmt: skip


@log_app.command("public-key")
def log_public_key(as_json: JsonOption = False) -> None:
    """Print the public key that checks checkpoints (PEM); it reveals nothing of the secret."""
    with failing():
        key = require(log_key_from_env())
    if as_json:
        echo_json({"key_id": key.key_id, "algorithm": "Ed25519",
                   "public_key_pem": key.public_key_pem(),
                   "public_key_hex": key.public_key_hex()})  # fmt: skip
        return
    typer.echo(key.public_key_pem(), nl=False)
    typer.echo(f"key id {key.key_id}", err=True)


def register(app: typer.Typer) -> None:
    """Add these commands to the CLI."""
    app.command("suppress")(suppress_command)
    app.command("rescind")(rescind_command)
    app.add_typer(consent_app, name="consent")
    app.add_typer(log_app, name="log")
