"""The log's key: needed to append outside the demo, derived once, and never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text

from discretion.services import Context, LogKeyMissingError, disclosure_log, open_context
from discretion.services.context import now
from discretion.services.log_keys import DEMO_LOG_KEY, LogKey, log_key_from_env
from discretion.store.models import Disclosure
from discretion.store.schema import upgrade
from tests.conftest import TEST_LOG_KEY
from tests.services.test_log import _fill, _verify

MIGRATIONS = Path(__file__).parents[2] / "src" / "discretion" / "store" / "migrations"


def _entries(context: Context) -> int:
    with context.transaction() as session:
        return session.execute(select(func.count()).select_from(Disclosure)).scalar_one()


def test_append_without_a_key_is_refused_outside_the_demo(
    sample: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCRETION_LOG_KEY")
    monkeypatch.delenv("DISCRETION_DEMO", raising=False)
    keyless = open_context(sample.store.url)
    try:
        assert keyless.log_key is None
        with pytest.raises(LogKeyMissingError) as refused:
            _fill(keyless, 1)
    finally:
        keyless.close()
    message = str(refused.value)
    assert "set DISCRETION_LOG_KEY" in message and "\n" not in message
    assert _entries(sample) == 0


def test_the_demo_key_keys_the_log_on_the_demo(
    sample: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCRETION_LOG_KEY")
    monkeypatch.setenv("DISCRETION_DEMO", "1")
    demo = open_context(sample.store.url)
    try:
        assert demo.log_key is not None and demo.log_key.key_id == LogKey(DEMO_LOG_KEY).key_id
        _fill(demo, 3)
        assert _verify(demo).ok and _verify(demo).entries == 3
    finally:
        demo.close()
    # checked under the test key instead, the three entries are another key's, said once
    (problem,) = _verify(sample).problems
    assert (problem.seq, problem.kind) == (1, "other_key")
    assert problem.message.startswith("entries 1 to 3 were keyed with key `")


def test_an_explicit_key_wins_over_the_environment(sample: Context) -> None:
    other = LogKey("another-key-that-is-long-enough-for-the-log")
    context = open_context(sample.store.url, log_key=other)
    try:
        assert context.log_key is other
        with context.transaction() as session:
            assert session.info["log_key"] is other
    finally:
        context.close()


def test_keys_are_derived_from_the_secret_alone() -> None:
    first, again = LogKey(TEST_LOG_KEY), LogKey(TEST_LOG_KEY)
    other = LogKey(TEST_LOG_KEY + "!")
    assert first.key_id == again.key_id and first.public_key_pem() == again.public_key_pem()
    assert first.mac(b"x") == again.mac(b"x") != other.mac(b"x")
    assert first.key_id != other.key_id and len(first.key_id) == 16
    assert TEST_LOG_KEY not in repr(first) and first.key_id in repr(first)
    assert first.public_key_pem().startswith("-----BEGIN PUBLIC KEY-----")


def test_a_short_or_blank_key_is_not_a_key() -> None:
    with pytest.raises(LogKeyMissingError, match="has 5 characters; use at least 32"):
        LogKey("short")
    assert log_key_from_env({"DISCRETION_LOG_KEY": "  "}) is None
    assert log_key_from_env({"DISCRETION_DEMO": "yes"}) is not None
    assert log_key_from_env({"DISCRETION_DEMO": "0"}) is None


def _alembic(context: Context) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["store"] = context.store
    return config


def test_entries_made_before_the_key_still_verify_and_are_reported(empty: Context) -> None:
    """Back at 0002, the old code appends two unkeyed entries; after 0004 they still verify."""
    command.downgrade(_alembic(empty), "0002")
    prev = disclosure_log.GENESIS
    with empty.transaction() as session:
        for seq in (1, 2):
            fields = [seq, now(), "u-reg", "Acme", "u-ada", ["grades"],
                      ["disclosure.outside_with_written_consent"], None]  # fmt: skip
            digest = disclosure_log.entry_hash(prev, fields)
            session.execute(
                text("INSERT INTO disclosure (seq, at, actor_id, recipient, student_id, items, "
                     "rules, purpose, prev_hash, hash) VALUES (:s, :at, 'u-reg', 'Acme', 'u-ada', "
                     "'[\"grades\"]', '[\"disclosure.outside_with_written_consent\"]', NULL, "
                     ":p, :h)"),
                {"s": seq, "at": fields[1], "p": prev, "h": digest},
            )  # fmt: skip
            session.execute(
                text("UPDATE log_head SET seq = :s, hash = :h"), {"s": seq, "h": digest}
            )
            prev = digest
    upgrade(empty.store)
    result = _verify(empty)
    assert result.ok and (result.entries, result.unkeyed) == (2, 2)
    _fill(empty, 2)
    result = _verify(empty)
    assert result.ok and (result.entries, result.unkeyed) == (4, 2)
    with empty.transaction() as session:
        kinds = [e.scheme for e in disclosure_log.entries_after(session, 0, 10)]
    assert kinds == ["sha256", "sha256", "hmac-sha256", "hmac-sha256"]
