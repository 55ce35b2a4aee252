"""Benchmark the store on SQLite and PostgreSQL.

- importing a generated bundle of N students (default 100,000);
- a masked internal directory export of every student, beside a raw SELECT of
  the same columns in the same run (target: within 2x of it);
- disclosure-log appends per second (one transaction each), and verifying a
  log of 1,000,000 entries;
- public directory lookups of 1,000 students by exact full name (an indexed
  expression), beside lookups of the same students by id (the primary key)
  in the same run.

PostgreSQL runs when DISCRETION_TEST_DATABASE_URL (or --postgres) names a
server; the benchmark makes and drops its own database there.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from discretion.importers.bundle import import_bundle
from discretion.importers.demo import write_demo_bundle
from discretion.services import Context, disclosure_log, open_context
from discretion.services.directory import export, lookup
from discretion.services.principals import principal_for_person
from discretion.store.models import DirectoryValue, Disclosure, LogHead, Person


@contextmanager
def database(kind: str, postgres: str | None, folder: Path) -> Iterator[Context]:
    """Yield a fresh, migrated store of ``kind``; drop it afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.sqlite3'}"
    else:
        assert postgres is not None
        name = f"discretion_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(postgres).set(database=name).render_as_string(hide_password=False)
    context = open_context(url, migrated=False)
    context.upgrade()
    try:
        yield context
    finally:
        context.close()
        if kind == "postgresql":
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()


