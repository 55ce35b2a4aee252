"""The schema: migrations match the tables, unmigrated stores are refused, the log appends only.

The log's head is never removed and moves one recorded entry forward at a time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from discretion.services import (
    Context,
    NoDatabaseError,
    NotMigratedError,
    StoreError,
    disclosure_log,
    open_context,
)
from discretion.store import Store
from discretion.store.models import Base, Person
from discretion.store.schema import _config, current_revision, head_revision, upgrade

# Alembic cannot compare an expression index (ix_person_full_name, ix_person_preferred_name):
# each database writes the expression its own way. They are left out here; the lookup tests
# show they exist and are used.
EXPRESSION_INDEXES = {"ix_person_full_name", "ix_person_preferred_name"}


def _comparable(obj: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
    return not (kind == "index" and name in EXPRESSION_INDEXES)


@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_migrations_build_exactly_the_tables(empty: Context) -> None:
    with empty.store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _comparable})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(empty.store) == head_revision()


def test_an_unmigrated_database_is_refused_with_the_fix(tmp_path: Path) -> None:
    url, head = f"sqlite:///{tmp_path / 'new.sqlite3'}", head_revision()
    with pytest.raises(NotMigratedError) as empty:
        open_context(url)
    assert str(empty.value) == (
        f"the database {url} has not been set up yet (it holds no tables); "
        "run `discretion db upgrade`, then `discretion demo` (a made-up campus) or "
        "`discretion import FOLDER` (your roster); or point at another database with "
        "--database URL or DISCRETION_DATABASE_URL"
    )
    context = open_context(url, migrated=False)
    assert [m.revision for m in upgrade(context.store, "0001")] == ["0001"]
    with pytest.raises(NotMigratedError) as old:
        open_context(url)
    assert str(old.value) == (
        f"the database {url} was set up by an older version of Discretion "
        f"(it is at migration 0001, not {head}); "
        "run `discretion db upgrade` to update it (its records are kept)"
    )
    applied = context.upgrade()
    assert applied[0].revision == "0002" and applied[-1].revision == head
    assert applied[0].description.startswith("The service: API tokens")
    assert context.upgrade() == []
    context.close()
    open_context(url).close()


def test_a_database_from_a_newer_version_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    context = open_context(url, migrated=False)
    context.upgrade()
    with context.store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    context.close()
    with pytest.raises(NotMigratedError, match="set up by a newer version of Discretion"):
        open_context(url)


def test_a_store_not_to_be_created_makes_no_file_nor_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'missing.sqlite3'}"
    with pytest.raises(NoDatabaseError) as error:
        open_context(url, create=False)
    assert error.value.path == str(tmp_path / "var" / "missing.sqlite3")
    assert "(it has not been created yet); run `discretion db upgrade` to create it" in str(
        error.value
    )
    assert isinstance(error.value, NotMigratedError)
    assert list(tmp_path.iterdir()) == []
    Store(url).dispose()  # made by default, as `db upgrade` needs
    assert (tmp_path / "var").is_dir()


def test_a_bad_url_says_what_to_write() -> None:
    with pytest.raises(StoreError, match="cannot read the database URL `nonsense`"):
        Store("nonsense")
    with pytest.raises(StoreError, match="unsupported database `mysql`"):
        Store("mysql://localhost/x")


def test_timestamps_come_back_aware_and_in_utc(empty: Context) -> None:
    from discretion.store.models import Change

    moment = datetime(2026, 11, 28, 12, 30, 15, 123456, tzinfo=UTC)
    with empty.transaction() as session:
        session.add(Change(at=moment, actor="a", action="x", entity="e", entity_id="1"))
    with empty.transaction() as session:
        (change,) = session.query(Change).all()
        assert change.at == moment and change.at.tzinfo is not None
    with pytest.raises(Exception, match="timezone-aware"), empty.transaction() as session:
        session.add(
            Change(at=datetime(2026, 1, 1), actor="a", action="x", entity="e", entity_id="2")
        )


def test_a_transaction_writes_all_or_nothing(empty: Context) -> None:
    with pytest.raises(RuntimeError), empty.transaction() as session:
        session.add(Person(id="p1", kind="student", given_name="A", family_name="B"))
        session.flush()
        raise RuntimeError("interrupted")
    with empty.transaction() as session:
        assert session.get(Person, "p1") is None


@pytest.mark.parametrize(
    "statement", ["UPDATE disclosure SET recipient = 'x'", "DELETE FROM disclosure"]
)
def test_the_disclosure_log_refuses_changes(empty: Context, statement: str) -> None:
    insert = (
        "INSERT INTO disclosure (seq, at, actor_id, recipient, student_id, items, rules, "
        "prev_hash, hash) VALUES (1, '2026-01-01 00:00:00', 'a', 'b', 'c', '[]', '[]', 'p', 'h')"
    )
    with empty.transaction() as session:
        session.execute(text(insert))
    with pytest.raises(DBAPIError, match="append-only"), empty.transaction() as session:
        session.execute(text(statement))


@pytest.mark.parametrize(
    "statement", ["UPDATE access_journal SET shown = '[]'", "DELETE FROM access_journal"]
)
def test_the_access_journal_refuses_changes(empty: Context, statement: str) -> None:
    insert = (
        "INSERT INTO access_journal (at, reader_id, via, door, student_id, shown) "
        "VALUES ('2026-01-01 00:00:00', 'a', 'token', 'api', 'c', '[\"name\"]')"
    )
    with empty.transaction() as session:
        session.execute(text(insert))
    with pytest.raises(DBAPIError, match="append-only"), empty.transaction() as session:
        session.execute(text(statement))


@pytest.mark.parametrize(
    ("given", "family", "index"),
    [
        (Person.given_name, Person.family_name, "ix_person_full_name"),
        (Person.preferred_given_name, Person.preferred_family_name, "ix_person_preferred_name"),
    ],
    ids=["legal", "preferred"],
)
def test_the_full_name_lookup_uses_its_index(
    empty: Context, given: Any, family: Any, index: str
) -> None:
    from discretion.store.models import full_name_key

    query = select(Person.id).where(full_name_key(given, family) == "ada lovelace")
    with empty.transaction() as session:
        if empty.store.dialect == "postgresql":
            session.execute(text("SET LOCAL enable_seqscan = off"))
            prefix = "EXPLAIN "
        else:
            prefix = "EXPLAIN QUERY PLAN "
        compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row) for row in session.execute(text(prefix + str(compiled))))
    assert index in plan, plan


def _two_entries(context: Context) -> None:
    with context.transaction() as session:
        for purpose in ("one", "two"):
            disclosure_log.append(session, actor_id="a", recipient="b", student_id="c",
                                  items=["grades"], rules=["r"], purpose=purpose)  # fmt: skip


def _head(context: Context) -> tuple[int, str]:
    with context.transaction() as session:
        seq, digest = session.execute(text("SELECT seq, hash FROM log_head")).one()
    return int(seq), str(digest)


# the next entry, appended by hand (inserts are allowed): it follows entry 2, its hash is made up
NEXT = (
    "INSERT INTO disclosure SELECT {seq}, at, actor_id, recipient, student_id, items, rules, "
    "purpose, hash, '{digest}', scheme, key_id FROM disclosure WHERE seq = {seq} - 1"
)
HEAD_MOVES = "the disclosure log's head only moves one recorded entry forward"


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("DELETE FROM log_head", "the disclosure log's head is never added or removed"),
        ("INSERT INTO log_head (id, seq, hash) VALUES (2, 0, 'x')", "never added or removed"),
        ("UPDATE log_head SET seq = 1, hash = (SELECT hash FROM disclosure WHERE seq = 1)",
         HEAD_MOVES),  # back
        ("UPDATE log_head SET seq = 2", HEAD_MOVES),  # stays
        ("UPDATE log_head SET seq = 3, hash = '" + "f" * 64 + "'", HEAD_MOVES),  # to no entry
        ("UPDATE log_head SET id = 5", HEAD_MOVES),
    ],
)  # fmt: skip
def test_the_log_head_is_never_removed_nor_moved_back(
    empty: Context, statement: str, message: str
) -> None:
    _two_entries(empty)
    before = _head(empty)
    with pytest.raises(DBAPIError, match=message), empty.transaction() as session:
        session.execute(text(statement))
    assert _head(empty) == before


def test_the_log_head_moves_one_recorded_entry_forward_only(empty: Context) -> None:
    _two_entries(empty)
    with empty.transaction() as session:
        session.execute(text(NEXT.format(seq=3, digest="3" * 64)))
        session.execute(text(NEXT.format(seq=4, digest="4" * 64)))
    for seq, digest in ((4, "4" * 64), (3, "f" * 64)):  # a jump; a step to a hash not entry 3's
        with pytest.raises(DBAPIError, match=HEAD_MOVES), empty.transaction() as session:
            session.execute(text(f"UPDATE log_head SET seq = {seq}, hash = '{digest}'"))
    with empty.transaction() as session:  # one step onto entry 3 as recorded: allowed
        session.execute(text(f"UPDATE log_head SET seq = 3, hash = '{'3' * 64}'"))
    assert _head(empty) == (3, "3" * 64)


@pytest.mark.parametrize(
    "statement", ["UPDATE log_checkpoint SET seq = 0", "DELETE FROM log_checkpoint"]
)
def test_stored_checkpoints_refuse_changes(empty: Context, statement: str) -> None:
    _two_entries(empty)
    with empty.transaction() as session:
        disclosure_log.make_checkpoint(session)
    with pytest.raises(DBAPIError, match="append-only"), empty.transaction() as session:
        session.execute(text(statement))


_REQUEST = (
    "INSERT INTO access_request (student_id, method, received_at, recorded_by, state, "
    "ended_at, ended_by, reason) VALUES ('p1', {values})"
)


@pytest.mark.parametrize(
    "values",
    [
        "'verbal', '2026-01-01 00:00:00', 'a', 'open', NULL, NULL, NULL",  # spoken
        "'paper', '2026-01-01 00:00:00', 'a', 'lost', NULL, NULL, NULL",  # no such state
        "'paper', '2026-01-01 00:00:00', 'a', 'fulfilled', NULL, NULL, NULL",  # ended by no one
        "'paper', '2026-01-01 00:00:00', 'a', 'open', '2026-01-02 00:00:00', 'a', NULL",
        "'paper', '2026-01-01 00:00:00', 'a', 'refused', '2026-01-02 00:00:00', 'a', NULL",
    ],
)
def test_an_access_request_in_no_possible_state_is_refused(empty: Context, values: str) -> None:
    with empty.transaction() as session:
        session.add(Person(id="p1", kind="student", given_name="A", family_name="B"))
    with pytest.raises(DBAPIError, match="(?i)check"), empty.transaction() as session:
        session.execute(text(_REQUEST.format(values=values)))


def test_the_access_request_migration_goes_down_and_up_again(empty: Context) -> None:
    upgrade_to = head_revision()
    command.downgrade(_config(empty.store), "0005")
    assert current_revision(empty.store) == "0005"
    upgrade(empty.store, upgrade_to)
    assert current_revision(empty.store) == upgrade_to


def test_the_preferred_names_migration_goes_down_and_up_again(empty: Context) -> None:
    command.downgrade(_config(empty.store), "0007")
    with empty.store.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("person")}
    assert "pronouns" not in columns and "given_name" in columns
    upgrade(empty.store, head_revision())
    assert current_revision(empty.store) == head_revision() == "0008"
    names = (
        "SELECT indexname FROM pg_indexes WHERE tablename = 'person'"
        if empty.store.dialect == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'person'"
    )
    with empty.transaction() as session:  # going down kept the legal name's index
        indexes = set(session.scalars(text(names)))
    assert {"ix_person_full_name", "ix_person_preferred_name"} <= indexes
