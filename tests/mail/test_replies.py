"""The guard's reply lines and header, its override header reading, and its auth file."""

from __future__ import annotations

from pathlib import Path

import pytest

from discretion.mail.passwords import Authenticator, AuthFileError, hash_password, load_auth_file
from discretion.mail.replies import (
    MAX_REPLY,
    ascii_line,
    block_reply,
    check_header,
    override_justification,
    warn_reply,
)
from discretion.mail.verdict import Finding, Level, Verdict
from tests.mail.peers import message


def test_ascii_line_flattens_accents_quotes_and_line_breaks() -> None:
    assert ascii_line("“Zoë”\r\n  a\tb ✓") == '"Zoe" a b ?'


def test_replies_are_one_ascii_line_within_the_smtp_limit() -> None:
    long = Finding("mail.subject_words", Level.WARN, "é" * 2000 + "\r\nX-Injected: 1", "fix")
    for reply in (block_reply(Verdict((long,))), warn_reply(Verdict((long,)))):
        assert (
            len(reply) <= MAX_REPLY and reply.isascii() and "\n" not in reply and "\r" not in reply
        )
    assert warn_reply(Verdict((long,))).endswith("<justification> to send anyway")


def test_block_reply_puts_the_blocking_findings_first() -> None:
    verdict = Verdict((
        Finding("mail.subject_words", Level.WARN, "a warning", cites=()),
        Finding("mail.grades_in_body", Level.BLOCK, "a block."),
        Finding("mail.fine", Level.PASS, "nothing to say"),
    ))  # fmt: skip
    assert block_reply(verdict) == "550 5.7.1 Discretion: a block (faq.email) | a warning"


def test_check_header_names_each_rule_once() -> None:
    verdict = Verdict((Finding("mail.a", Level.WARN, "x"), Finding("mail.a", Level.WARN, "y"),
                       Finding("mail.b", Level.WARN, "z")))  # fmt: skip
    assert check_header(verdict) == b"X-Discretion-Check: warn; rules=mail.a,mail.b\r\n"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("the dean asked", "the dean asked"),
        ("approved by Zoë", "approved by Zoe"),  # sent as an RFC 2047 encoded word
    ],
)
def test_override_justification_reads_the_header_only(
    override: str | None, expected: str | None
) -> None:
    raw = message("Lunch", override=override, body="X-Discretion-Override: from the body")
    assert override_justification(raw) == expected


def test_auth_file_checks_passwords_and_names_a_bad_line_by_number(tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text(f"# guard users\n\nada:{hash_password('pw')}\n", encoding="utf-8")
    check = Authenticator(load_auth_file(users))
    assert check.is_valid("ada", b"pw")
    assert not check.is_valid("ada", b"PW") and not check.is_valid("bob", b"pw")
    users.write_text("ada:plaintext\n", encoding="utf-8")
    with pytest.raises(AuthFileError, match="^line 1 of `.*users` is not `user:scrypt"):
        load_auth_file(users)
    with pytest.raises(AuthFileError, match="cannot read the auth file"):
        load_auth_file(tmp_path / "missing")
