"""The SMTP guard: a submission gateway that checks each message before the real relay.

Mail clients submit to the guard; the guard runs the email checker on the
message as received and acts on its verdict:

- pass: relay it unchanged (same bytes, same envelope) and answer 250;
- warn: relay it with an ``X-Discretion-Check`` header prepended, or, with
  ``warn_action="reject"``, refuse it (550 5.7.1) unless it carries an
  ``X-Discretion-Override: <justification>`` header, in which case the
  override is recorded (``overrides``) and the message relayed;
- block: refuse it (550 5.7.1) with the reasons; nothing is relayed;
- unreadable (the checker raised ``MailError``): 554 5.6.0.

When the relay is down or answers 4xx the guard answers 451 4.4.1 so the
client keeps the message and retries; a relay's 5xx is passed back. The log
names the peer, the size, the level and the rule ids, never a subject or body.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from discretion.mail.overrides import Override, record_override, utc_now
from discretion.mail.passwords import Authenticator, Login
from discretion.mail.relay import Relay, RelayRefusedError, RelayUnavailableError, send
from discretion.mail.replies import (
    MAX_REPLY,
    ascii_line,
    block_reply,
    check_header,
    override_justification,
    rule_ids,
    warn_reply,
    without_check_headers,
)
from discretion.mail.verdict import Level, MailError, Verdict

__all__ = [
    "DEFAULT_MAX_SIZE",
    "Checker",
    "GuardConfig",
    "GuardHandler",
    "WarnAction",
    "build_controller",
    "server_tls",
]

log = logging.getLogger("discretion.mail.guard")

Checker = Callable[[bytes], Verdict]
DEFAULT_MAX_SIZE = 25 * 2**20  # bytes: 25 MiB, what common submission services accept

RELAYED = "250 2.0.0 Discretion: checked and relayed"
UNREADABLE = "554 5.6.0 Discretion: the message could not be read"
CHECK_FAILED = "451 4.3.0 Discretion: the message could not be checked now, try again later"
NOT_RECORDED = "451 4.3.0 Discretion: the override could not be recorded, try again later"
RELAY_UNAVAILABLE = "451 4.4.1 Discretion: relay unavailable, try again later"


class WarnAction(StrEnum):
    """What the guard does with a message the checker warns about."""

    HEADER = "header"  # relay it with an X-Discretion-Check header
    REJECT = "reject"  # refuse it unless it carries an override justification


@dataclass(frozen=True, slots=True)
class GuardConfig:
    """How the guard acts: where it relays, what a warning does, where overrides go."""

    relay: Relay
    warn_action: WarnAction = WarnAction.HEADER
    override_log: Path | None = None
    max_size: int = DEFAULT_MAX_SIZE

    def __post_init__(self) -> None:
        # INVARIANT: an override is honoured only where it can be recorded
        if self.warn_action is WarnAction.REJECT and self.override_log is None:
            raise ValueError("rejecting warned messages needs an override log to record overrides")
        if self.max_size <= 0:
            raise ValueError(
                f"the size limit must be a positive number of bytes, not `{self.max_size}`"
            )


def _peer(session: Session) -> str:
    peer = session.peer
    return str(peer[0]) if isinstance(peer, tuple) and peer else str(peer)


def _user(session: Session) -> str | None:
    data = session.auth_data
    return data.login if isinstance(data, Login) else None


class GuardHandler:
    """The aiosmtpd handler: check each message on DATA, then relay, mark or refuse it."""

    def __init__(self, checker: Checker, config: GuardConfig) -> None:
        self.checker = checker
        self.config = config

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        """Check the message and answer with the reply its verdict calls for."""
        raw = without_check_headers(envelope.original_content or b"")
        peer = _peer(session)
        try:
            verdict = await asyncio.to_thread(self.checker, raw)
        except MailError:
            log.info("unreadable message from %s, %d bytes: refused", peer, len(raw))
            return UNREADABLE
        except Exception as error:  # a fault of the checker must not let the message through
            log.error("the checker failed (%s) on %d bytes from %s", type(error).__name__,
                      len(raw), peer)  # fmt: skip
            return CHECK_FAILED
        rules = ",".join(rule_ids(verdict)) or "-"
        log.info("%s from %s, %d bytes, rules %s", verdict.level.value, peer, len(raw), rules)
        if verdict.level is Level.BLOCK:
            return block_reply(verdict)
        if verdict.level is Level.PASS:
            return await self._relay(envelope, raw)
        marked = check_header(verdict) + raw
        if self.config.warn_action is WarnAction.HEADER:
            return await self._relay(envelope, marked)
        justification = override_justification(raw)
        if justification is None:
            return warn_reply(verdict)
        refusal = await self._record(session, envelope, raw, verdict, justification)
        return refusal or await self._relay(envelope, marked)

    async def _record(
        self, session: Session, envelope: Envelope, raw: bytes, verdict: Verdict, why: str
    ) -> str | None:
        """Record an override; return the refusal to give when it cannot be recorded."""
        assert self.config.override_log is not None  # GuardConfig guarantees it
        override = Override(at=utc_now(), sender=envelope.mail_from or "", user=_user(session),
                            peer=_peer(session), recipients=tuple(envelope.rcpt_tos),
                            rules=rule_ids(verdict), justification=why,
                            sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))  # fmt: skip
        try:
            await asyncio.to_thread(record_override, self.config.override_log, override)
        except OSError as error:
            log.error("cannot record an override in %s: %s", self.config.override_log,
                      error.strerror)  # fmt: skip
            return NOT_RECORDED
        log.info("override by %s from %s, rules %s", override.sender, override.peer,
                 ",".join(override.rules))  # fmt: skip
        return None

    async def _relay(self, envelope: Envelope, data: bytes) -> str:
        eightbit = any(option.upper() == "BODY=8BITMIME" for option in envelope.mail_options)
        try:
            await asyncio.to_thread(send, self.config.relay, envelope.mail_from or "",
                                    list(envelope.rcpt_tos), data, eightbit=eightbit)  # fmt: skip
        except RelayUnavailableError as error:
            log.warning("relay %s unavailable (%s); asked the client to retry",
                        self.config.relay, error)  # fmt: skip
            return RELAY_UNAVAILABLE
        except RelayRefusedError as error:
            log.info("relay %s refused the message with %d", self.config.relay, error.code)
            text = ascii_line(error.text) or "Discretion: the relay refused the message"
            return f"{error.code} {text}"[:MAX_REPLY]
        return RELAYED


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    """Return the server TLS context for STARTTLS from a PEM certificate chain and key.

    Raises:
        OSError: a file cannot be read.
        ssl.SSLError: they are not a certificate and its key.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def build_controller(
    checker: Checker,
    config: GuardConfig,
    *,
    host: str,
    port: int,
    tls: ssl.SSLContext | None = None,
    authenticator: Authenticator | None = None,
) -> Controller:
    """Return the guard's (unstarted) aiosmtpd controller listening on ``host:port``.

    With ``tls``, STARTTLS is offered and required before anything else. With
    ``authenticator``, AUTH PLAIN and LOGIN are offered after STARTTLS and
    required before MAIL.

    Raises:
        ValueError: an authenticator without TLS (no one could ever authenticate).
    """
    if authenticator is not None and tls is None:
        raise ValueError("AUTH needs STARTTLS: give a TLS certificate and key with the users")
    options: dict[str, Any] = {
        "data_size_limit": config.max_size,
        "tls_context": tls,
        "require_starttls": tls is not None,
        "auth_require_tls": True,
        "auth_required": authenticator is not None,
        "authenticator": authenticator,
    }
    return Controller(GuardHandler(checker, config), hostname=host, port=port,
                      server_hostname=socket.gethostname(), **options)  # fmt: skip
