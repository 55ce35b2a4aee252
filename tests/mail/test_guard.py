"""The SMTP guard between real peers on 127.0.0.1: smtplib as the client, an aiosmtpd sink relay."""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from discretion.mail.guard import Checker, GuardConfig, WarnAction, build_controller, server_tls
from discretion.mail.passwords import Authenticator, hash_password
from discretion.mail.relay import Relay
from discretion.mail.verdict import Verdict
from tests.faults.servers import free_port
from tests.mail.peers import (
    BODY_SECRET,
    Sink,
    make_certificate,
    message,
    start_sink,
    subject_checker,
)

SENDER, RECIPIENTS = "ta@mit.edu", ["prof@mit.edu", "dean@mit.edu"]
CHECK = b"X-Discretion-Check: warn; rules=mail.subject_words,mail.many_students\r\n"
StartGuard = Callable[..., int]


@pytest.fixture
def relay_port() -> int:
    return free_port()


@pytest.fixture
def sink(relay_port: int) -> Iterator[Sink]:
    controller, handler = start_sink(relay_port)
    yield handler
    controller.stop()


@pytest.fixture
def start_guard(relay_port: int) -> Iterator[StartGuard]:
    started: list[Controller] = []

    def start(checker: Checker = subject_checker, *, tls: ssl.SSLContext | None = None,
              authenticator: Authenticator | None = None, **config: Any) -> int:  # fmt: skip
        port = free_port()
        relay = Relay("127.0.0.1", relay_port, timeout=5)
        controller = build_controller(checker, GuardConfig(relay, **config), host="127.0.0.1",
                                      port=port, tls=tls, authenticator=authenticator)  # fmt: skip
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def submit(port: int, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail(SENDER, RECIPIENTS, raw)


def refusal(port: int, raw: bytes) -> tuple[int, str]:
    """Submit a message the guard refuses at DATA; return the reply, checked for body text."""
    with pytest.raises(smtplib.SMTPDataError) as caught:
        submit(port, raw)
    reply = caught.value.smtp_error
    text = reply.decode("ascii") if isinstance(reply, bytes) else reply
    assert BODY_SECRET not in text and "18.100" not in text, text
    return caught.value.smtp_code, text


def test_guard_pass_relays_the_same_bytes_and_envelope(start_guard: StartGuard, sink: Sink) -> None:
    raw = message("Lunch on Friday", body=".a line with a leading dot\n" + BODY_SECRET)
    submit(start_guard(), raw)
    [got] = sink.received
    assert (got.sender, list(got.recipients), got.data) == (SENDER, RECIPIENTS, raw)


def test_guard_warn_relays_with_the_check_header(start_guard: StartGuard, sink: Sink) -> None:
    raw = message("WARNME grades")
    submit(start_guard(), raw)
    [got] = sink.received
    assert got.data == CHECK + raw


def test_guard_drops_a_check_header_the_client_forged(start_guard: StartGuard, sink: Sink) -> None:
    raw = message("Lunch on Friday")
    forged = b"X-Discretion-Check: pass;\r\n rules=none\r\n" + raw
    submit(start_guard(), forged)
    [got] = sink.received
    assert got.data == raw
    submit(start_guard(), b"x-discretion-check: pass\r\n" + message("WARNME grades"))
    assert sink.received[-1].data == CHECK + message("WARNME grades")


def test_guard_warn_in_reject_mode_refuses_then_takes_an_override(
    start_guard: StartGuard, sink: Sink, tmp_path: Path
) -> None:
    record = tmp_path / "overrides.jsonl"
    port = start_guard(warn_action=WarnAction.REJECT, override_log=record)
    code, text = refusal(port, message("WARNME grades"))
    assert code == 550
    assert text.startswith('5.7.1 Discretion: remove "grades" from the subject; use initials')
    assert text.endswith("resend with X-Discretion-Override: <justification> to send anyway")
    assert sink.received == [] and not record.exists()

    refusal(port, message("WARNME grades", override="  "))  # a blank justification is none
    raw = message("WARNME grades", override="the dean asked for the list")
    submit(port, raw)
    [got] = sink.received
    assert got.data == CHECK + raw  # the override header is kept
    [line] = record.read_text(encoding="ascii").splitlines()
    entry = json.loads(line)
    assert entry["sender"] == SENDER and entry["recipients"] == RECIPIENTS
    assert entry["rules"] == ["mail.subject_words", "mail.many_students"]
    assert entry["justification"] == "the dean asked for the list"
    assert entry["sha256"] == hashlib.sha256(raw).hexdigest() and entry["size"] == len(raw)
    assert entry["user"] is None and entry["peer"] == "127.0.0.1" and entry["at"]
    assert BODY_SECRET not in line and "WARNME" not in line


def test_guard_block_refuses_and_relays_nothing(start_guard: StartGuard, sink: Sink) -> None:
    code, text = refusal(start_guard(), message("BLOCKME", override="please"))
    assert code == 550
    assert text == (
        "5.7.1 Discretion: grades of a named student; send them through the records office "
        "(faq.email)"
    )
    assert sink.received == []


def test_guard_relay_down_asks_for_a_retry_then_delivers_once(
    start_guard: StartGuard, relay_port: int
) -> None:
    port, raw = start_guard(), message("Lunch")
    assert refusal(port, raw) == (451, "4.4.1 Discretion: relay unavailable, try again later")
    controller, sink = start_sink(relay_port)
    try:
        submit(port, raw)
    finally:
        controller.stop()
    assert [got.data for got in sink.received] == [raw]


class Refusing:
    """A relay that answers RCPT with a fixed reply."""

    def __init__(self, reply: str) -> None:
        self.reply = reply

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return self.reply


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("550 5.1.1 no such mailbox", (550, "5.1.1 no such mailbox")),
        ("452 4.2.2 mailbox full", (451, "4.4.1 Discretion: relay unavailable, try again later")),
    ],
)
def test_guard_relay_refusal_5xx_is_passed_back_and_4xx_is_a_retry(
    start_guard: StartGuard, relay_port: int, reply: str, expected: tuple[int, str]
) -> None:
    relay = Controller(Refusing(reply), hostname="127.0.0.1", port=relay_port,
                       server_hostname="relay")  # fmt: skip
    relay.start()
    try:
        assert refusal(start_guard(), message("Lunch")) == expected
    finally:
        relay.stop()


