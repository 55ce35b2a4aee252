"""``discretion smtp-guard``: run the submission gateway that checks mail about students."""

from __future__ import annotations

import functools
import logging
import signal
import ssl
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from discretion.cli.common import DatabaseOption, ProfileOption, fail, failing
from discretion.mail.guard import (
    DEFAULT_MAX_SIZE,
    Checker,
    GuardConfig,
    WarnAction,
    build_controller,
    server_tls,
)
from discretion.mail.passwords import Authenticator, AuthFileError, load_auth_file
from discretion.mail.relay import Relay
from discretion.policy import DiscretionError, load_profile
from discretion.services.context import open_context

__all__ = ["register"]


def parse_address(option: str, value: str) -> tuple[str, int]:
    """Return the host and port of ``HOST:PORT`` (an IPv6 host in brackets), or exit 2."""
    host, colon, port = value.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        fail(f"{option} wants HOST:PORT, such as 127.0.0.1:10025, not `{value}`")
    return host, int(port)


def _tls(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        fail("STARTTLS needs both --tls-cert and --tls-key")
    try:
        return server_tls(cert, key)
    except OSError as error:
        fail(f"cannot read the TLS certificate or key: {error.strerror or error}")
    except ssl.SSLError as error:
        fail(f"--tls-cert and --tls-key are not a PEM certificate and its key ({error.reason})")


def _authenticator(auth_file: Path | None, has_tls: bool) -> Authenticator | None:
    if auth_file is None:
        return None
    if not has_tls:
        fail("--auth-file needs --tls-cert and --tls-key: AUTH is offered only after STARTTLS")
    try:
        return Authenticator(load_auth_file(auth_file))
    except AuthFileError as error:
        fail(str(error))


def _quiet_logs() -> None:
    """Log the guard's lines to stderr; keep aiosmtpd's (which can show data) to warnings."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    guard = logging.getLogger("discretion.mail")
    if not guard.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        guard.addHandler(handler)
        guard.setLevel(logging.INFO)


def _wait_for_stop() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def smtp_guard(
    listen: Annotated[str, typer.Option(help="Where clients submit: HOST:PORT.")],
    relay: Annotated[str, typer.Option(help="The real relay: HOST:PORT.")],
    on_warn: Annotated[
        WarnAction | None,
        typer.Option(
            help="Mark a warned message with a header, or reject it "
            "[default: the profile's email.warn_action]."
        ),
    ] = None,
    override_log: Annotated[
        Path | None, typer.Option(help="JSON-lines file of overrides (needed with reject).")
    ] = None,
    max_size: Annotated[
        int, typer.Option(min=1, help="Largest message, bytes.")
    ] = DEFAULT_MAX_SIZE,
    tls_cert: Annotated[Path | None, typer.Option(help="PEM certificate for STARTTLS.")] = None,
    tls_key: Annotated[Path | None, typer.Option(help="PEM key of --tls-cert.")] = None,
    auth_file: Annotated[
        Path | None, typer.Option(help="`user:scrypt$...` lines; AUTH after STARTTLS.")
    ] = None,
    relay_timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait on the relay.")] = 30,
    use_store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="Also find students by name in the store, and ask the "
            "policy whether each recipient may receive what is sent.",
        ),
    ] = False,
    database: DatabaseOption = None,
    profile_name: ProfileOption = "mit",
) -> None:
    """Check mail about students between mail clients and the real relay.

    A message that passes is relayed unchanged; a warned one is marked with
    an X-Discretion-Check header (or, with --on-warn reject, refused unless it
    carries an X-Discretion-Override: <justification> header, which is
    recorded in --override-log); a blocked one is refused with the reasons.
    """
    host, port = parse_address("--listen", listen)
    relay_host, relay_port = parse_address("--relay", relay)
    try:
        profile = load_profile(profile_name)
    except DiscretionError as error:
        fail(str(error))
    action = on_warn or WarnAction(profile.warn_action)
    if action is WarnAction.REJECT and override_log is None:
        fail("rejecting warned mail (--on-warn reject, or the profile's email.warn_action) "
             "needs --override-log PATH to record the overrides it allows")  # fmt: skip
    tls = _tls(tls_cert, tls_key)
    users = _authenticator(auth_file, tls is not None)
    from discretion.mail.checker import check  # the checker loads only when the guard runs

    checker: Checker = functools.partial(check, profile=profile)
    if use_store:
        from discretion.mail.store_people import store_checker

        with failing():
            context = open_context(database, profile_name)
            checker = store_checker(context)
    config = GuardConfig(Relay(relay_host, relay_port, relay_timeout), action, override_log,
                         max_size)  # fmt: skip
    controller = build_controller(checker, config, host=host, port=port, tls=tls,
                                  authenticator=users)  # fmt: skip
    _quiet_logs()
    try:
        controller.start()
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}", 1)
    typer.echo(f"Discretion SMTP guard on {host}:{port}, relaying to {relay_host}:{relay_port}",
               err=True)  # fmt: skip
    try:
        _wait_for_stop()
    finally:
        controller.stop()


def register(root: typer.Typer) -> None:
    """Add the command to the CLI."""
    root.command("smtp-guard")(smtp_guard)
