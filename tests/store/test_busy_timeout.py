"""SQLite's busy timeout: how long a command waits for another process's lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from discretion.store.db import Store
from discretion.store.errors import StoreError


def _busy_ms(store: Store) -> int:
    try:
        with store.engine.connect() as connection:
            return int(connection.execute(text("PRAGMA busy_timeout")).scalar_one())
    finally:
        store.dispose()


@pytest.mark.parametrize(
    ("variable", "given", "expected"),
    [(None, None, 30_000), ("250", None, 250), (" 0 ", None, 0), ("250", 10, 10)],
    ids=["default", "from the environment", "zero: fail at once", "the argument wins"],
)
def test_the_busy_timeout_is_configurable(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str | None,
    given: int | None,
    expected: int,
) -> None:
    if variable is None:
        monkeypatch.delenv("DISCRETION_SQLITE_BUSY_MS", raising=False)
    else:
        monkeypatch.setenv("DISCRETION_SQLITE_BUSY_MS", variable)
    store = Store(f"sqlite:///{tmp_path / 'd.sqlite3'}", busy_ms=given)
    assert _busy_ms(store) == expected


def test_a_busy_timeout_that_is_not_a_number_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCRETION_SQLITE_BUSY_MS", "30s")
    with pytest.raises(StoreError) as error:
        Store(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    assert str(error.value) == (
        "DISCRETION_SQLITE_BUSY_MS=`30s` is not a whole number of milliseconds; use e.g. 30000"
    )
