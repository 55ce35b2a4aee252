"""Commands for running the service: serve, API tokens, people's sign-in and roles, webhooks."""

from __future__ import annotations

import os
import socket
import time
from typing import Annotated, Any

import typer
import uvicorn
from uvicorn.supervisors import Multiprocess

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
from discretion.services import LogKeyMissingError, sessions, webhooks
from discretion.services.context import parse_moment
from discretion.services.log_keys import MISSING
from discretion.services.principals import ROLES, grant_role, link_subject
from discretion.services.tokens import create_token, list_tokens, revoke_token

__all__ = ["register"]

token_app = typer.Typer(help="API tokens for services and scripts.", no_args_is_help=True)
people_app = typer.Typer(help="People's sign-in and granted roles.", no_args_is_help=True)
webhook_app = typer.Typer(help="Webhooks that receive privacy changes.", no_args_is_help=True)
sessions_app = typer.Typer(help="People's sign-in sessions.", no_args_is_help=True)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 1,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Serve the web pages, the HTTP API and its docs (at /docs) with uvicorn.

    Once it listens, it says where, and how to sign in, on stderr.
    """
    with store(database, profile) as context:
        # refuse an unmigrated or unreachable database, or no log key, before forking workers
        if context.log_key is None:
            raise LogKeyMissingError(MISSING)
    if database:
        os.environ["DISCRETION_DATABASE_URL"] = database
    os.environ["DISCRETION_PROFILE"] = profile
    if workers > 1 and not os.environ.get("DISCRETION_SECRET_KEY"):
        fail("several workers must share a session key: set DISCRETION_SECRET_KEY")
    config = uvicorn.Config(
        "discretion.server:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,  # request lines carry student ids in paths; keep them out of logs
        proxy_headers=False,
    )
    if workers == 1:
        _Announcing(config).run()
        return
    sockets = [_listening_socket(host, port)]
    typer.echo(announcement(host, port), err=True)
    Multiprocess(config, sockets=sockets).run()


def announcement(host: str, port: int) -> str:
    """Return what ``serve`` says once it listens: the address, and how to sign in."""
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    demo = os.environ.get("DISCRETION_DEMO", "").strip().lower() in ("1", "true", "yes", "on")
    oidc = all(os.environ.get(name) for name in _OIDC)
    if demo:
        how = f"demo sign-in at {base}/sign-in: pick anyone on the made-up campus, no password"
    elif oidc:
        how = f"sign in at {base}/sign-in with your campus account"
    else:
        how = (
            "nobody can sign in yet: set DISCRETION_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET, "
            "or DISCRETION_DEMO=1 for the demo campus"
        )
    return f"Discretion is serving on {base} ({how}; API docs at {base}/docs)"


_OIDC = ("DISCRETION_OIDC_ISSUER", "DISCRETION_OIDC_CLIENT_ID", "DISCRETION_OIDC_CLIENT_SECRET")


class _Announcing(uvicorn.Server):
    """A uvicorn server that says where it serves once it has started."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            typer.echo(announcement(self.config.host, self.config.port), err=True)


def _listening_socket(host: str, port: int) -> socket.socket:
    """Bind the socket the workers share, as a TCP socket.

    uvicorn's own shared socket is made with protocol 0, so asyncio does not
    set TCP_NODELAY on the connections it accepts, and small answers wait on
    delayed ACKs (about 40 ms each). Naming IPPROTO_TCP avoids that.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        fail(f"cannot listen on {host}:{port}: {error.strerror}", 1)
    sock.set_inheritable(True)
    return sock


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="Who uses it, e.g. 'LMS roster sync'.")],
    roles: Annotated[str, typer.Option(help=f"Comma-separated, of: {', '.join(ROLES)}.")],
    by: ByOption,
    person: Annotated[str | None, typer.Option(help="Act as this person.")] = None,
    expires: Annotated[str | None, typer.Option(help="Expiry date (YYYY-MM-DD).")] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Make a token (an administrator does); its secret is printed once and never kept.

    A token acting for a person may hold only roles that person holds.
    """
    with failing():  # bad input is refused before the store is opened
        expires_at = parse_moment(expires) if expires else None
    with store(database, profile) as context, context.transaction() as session:
        token, secret = create_token(
            session,
            actor=acting(session, by),
            name=name,
            roles=[r.strip() for r in roles.split(",") if r.strip()],
            person_id=person,
            expires_at=expires_at,
        )
        token_id, token_roles = token.id, token.roles
    if as_json:
        echo_json({"id": token_id, "token": secret, "roles": token_roles})
    else:
        typer.echo(
            f"token {token_id} ({', '.join(token_roles)}); keep it secret, it is shown once:"
        )
        typer.echo(secret)


