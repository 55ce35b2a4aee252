"""Read an email message into the parts the checker judges, without ever failing on it.

The standard library parses the message; every step that can meet malformed
input (headers, charsets, MIME structure, attachments) degrades to less text
instead of raising. Only input that is not a message at all raises
``MailError``. Quoted replies and signatures are left out of the body: they
are someone else's words, or the sender's own contact details.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default
from email.utils import getaddresses
from functools import partial
from typing import TypeVar

from discretion.mail.tables import Attachment, read_attachment
from discretion.mail.text import html_text, strip_replies
from discretion.mail.verdict import MailError

__all__ = ["MAX_BYTES", "Parsed", "parse"]

MAX_BYTES = 25 * 1024 * 1024  # larger than any mail relay accepts
_ENCRYPTED_TYPES = frozenset(
    {"application/pkcs7-mime", "application/x-pkcs7-mime", "multipart/encrypted"}
)
_PGP_BLOCK = re.compile(
    r"-----BEGIN PGP MESSAGE-----.*?(?:-----END PGP MESSAGE-----|\Z)", re.DOTALL
)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")  # a field name, then a colon (RFC 5322)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Parsed:
    """What the checker reads of a message: headers, readable body text, attachments."""

    subject: str
    recipients: tuple[str, ...]
    body: str
    attachments: tuple[Attachment, ...] = ()
    encrypted: bool = False  # the body, or part of it, is encrypted and was not read
    unreadable: tuple[str, ...] = field(default=())  # attachment names that could not be read


def _safely(read: Callable[[], T], fallback: T) -> T:
    """Return ``read()``, or ``fallback`` when the message is too broken for it."""
    try:
        return read()
    # INVARIANT: the checker never raises on a message; a part it cannot read is skipped.
    except Exception:
        return fallback


def parse(raw: bytes) -> Parsed:
    """Return the parts of a message the checker judges.

    Raises:
        MailError: the input is empty, too large, or has no header at all.
    """
    if not isinstance(raw, bytes | bytearray):
        raise MailError("an email message must be given as bytes")
    if not raw.strip():
        raise MailError("the input is empty; give an email message (.eml)")
    if len(raw) > MAX_BYTES:
        raise MailError(f"the message is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if not _HEADER_LINE.match(raw.lstrip(b"\r\n")):
        raise MailError("the input is not an email message: it does not start with a header")
    message = _safely(lambda: BytesParser(policy=default).parsebytes(bytes(raw)), None)
    no_keys: list[str] = []
    if message is None or not _safely(message.keys, no_keys):
        raise MailError("the input is not an email message: no header could be read")
    return _read(message)


def _header(message: Message, name: str) -> str:
    def read() -> str:
        return " ".join(str(value) for value in message.get_all(name, []))

    return _safely(read, "")


def _recipients(message: Message) -> tuple[str, ...]:
    fields = [_header(message, name) for name in ("to", "cc", "bcc")]
    none: list[tuple[str, str]] = []
    pairs = _safely(lambda: getaddresses(fields), none)
    return tuple(address.lower() for _, address in pairs if "@" in address)


def _text_of(part: Message) -> str:
    """Return the decoded text of a part, guessing utf-8 when its charset is unusable."""
    if isinstance(part, EmailMessage):
        content = _safely(part.get_content, None)
        if isinstance(content, str):
            return content
    payload = _safely(lambda: part.get_payload(decode=True), None)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _bytes_of(part: Message) -> bytes:
    payload = _safely(lambda: part.get_payload(decode=True), None)
    return payload if isinstance(payload, bytes) else b""


def _read(message: Message) -> Parsed:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    unreadable: list[str] = []
    encrypted = False
    for part in _parts(message):
        kind = _safely(part.get_content_type, "text/plain")
        if kind in _ENCRYPTED_TYPES or kind == "application/pgp-encrypted":
            # opaque-signed S/MIME is signed, not encrypted: anyone can read it
            smime = _safely(partial(_param, part, "smime-type"), "")
            encrypted = encrypted or smime != "signed-data"
            continue
        if kind.startswith("multipart/") or kind == "message/rfc822":
            continue
        name = _safely(part.get_filename, None)
        disposition = _safely(part.get_content_disposition, None)
        if name or disposition == "attachment":
            label = _label(name)
            read = _safely(partial(_attachment, part, label, kind), None)
            if read is None:
                unreadable.append(label)
            elif read.kind != "other":
                attachments.append(read)
        elif kind == "text/plain":
            plain.append(_text_of(part))
        elif kind == "text/html":
            html.append(html_text(_text_of(part)))
    body = "\n".join(plain) if any(t.strip() for t in plain) else "\n".join(html)
    if _PGP_BLOCK.search(body):
        encrypted = True
        body = _PGP_BLOCK.sub("\n", body)
    return Parsed(
        subject=_header(message, "subject"),
        recipients=_recipients(message),
        body=strip_replies(body),
        attachments=tuple(attachments),
        encrypted=encrypted,
        unreadable=tuple(unreadable),
    )


def _parts(message: Message) -> list[Message]:
    return _safely(lambda: list(message.walk()), [message])


def _param(part: Message, name: str) -> str:
    return str(part.get_param(name, "")).lower()


def _attachment(part: Message, label: str, kind: str) -> Attachment | None:
    return read_attachment(label, kind, _bytes_of(part))


def _label(name: str | None) -> str:
    """Return an attachment's file name fit to show: printable, and at most 80 characters."""
    cleaned = "".join(ch for ch in (name or "unnamed") if ch.isprintable()).strip()
    return (cleaned or "unnamed")[:80]