def best_of(runs: int, action: Callable[[], object]) -> float:
    """Return the median seconds of ``runs`` runs of ``action``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def raw_select(context: Context) -> int:
    """The baseline: every directory value, no masking."""
    with context.transaction() as session:
        rows = session.execute(
            select(DirectoryValue.student_id, DirectoryValue.item, DirectoryValue.value).order_by(
                DirectoryValue.student_id
            )
        ).yield_per(20_000)
        return sum(1 for _ in rows)


def masked_export(context: Context) -> int:
    """The masked export an official gets: the policy asked, suppressions honoured."""
    with context.transaction() as session:
        reader = principal_for_person(session, "staff-teacher-1", "bench")
        return sum(len(e.items) for e in export(session, context.profile, reader))


def _set_head(session: Session, dialect: str, seq: int, digest: str) -> None:
    """Move the log's head straight to ``seq``, as a bulk load may and an append never does.

    The head's triggers let it move one entry at a time only; the benchmark
    lifts them for this one statement (PostgreSQL: replica mode for the
    transaction; SQLite: the triggers are dropped and made again).
    """
    move = update(LogHead).where(LogHead.id == 1).values(seq=seq, hash=digest)
    if dialect == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
        session.execute(move)
        return
    guards = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'log_head'")
    ).all()
    for name, _ in guards:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    session.execute(move)
    for _, sql in guards:
        session.execute(text(sql))


def fill_log(context: Context, entries: int) -> None:
    """Write a valid keyed chain of ``entries`` entries directly (fast), for verification."""
    key = context.log_key
    assert key is not None  # INVARIANT: the benchmark runs with DISCRETION_LOG_KEY set
    prev, at = disclosure_log.GENESIS, datetime(2026, 1, 1, tzinfo=UTC)
    batch: list[dict[str, object]] = []
    with context.transaction() as session:
        for seq in range(1, entries + 1):
            moment = at + timedelta(seconds=seq)
            student = f"student-{seq % 1000:06d}"
            fields = (seq, moment, "staff-registrar-1", "Acme Robotics", student, ["grades"],
                      ["disclosure.outside_with_written_consent"], "benchmark")  # fmt: skip
            digest = disclosure_log.entry_hash(prev, fields, key)
            batch.append(dict(zip(("seq", "at", "actor_id", "recipient", "student_id", "items",
                                   "rules", "purpose"), fields, strict=True))
                         | {"prev_hash": prev, "hash": digest, "scheme": disclosure_log.KEYED,
                            "key_id": key.key_id})  # fmt: skip
            prev = digest
            if len(batch) == 20_000:
                session.execute(insert(Disclosure), batch)
                batch = []
        if batch:
            session.execute(insert(Disclosure), batch)
        _set_head(session, context.store.dialect, entries, prev)


def lookup_ms(context: Context, queries: list[str]) -> float:
    """Return the mean milliseconds of one public directory lookup, each in its transaction."""
    start = time.perf_counter()
    for query in queries:
        with context.transaction() as session:
            lookup(session, context.profile, query)
    return (time.perf_counter() - start) * 1000 / len(queries)


def sample_students(context: Context, count: int) -> tuple[list[str], list[str]]:
    """Return the ids and full names of ``count`` students spread over the store."""
    with context.transaction() as session:
        rows = session.execute(
            select(Person.id, Person.given_name, Person.family_name)
            .where(Person.kind == "student")
            .order_by(Person.id)
        ).all()
    step = max(1, len(rows) // count)
    chosen = rows[::step][:count]
    return [r[0] for r in chosen], [f"{r[1]} {r[2]}" for r in chosen]


def appends(context: Context, count: int) -> float:
    """Return appends per second, one transaction each, through the service."""
    start = time.perf_counter()
    for index in range(count):
        with context.transaction() as session:
            disclosure_log.append(session, actor_id="staff-registrar-1", recipient="Acme Robotics",
                                  student_id="student-000001", items=["grades"],
                                  rules=["disclosure.outside_with_written_consent"],
                                  purpose=f"benchmark {index}")  # fmt: skip
    return count / (time.perf_counter() - start)


def run(kind: str, postgres: str | None, bundle: Path, args: argparse.Namespace) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, database(kind, postgres, Path(tmp)) as context:
        start = time.perf_counter()
        with context.transaction() as session:
            summary = import_bundle(session, context.profile, bundle)
        seconds = time.perf_counter() - start
        values = summary.counts["directory_values"]
        rows.append(f"| {kind} | import {args.students:,} students ({values:,} directory values) "
                    f"| {seconds:.1f} s | |")  # fmt: skip
        raw_count, masked_count = raw_select(context), masked_export(context)
        raw = best_of(3, lambda: raw_select(context))
        masked = best_of(3, lambda: masked_export(context))
        rows.append(
            f"| {kind} | raw SELECT of the directory ({raw_count:,} values) | {raw:.2f} s | 1.00 |"
        )
        rows.append(f"| {kind} | masked internal export ({masked_count:,} values) | {masked:.2f} s "
                    f"| {masked / raw:.2f} |")  # fmt: skip
        fill_log(context, args.log_entries)
        with context.transaction() as session:
            start = time.perf_counter()
            result = disclosure_log.verify(session)
            seconds = time.perf_counter() - start
        assert result.ok and result.entries == args.log_entries
        rate = result.entries / seconds
        rows.append(f"| {kind} | verify a log of {result.entries:,} entries | {seconds:.1f} s "
                    f"({rate:,.0f} /s) | |")  # fmt: skip
        ids, names = sample_students(context, 1_000)
        by_id, by_name = lookup_ms(context, ids), lookup_ms(context, names)
        rows.append(f"| {kind} | public lookup by id ({len(ids):,} students) "
                    f"| {by_id:.3f} ms | 1.00 |")  # fmt: skip
        rows.append(f"| {kind} | public lookup by exact full name ({len(names):,} students) "
                    f"| {by_name:.3f} ms | {by_name / by_id:.2f} |")  # fmt: skip
        rate = appends(context, args.appends)
        rows.append(f"| {kind} | log appends, one transaction each ({args.appends:,}) "
                    f"| {rate:,.0f} /s | |")  # fmt: skip
    return rows


# the benchmark's own store is keyed like any other; this key protects nothing real
BENCH_LOG_KEY = "benchmark-log-key-not-for-real-data-0123456789"


def main() -> None:
    os.environ.setdefault("DISCRETION_LOG_KEY", BENCH_LOG_KEY)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=2_000)
    parser.add_argument("--log-entries", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("DISCRETION_TEST_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "bundle"
        start = time.perf_counter()
        write_demo_bundle(bundle, args.students, seed=2026)
        print(
            f"generated a {args.students:,}-student bundle in {time.perf_counter() - start:.1f} s"
        )
        print("| database | measure | time | × baseline |")
        print("|---|---|---:|---:|")
        kinds = ["sqlite"] + (["postgresql"] if args.postgres else [])
        for kind in kinds:
            for row in run(kind, args.postgres, bundle, args):
                print(row, flush=True)
        if not args.postgres:
            print("PostgreSQL skipped: set DISCRETION_TEST_DATABASE_URL")


if __name__ == "__main__":
    main()
