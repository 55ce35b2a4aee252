"""Signed checkpoints: made on a sound log only, checkable with the public key alone."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import func, select, text

from discretion.services import ConflictError, Context, InvalidRequestError, disclosure_log
from discretion.services.checkpoints import Checkpoint, parse, sign, signature_holds, stored
from discretion.services.log_keys import LogKey
from discretion.store.models import LogCheckpoint
from tests.services.test_log import _fill, _unguard

OTHER = LogKey("the-key-of-another-deployment-entirely-0123456789")


def _make(context: Context) -> Checkpoint:
    with context.transaction() as session:
        made, witnesses = disclosure_log.make_checkpoint(session)
    assert witnesses == 0  # the sample has no webhooks
    return made


def _problems(context: Context, checkpoint: Checkpoint) -> set[tuple[int, str]]:
    with context.transaction() as session:
        result = disclosure_log.verify(session, checkpoint)
    return {(p.seq, p.kind) for p in result.problems}


def test_a_checkpoint_signs_the_head_and_is_stored(sample: Context) -> None:
    _fill(sample, 3)
    made = _make(sample)
    with sample.transaction() as session:
        last = disclosure_log.entries_after(session, 2, 1)[0]
        assert stored(session) == [made]
    assert sample.log_key is not None
    assert (made.seq, made.hash, made.key_id) == (3, last.hash, sample.log_key.key_id)
    assert signature_holds(made, sample.log_key.public_key)
    assert _problems(sample, made) == set()
    assert parse(json.loads(json.dumps(made.to_json()))) == made


def test_anyone_checks_a_checkpoint_with_the_public_key_alone(sample: Context) -> None:
    """Another system follows the documented message format, with no code of ours."""
    _fill(sample, 2)
    kept = _make(sample).to_json()
    assert sample.log_key is not None
    public = load_pem_public_key(sample.log_key.public_key_pem().encode())
    assert isinstance(public, Ed25519PublicKey)
    fields = {name: kept[name] for name in ("seq", "hash", "at", "key_id")}
    message = (
        b"discretion-log-checkpoint-v1\n"
        + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    )
    public.verify(bytes.fromhex(kept["signature"]), message)  # raises if it does not hold


def _flip(hex_text: str) -> str:
    return ("1" if hex_text[0] == "0" else "0") + hex_text[1:]


TAMPERING = {
    "seq": lambda c: replace(c, seq=c.seq - 1),
    "hash": lambda c: replace(c, hash=_flip(c.hash)),
    "at": lambda c: replace(c, at=c.at + timedelta(seconds=1)),
    "signature": lambda c: replace(c, signature=_flip(c.signature)),
}


@pytest.mark.parametrize("field", TAMPERING)
def test_a_tampered_checkpoint_is_found(sample: Context, field: str) -> None:
    _fill(sample, 3)
    tampered = TAMPERING[field](_make(sample))
    assert _problems(sample, tampered) == {(tampered.seq, "checkpoint")}


def test_a_checkpoint_of_another_key_is_refused(sample: Context) -> None:
    _fill(sample, 3)
    made = _make(sample)
    foreign = sign(OTHER, made.seq, made.hash, made.at)
    with sample.transaction() as session:
        (problem,) = disclosure_log.verify(session, foreign).problems
    assert (problem.seq, problem.kind) == (3, "checkpoint")
    assert f"signed with key `{OTHER.key_id}`, not with this log's" in problem.message
    # signed by another key but claiming this log's key id: the signature does not hold
    posing = replace(foreign, key_id=made.key_id)
    assert _problems(sample, posing) == {(3, "checkpoint")}


def test_no_checkpoint_vouches_for_a_tampered_log(sample: Context) -> None:
    _fill(sample, 3)
    _unguard(sample)
    with sample.transaction() as session:
        session.execute(text("UPDATE disclosure SET purpose = 'other' WHERE seq = 2"))
    with pytest.raises(ConflictError, match=r"fails verification at entry 2 \(edited\)"):
        _make(sample)
    with sample.transaction() as session:
        assert session.scalar(select(func.count()).select_from(LogCheckpoint)) == 0


def test_the_empty_log_has_a_checkpoint_too(sample: Context) -> None:
    made = _make(sample)
    assert (made.seq, made.hash) == (0, disclosure_log.GENESIS)
    assert _problems(sample, made) == set()
    _fill(sample, 2)
    assert _problems(sample, made) == set()


def test_a_forged_stored_checkpoint_is_found(sample: Context) -> None:
    _fill(sample, 2)
    made = _make(sample)
    with sample.transaction() as session:
        session.add(LogCheckpoint(seq=1, hash=made.hash, at=made.at, key_id=made.key_id,
                                  signature=made.signature))  # fmt: skip
    with sample.transaction() as session:
        result = disclosure_log.verify(session)
    assert {(p.seq, p.kind) for p in result.problems} == {(1, "checkpoint")}


def _bad(**changes: Any) -> dict[str, Any]:
    good = {"seq": 3, "hash": "a" * 64, "at": "2026-12-02T10:00:00+00:00", "key_id": "b" * 16,
            "signature": "c" * 128}  # fmt: skip
    return {**good, **changes}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a checkpoint is a JSON object"),
        ({k: v for k, v in _bad().items() if k != "seq"}, "a checkpoint needs `seq` (int)"),
        (_bad(seq=True), "a checkpoint needs `seq` (int)"),
        (_bad(seq=-1), "a checkpoint's `seq` is 0 or more, not `-1`"),
        (_bad(hash="xyz"), "a checkpoint's `hash` is 64 lowercase hex digits, not `xyz`"),
        (_bad(signature=None), "a checkpoint needs `signature` (str)"),
        (_bad(at="yesterday"), "a checkpoint's `at` is an ISO 8601 time with offset"),
        (_bad(at="2026-12-02T10:00:00"), "a checkpoint's `at` is an ISO 8601 time with offset"),
    ],
)
def test_a_malformed_checkpoint_is_refused_with_the_fix(data: Any, message: str) -> None:
    with pytest.raises(InvalidRequestError) as refused:
        parse(data)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)
