"""Write the email corpus: ``corpus/*.eml`` and ``corpus/expected.yaml``.

Run ``PYTHONPATH=src python -m tests.mail.make_corpus`` after changing a
message here, and review the diff. Each entry is a message written for this
corpus (no real student, address or ID), with the verdict a careful reader
of the FAQ's email answer (`faq.email`) would give it and, where useful, the
rules that should say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import yaml

CORPUS = Path(__file__).parent / "corpus"
WHEN = format_datetime(datetime(2026, 11, 30, 9, 30, tzinfo=UTC))
SIG = (
    "\n-- \nPat Rivera, Course 6 Undergraduate Office\n617-253-4600 | 77 Massachusetts Ave, 02139\n"
)


@dataclass
class Mail:
    name: str
    expect: str
    subject: str
    body: str = ""
    html: str | None = None
    files: list[tuple[str, str, bytes]] = field(default_factory=list)
    rules: list[str] | None = None
    to: str = "colleague@mit.edu"
    raw: bytes | None = None  # a message written byte for byte (encrypted, or broken)


def build(mail: Mail) -> bytes:
    if mail.raw is not None:
        return mail.raw
    message = EmailMessage()
    message["From"] = "Pat Rivera <privera@mit.edu>"
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = WHEN
    message["Message-ID"] = f"<{mail.name}@corpus.example>"
    message.set_content(mail.body)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    for filename, kind, data in mail.files:
        main, sub = kind.split("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    for number, part in enumerate(message.walk()):  # fixed boundaries: the same bytes each run
        if part.is_multipart():
            part.set_boundary(f"={mail.name}-{number}=")
    return bytes(message)


def raw(subject: str, content_type: str, body: str, extra: str = "") -> bytes:
    head = (
        f"From: Pat Rivera <privera@mit.edu>\nTo: colleague@mit.edu\nSubject: {subject}\n"
        f"Date: {WHEN}\nMIME-Version: 1.0\nContent-Type: {content_type}\n{extra}\n"
    )
    return (head + body).replace("\n", "\r\n").encode("latin-1")


def csv(rows: list[str]) -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode()


CSV, XLSX = "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF, TXT = "application/pdf", "text/plain"
W_ID = ["mail.identified_student", "mail.unencrypted"]
SMIME = "MIIBmQYJKoZIhvcNAQcDoIIBijCCAYYCAQAxggEwMIIBLAIBADCBlDCBjjELMAkGA1UEBhMCVVMx\n"
PGP = (
    "-----BEGIN PGP MESSAGE-----\n\nhQEMA1x2p9Qk3bcLAQf/Z2FyYmxlZCBidXQgbm90IHJlYWRhYmxl\n"
    "=Xq3n\n-----END PGP MESSAGE-----\n"
)


def main() -> None:
    from tests.mail.corpus_messages import MESSAGES

    for old in CORPUS.glob("*.eml"):
        old.unlink()
    expected: dict[str, dict[str, object]] = {}
    for mail in MESSAGES:
        (CORPUS / f"{mail.name}.eml").write_bytes(build(mail))
        entry: dict[str, object] = {"verdict": mail.expect}
        if mail.rules is not None:
            entry["rules"] = mail.rules
        expected[f"{mail.name}.eml"] = entry
    header = "# Written by tests/mail/make_corpus.py: the verdict each message should get.\n---\n"
    text = yaml.safe_dump(expected, sort_keys=True, default_flow_style=None, width=100)
    (CORPUS / "expected.yaml").write_text(header + text)


if __name__ == "__main__":
    main()
