"""The disclosure log: appends chain, verification finds tampering, writers never fork the chain."""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import func, select, text

from discretion.services import Context, disclosure_log
from discretion.store.models import Disclosure
from tests.services.log_writer import append_many


def _fill(context: Context, count: int) -> None:
    with context.transaction() as session:
        for index in range(count):
            disclosure_log.append(
                session,
                actor_id="u-reg",
                recipient="Acme Corporation",
                student_id="u-ada" if index % 2 else "u-alan",
                items=["grades"],
                rules=["disclosure.outside_with_written_consent"],
                purpose="summer internship",
            )


GUARDS = {
    "postgresql": ["disclosure_append_only ON disclosure", "log_head_forward ON log_head",
                   "log_head_fixed ON log_head", "log_checkpoint_append_only ON log_checkpoint"],
    "sqlite": ["disclosure_no_update", "disclosure_no_delete", "log_head_forward",
               "log_head_no_insert", "log_head_no_delete", "log_checkpoint_no_update",
               "log_checkpoint_no_delete"],
}  # fmt: skip


def _unguard(context: Context) -> None:
    """Remove the log's triggers, as someone with the database's keys could."""
    with context.transaction() as session:
        for trigger in GUARDS[context.store.dialect]:
            session.execute(text(f"DROP TRIGGER {trigger}"))


def _verify(context: Context) -> disclosure_log.Verification:
    with context.transaction() as session:
        return disclosure_log.verify(session)


def test_an_untouched_log_verifies(sample: Context) -> None:
    assert _verify(sample).ok and _verify(sample).entries == 0
    _fill(sample, 5)
    result = _verify(sample)
    assert result.ok and result.entries == 5


def test_each_student_sees_their_own_entries_and_exports_them(sample: Context) -> None:
    _fill(sample, 5)
    with sample.transaction() as session:
        ada = disclosure_log.entries_for(session, "u-ada")
    assert [e.seq for e in ada] == [2, 4]
    rows = disclosure_log.to_csv(ada).splitlines()
    assert rows[0] == "seq,at,actor_id,recipient,student_id,items,rules,purpose,prev_hash,hash"
    assert rows[1].startswith("2,") and ",Acme Corporation,u-ada,grades," in rows[1]
    assert json.loads(json.dumps([e.to_json() for e in ada]))[1]["seq"] == 4
    assert all("value" not in e.to_json() for e in ada)  # names items, never their values


TAMPERING = [
    ("edited", "UPDATE disclosure SET recipient = 'Someone Else' WHERE seq = 3", 3, "edited"),
    ("edited_items", "UPDATE disclosure SET items = '[\"grades\", \"ssn\"]' WHERE seq = 2", 2,
     "edited"),
    ("deleted", "DELETE FROM disclosure WHERE seq = 4", 4, "missing"),
    ("deleted_last", "DELETE FROM disclosure WHERE seq = 6", 6, "missing"),
    ("reordered", "UPDATE disclosure SET seq = 100 WHERE seq = 2; UPDATE disclosure SET seq = 2 "
     "WHERE seq = 3; UPDATE disclosure SET seq = 3 WHERE seq = 100", 2, "out_of_place"),
    ("inserted", "INSERT INTO disclosure SELECT 7, at, actor_id, recipient, student_id, items, "
     "rules, purpose, hash, hash, scheme, key_id FROM disclosure WHERE seq = 6", 7, "unrecorded"),
    ("inserted_between", "UPDATE disclosure SET seq = seq + 1 WHERE seq = 6; UPDATE disclosure "
     "SET seq = seq + 1 WHERE seq = 5; INSERT INTO disclosure SELECT 5, at, actor_id, recipient, "
     "student_id, items, rules, purpose, prev_hash, hash, scheme, key_id FROM disclosure "
     "WHERE seq = 4", 5, "out_of_place"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "statement", "seq", "kind"), TAMPERING, ids=[t[0] for t in TAMPERING]
)
def test_verification_finds_tampering_and_says_where(
    sample: Context, case: str, statement: str, seq: int, kind: str
) -> None:
    _fill(sample, 6)
    _unguard(sample)
    with sample.transaction() as session:
        for part in statement.split("; "):
            session.execute(text(part))
    result = _verify(sample)
    assert not result.ok
    found = {(p.seq, p.kind) for p in result.problems}
    assert (seq, kind) in found, result.problems


def _spawn(context: Context, workers: int, count: int) -> int:
    """Run the writers; verify the log again and again while they append; return how often."""
    spawn, url, checks = multiprocessing.get_context("spawn"), context.store.url, 0
    with spawn.Pool(workers) as pool:
        args = [(url, f"worker-{n}", count) for n in range(workers)]
        done = pool.starmap_async(append_many, args)
        while checks < 10 and not done.ready():
            result = _verify(context)  # appends commit meanwhile: none may look like tampering
            assert result.ok, result.problems
            checks += 1
            done.wait(0.5)
        # a guard against a hung pool, not a measure of speed (that is bench/store.py's)
        assert done.get(timeout=600) == [count] * workers
    return checks


def test_concurrent_writers_keep_one_valid_chain(empty: Context) -> None:
    """4 processes x 2,000 appends on PostgreSQL (x 250 on SQLite, which writes one at a time)."""
    count = 2_000 if empty.store.dialect == "postgresql" else 250
    assert _spawn(empty, 4, count) > 0
    with empty.transaction() as session:
        total = session.execute(select(func.count()).select_from(Disclosure)).scalar_one()
        per_worker = Counter(session.scalars(select(Disclosure.actor_id)))
        seqs = list(session.scalars(select(Disclosure.seq).order_by(Disclosure.seq)))
    assert total == 4 * count
    assert per_worker == {f"worker-{n}": count for n in range(4)}
    assert seqs == list(range(1, 4 * count + 1))
    result = _verify(empty)
    assert result.ok and result.entries == 4 * count
