"""Review finding 7 (issue 8): the chain could be rewritten without `log verify` noticing.

Each case is done as a database writer would do it: the log's triggers dropped,
plain SQL, and hashes recomputed by a script of theirs (the plain SHA-256 the
log used before it was keyed, or an HMAC under a key that is not the log's).
The tests for (b) and (c) failed on the unkeyed chain (verify found nothing);
(a) cannot be seen without a checkpoint, and the first test says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text

from discretion.services import Context, disclosure_log
from discretion.services.checkpoints import Checkpoint, parse
from discretion.services.log_keys import LogKey
from tests.services.test_log import _fill, _unguard, _verify

Mac = Callable[[str, list[Any]], str]


def _payload(prev: str, fields: list[Any]) -> bytes:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in fields]
    return (prev + json.dumps(values, separators=(",", ":"), ensure_ascii=False)).encode()


def _plain(prev: str, fields: list[Any]) -> str:
    return hashlib.sha256(_payload(prev, fields)).hexdigest()


def _wrong_key(prev: str, fields: list[Any]) -> str:
    return hmac.new(b"a key that is not the log's", _payload(prev, fields), "sha256").hexdigest()


def _with_key(key: LogKey) -> Mac:
    return lambda prev, fields: key.mac(_payload(prev, fields))


MACS = {"plain_sha256": _plain, "wrong_key": _wrong_key}


def _rechain(context: Context, start: int, mac: Mac, scheme: str | None = None) -> None:
    """Recompute the hashes from entry ``start`` on, and set the head to the new end."""
    with context.transaction() as session:
        before = disclosure_log.entries_after(session, start - 2, 1) if start > 1 else []
        prev = before[0].hash if before else disclosure_log.GENESIS
        for e in disclosure_log.entries_after(session, start - 1, 1000):
            fields = [e.seq, e.at, e.actor_id, e.recipient, e.student_id, e.items, e.rules,
                      e.purpose]  # fmt: skip
            digest = mac(prev, fields)
            session.execute(
                text("UPDATE disclosure SET prev_hash = :p, hash = :h, scheme = :m WHERE seq = :s"),
                {"p": prev, "h": digest, "m": scheme or e.scheme, "s": e.seq},
            )
            prev, last = digest, e.seq
        session.execute(text("UPDATE log_head SET seq = :s, hash = :h WHERE id = 1"),
                        {"s": last, "h": prev})  # fmt: skip


def _found(context: Context, checkpoint: Checkpoint | None = None) -> set[tuple[int, str]]:
    with context.transaction() as session:
        result = disclosure_log.verify(session, checkpoint)
    return {(p.seq, p.kind) for p in result.problems}


def _checkpoint(context: Context) -> Checkpoint:
    """Make a checkpoint and return it as the operator keeps it: its JSON, read back."""
    with context.transaction() as session:
        made, _ = disclosure_log.make_checkpoint(session)
    return parse(json.loads(json.dumps(made.to_json())))


def _truncate(context: Context, keep: int, *, drop_stored_checkpoints: bool) -> None:
    """(a) Delete the newest entries and set the head back to the last one kept."""
    _unguard(context)
    with context.transaction() as session:
        session.execute(text("DELETE FROM disclosure WHERE seq > :k"), {"k": keep})
        session.execute(
            text(
                "UPDATE log_head SET seq = :k, hash = (SELECT hash FROM disclosure WHERE seq = :k)"
            ),
            {"k": keep},
        )
        if drop_stored_checkpoints:
            session.execute(text("DELETE FROM log_checkpoint"))


def test_a_truncation_is_unseen_without_a_checkpoint_and_found_with_one(sample: Context) -> None:
    _fill(sample, 6)
    kept = _checkpoint(sample)
    _truncate(sample, 4, drop_stored_checkpoints=True)
    # the limit, stated honestly: the rest of the chain and the head agree, nothing shows it
    assert _verify(sample).ok and _verify(sample).entries == 4
    assert _found(sample, kept) == {(5, "missing")}


def test_a_truncation_is_found_by_a_checkpoint_left_in_the_database(sample: Context) -> None:
    _fill(sample, 6)
    _checkpoint(sample)
    _truncate(sample, 4, drop_stored_checkpoints=False)
    assert _found(sample) == {(5, "missing")}


@pytest.mark.parametrize("mac", MACS.values(), ids=MACS.keys())
def test_b_an_edit_rechained_by_a_writer_is_found(sample: Context, mac: Mac) -> None:
    _fill(sample, 6)
    _unguard(sample)
    with sample.transaction() as session:
        session.execute(text("UPDATE disclosure SET recipient = 'Someone Else' WHERE seq = 3"))
    _rechain(sample, 3, mac)
    found = _found(sample)
    assert (3, "edited") in found and {kind for _, kind in found} == {"edited"}


def test_b_an_edit_rechained_as_unkeyed_entries_is_found(sample: Context) -> None:
    _fill(sample, 6)
    _unguard(sample)
    with sample.transaction() as session:
        session.execute(text("UPDATE disclosure SET recipient = 'Someone Else' WHERE seq = 3"))
    _rechain(sample, 3, _plain, scheme="sha256")  # posing as entries made before the key
    assert (3, "unkeyed") in _found(sample)


@pytest.mark.parametrize("mac", MACS.values(), ids=MACS.keys())
def test_c_a_deletion_renumbered_and_rechained_is_found(sample: Context, mac: Mac) -> None:
    _fill(sample, 6)
    _unguard(sample)
    with sample.transaction() as session:
        session.execute(text("DELETE FROM disclosure WHERE seq = 3"))
        for seq in (4, 5, 6):
            session.execute(text("UPDATE disclosure SET seq = :n WHERE seq = :s"),
                            {"n": seq - 1, "s": seq})  # fmt: skip
    _rechain(sample, 3, mac)
    found = _found(sample)
    assert (3, "edited") in found and {kind for _, kind in found} == {"edited"}


def test_a_checkpoint_catches_a_rewrite_by_someone_holding_the_key(sample: Context) -> None:
    """The key holder's rewrite verifies on its own; a checkpoint kept elsewhere exposes it."""
    assert sample.log_key is not None
    _fill(sample, 6)
    kept = _checkpoint(sample)
    _unguard(sample)
    with sample.transaction() as session:
        session.execute(text("DELETE FROM log_checkpoint"))
        session.execute(text("UPDATE disclosure SET recipient = 'Someone Else' WHERE seq = 3"))
    _rechain(sample, 3, _with_key(sample.log_key))
    assert _verify(sample).ok  # what the key allows, unless others hold a checkpoint
    assert _found(sample, kept) == {(6, "rewritten")}