def test_guard_unreadable_message_is_554(start_guard: StartGuard, sink: Sink) -> None:
    code, text = refusal(start_guard(), message("UNREADABLE"))
    assert (code, text) == (554, "5.6.0 Discretion: the message could not be read")
    assert sink.received == []


def test_guard_checker_fault_is_a_retry_and_relays_nothing(
    start_guard: StartGuard, sink: Sink
) -> None:
    def broken(raw: bytes) -> Verdict:
        raise RuntimeError(raw.decode())

    code, text = refusal(start_guard(broken), message("Lunch"))
    assert (code, text[:5]) == (451, "4.3.0")
    assert sink.received == []


def test_guard_unrecordable_override_is_a_retry(
    start_guard: StartGuard, sink: Sink, tmp_path: Path
) -> None:
    port = start_guard(warn_action="reject", override_log=tmp_path / "missing" / "o.jsonl")
    code, text = refusal(port, message("WARNME", override="needed"))
    assert (code, text) == (
        451,
        "4.3.0 Discretion: the override could not be recorded, try again later",
    )
    assert sink.received == []


def test_guard_oversize_message_is_552(start_guard: StartGuard, sink: Sink) -> None:
    port, raw = start_guard(max_size=2000), message("Lunch", body="x" * 3000)
    with pytest.raises(smtplib.SMTPSenderRefused) as declared:  # SIZE= given at MAIL
        submit(port, raw)
    assert declared.value.smtp_code == 552
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:  # no SIZE: refused at DATA
        client.ehlo()
        client.mail(SENDER)
        client.rcpt(RECIPIENTS[0])
        assert client.data(raw)[0] == 552
    assert sink.received == []


def test_guard_starttls_then_auth_login_submits(
    start_guard: StartGuard, sink: Sink, tmp_path: Path
) -> None:
    cert, key = make_certificate(tmp_path)
    users = Authenticator({"ada": hash_password("correct horse")})
    record = tmp_path / "overrides.jsonl"
    port = start_guard(tls=server_tls(cert, key), authenticator=users,
                       warn_action=WarnAction.REJECT, override_log=record)  # fmt: skip
    raw = message("WARNME", override="approved by the registrar")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo()
        assert client.docmd("AUTH", "LOGIN")[0] == 530  # not before STARTTLS
        assert client.docmd("MAIL", f"FROM:<{SENDER}>")[0] == 530
        client.starttls(context=ssl.create_default_context(cafile=cert))
        client.ehlo()
        assert client.docmd("MAIL", f"FROM:<{SENDER}>")[0] == 530  # not before AUTH
        client.user, client.password = "ada", "wrong"
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.auth("LOGIN", client.auth_login, initial_response_ok=False)
        client.password = "correct horse"
        assert client.auth("LOGIN", client.auth_login, initial_response_ok=False)[0] == 235
        client.sendmail(SENDER, RECIPIENTS, raw)
    [got] = sink.received
    assert got.data == CHECK + raw
    assert json.loads(record.read_text(encoding="ascii"))["user"] == "ada"


def test_guard_logs_levels_and_rules_never_subjects_or_bodies(
    start_guard: StartGuard, sink: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="discretion.mail")
    port = start_guard()
    submit(port, message("WARNME Ada's grades"))
    refusal(port, message("BLOCKME Ada's grades"))
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("discretion.mail")]
    assert any(line.startswith("warn from 127.0.0.1, ") for line in lines), lines
    assert any("block from 127.0.0.1" in line and "mail.grades_in_body" in line for line in lines)
    assert not [line for line in lines if "Ada" in line or "ME" in line], lines