@token_app.command("list")
def token_list(
    as_json: JsonOption = False, database: DatabaseOption = None, profile: ProfileOption = "mit"
) -> None:
    """List tokens (their secrets are not kept)."""
    with store(database, profile) as context, context.transaction() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": t.id,
                "name": t.name,
                "roles": t.roles,
                "person_id": t.person_id,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in list_tokens(session)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "revoked" if row["revoked_at"] else f"expires {row['expires_at'] or 'never'}"
        acting = f" as {row['person_id']}" if row["person_id"] else ""
        typer.echo(f"{row['id']}: {row['name']} ({', '.join(row['roles'])}{acting}), {state}")


@token_app.command("revoke")
def token_revoke(
    token: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The token's id.")],
    by: ByOption,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Revoke a token at once."""
    with store(database, profile) as context, context.transaction() as session:
        revoke_token(session, actor=acting(session, by), token_id=token)
    typer.echo(f"token {token} revoked")


@people_app.command("link")
def people_link(
    person: Annotated[str, typer.Argument(help="The person's id.")],
    subject: Annotated[str, typer.Option(help="The provider's `sub` for them.")],
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Link an OpenID Connect subject to a person, so they can sign in."""
    with store(database, profile) as context, context.transaction() as session:
        link_subject(session, person_id=person, subject=subject)
    typer.echo(f"{person} signs in as subject {subject}")


@people_app.command("grant-role")
def people_grant_role(
    person: Annotated[str, typer.Argument(help="The person's id.")],
    role: Annotated[str, typer.Argument(help="The role (administrator).")],
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Grant a role the store does not imply."""
    with store(database, profile) as context, context.transaction() as session:
        grant_role(session, person_id=person, role=role)
    typer.echo(f"{person} is now {role}")


@webhook_app.command("deliver")
def webhook_deliver(
    loop: Annotated[bool, typer.Option(help="Keep delivering until stopped.")] = False,
    every: Annotated[float, typer.Option(help="Seconds between rounds with --loop.")] = 5.0,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Send due deliveries (signed, retried with backoff); several workers may run at once.

    It says how many were attempted, delivered and failed, and names each
    failure on stderr (why, and when it is tried again, or that it was given
    up). Exit status: 0 when every attempt was delivered (or none was due),
    1 when any failed. With --loop it reports each round that attempted
    something, and keeps going.
    """
    with store(database, profile) as context:
        while True:
            done = webhooks.deliver_round(context)
            if done.attempted or not loop:
                _report_round(done)
            if not loop:
                if done.failed:
                    raise typer.Exit(1)
                return
            if done.attempted == 0:
                time.sleep(every)


def _report_round(done: webhooks.Round) -> None:
    """Say how a round of deliveries went: a count on stdout, each failure on stderr."""
    if done.attempted == 0:
        typer.echo("0 deliveries attempted")
        return
    plural = "delivery" if done.attempted == 1 else "deliveries"
    failed = len(done.failed)
    typer.echo(f"{done.attempted} {plural} attempted: {done.delivered} delivered, {failed} failed")
    for outcome in done.failed:
        then = (
            f"tried again after {outcome.retry_at:%Y-%m-%d %H:%M:%S} UTC"
            if outcome.retry_at is not None
            else "given up"
        )
        typer.echo(
            f"discretion: delivery {outcome.delivery_id} failed "
            f"(attempt {outcome.attempt} of {webhooks.MAX_ATTEMPTS}): {outcome.error}; {then}",
            err=True,
        )


@sessions_app.command("list")
def sessions_list(
    person: Annotated[str, typer.Argument(help="Whose sessions (a person id).")],
    reader: AsOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """List a person's sessions, newest first (an administrator, or the person)."""
    with store(database, profile) as context, context.transaction() as session:
        rows = sessions.list_sessions(session, actor=acting(session, reader), person_id=person)
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = f"ended {row['ended_at'][:16]}" if row["ended_at"] else "in force"
        typer.echo(f"{row['via']} since {row['created_at'][:16]}, "
                   f"last used {row['last_seen_at'][:16]}, {state}")  # fmt: skip


@sessions_app.command("end")
def sessions_end(
    person: Annotated[str, typer.Argument(help="Whose sessions to end (a person id).")],
    by: ByOption,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """End every session of a person at once (an administrator does, or the person)."""
    with store(database, profile) as context, context.transaction() as session:
        ended = sessions.end_all(session, actor=acting(session, by), person_id=person)
    typer.echo(f"{ended} {'session' if ended == 1 else 'sessions'} of {person} ended")


def register(app: typer.Typer) -> None:
    """Add these commands to the CLI."""
    app.command("serve")(serve_command)
    app.add_typer(token_app, name="token")
    app.add_typer(people_app, name="people")
    app.add_typer(webhook_app, name="webhooks")
    app.add_typer(sessions_app, name="sessions")
