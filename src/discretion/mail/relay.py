"""Handing a checked message to the real relay, all recipients or none.

Blocking (``smtplib``); the guard calls it in a thread. The relay either takes
the message for every recipient, or nothing is sent and the caller learns why:
``RelayUnavailableError`` (down, timed out, or a 4xx: the client should retry)
or ``RelayRefusedError`` (a 5xx the client should see).
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Relay", "RelayRefusedError", "RelayUnavailableError", "send"]


@dataclass(frozen=True, slots=True)
class Relay:
    """Where checked messages go: the real submission relay."""

    host: str
    port: int
    timeout: float = 30.0  # seconds for connecting and for each reply

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


class RelayUnavailableError(Exception):
    """The relay could not take the message now; the client should try again later."""


class RelayRefusedError(Exception):
    """The relay refused the message for good (a 5xx reply)."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text


def _text(reply: bytes | str) -> str:
    raw = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return raw.splitlines()[0] if raw else ""


def _refused(code: int, reply: bytes | str) -> Exception:
    if 500 <= code < 600:
        return RelayRefusedError(code, _text(reply))
    return RelayUnavailableError(f"relay answered {code}")


def _deliver(
    client: smtplib.SMTP, sender: str, recipients: Sequence[str], data: bytes, eightbit: bool
) -> None:
    client.ehlo_or_helo_if_needed()
    options = ["BODY=8BITMIME"] if eightbit and client.has_extn("8bitmime") else []
    code, reply = client.mail(sender, options)
    if code != 250:
        raise _refused(code, reply)
    for recipient in recipients:
        code, reply = client.rcpt(recipient)
        if code not in (250, 251):
            client.rset()
            raise _refused(code, reply)
    code, reply = client.data(data)
    if code != 250:
        raise _refused(code, reply)


def send(
    relay: Relay, sender: str, recipients: Sequence[str], data: bytes, *, eightbit: bool = False
) -> None:
    """Send ``data`` as it is from ``sender`` to every recipient through ``relay``.

    Args:
        relay: where to send it.
        sender: the envelope sender (may be empty, for a bounce).
        recipients: the envelope recipients; if the relay refuses any, none is sent to.
        data: the message, CRLF line endings (``smtplib`` dot-stuffs it).
        eightbit: the client declared ``BODY=8BITMIME``; passed on when the relay offers it.

    Raises:
        RelayUnavailableError: the relay is down, timed out, or answered 4xx.
        RelayRefusedError: the relay answered 5xx.
    """
    try:
        with smtplib.SMTP(relay.host, relay.port, timeout=relay.timeout) as client:
            _deliver(client, sender, recipients, data, eightbit)
    except smtplib.SMTPResponseException as error:
        raise _refused(error.smtp_code, error.smtp_error) from None
    except OSError as error:  # refused, reset, timed out, or SMTPServerDisconnected
        raise RelayUnavailableError(type(error).__name__) from None
