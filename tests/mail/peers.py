"""Real peers for the guard's tests: a sink relay, small checkers, a test certificate."""

from __future__ import annotations

import datetime
import ipaddress
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from discretion.mail.verdict import Finding, Level, MailError, Verdict

BODY_SECRET = "Ada Lovelace got a C in 18.100"  # body text that must never appear in a reply


@dataclass(frozen=True)
class Received:
    """One message the sink took: its envelope and its bytes."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes


@dataclass
class Sink:
    """An aiosmtpd handler that keeps every message it is given."""

    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from or "",
                    tuple(envelope.rcpt_tos),
                    envelope.original_content or b"",
                )  # fmt: skip
            )
        return "250 OK"


def start_sink(port: int) -> tuple[Controller, Sink]:
    """Start a sink relay on 127.0.0.1:``port``."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port, server_hostname="sink")
    controller.start()
    return controller, sink


def subject_checker(raw: bytes) -> Verdict:
    """Block on BLOCKME in the subject, warn on WARNME, refuse UNREADABLE; else pass."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    if b"UNREADABLE" in head:
        raise MailError("not a message")
    if b"BLOCKME" in head:
        return Verdict((Finding("mail.grades_in_body", Level.BLOCK, "grades of a named student",
                                "send them through the records office"),))  # fmt: skip
    if b"WARNME" in head:
        return Verdict((
            Finding("mail.subject_words", Level.WARN, 'remove "grades" from the subject',
                    "use initials"),
            Finding("mail.many_students", Level.WARN, "the message names 3 students"),
        ))  # fmt: skip
    return Verdict()


def message(subject: str, *, override: str | None = None, body: str = BODY_SECRET) -> bytes:
    """Return a small message as bytes with CRLF line endings."""
    msg = EmailMessage()
    msg["From"] = "ta@mit.edu"
    msg["To"] = "prof@mit.edu"
    msg["Subject"] = subject
    if override is not None:
        msg["X-Discretion-Override"] = override
    msg.set_content(body + "\n")
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate for 127.0.0.1 and its key; return their paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "discretion test guard")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "guard.pem", folder / "guard.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
