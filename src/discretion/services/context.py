"""What every use case needs: the store, the institution profile and the disclosure log's key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from discretion.policy import Profile, load_profile
from discretion.services.errors import InvalidRequestError
from discretion.services.log_keys import LogKey, log_key_from_env
from discretion.store import Store
from discretion.store.schema import Migration, current_revision, require_migrated, upgrade

__all__ = ["Context", "now", "open_context", "parse_moment"]


def now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def parse_moment(text: str) -> datetime:
    """Read a date or timestamp (ISO 8601; UTC when it names no offset), in UTC.

    Raises:
        InvalidRequestError: the text is not one, or its offset takes it past
            the years 1 to 9999 in UTC (where the store keeps it).
    """
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequestError(
            f"`{text}` is not a date; write YYYY-MM-DD, e.g. 2027-06-30"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InvalidRequestError(
            f"`{text}` is outside the years 1 to 9999 in UTC; give a date in between"
        ) from None


@dataclass
class Context:
    """The store, profile and log key the services work with (no key: the log is read-only)."""

    store: Store
    profile: Profile
    log_key: LogKey | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session; everything done in it commits together or not at all.

        The session carries the log key in ``session.info["log_key"]``, where the
        disclosure log finds it.
        """
        with self.store.transaction() as session:
            session.info["log_key"] = self.log_key
            yield session

    def check_ready(self) -> None:
        """Raise unless the database answers and is at the newest migration.

        Raises:
            NotMigratedError: the schema is missing or old.
            sqlalchemy.exc.OperationalError: the database does not answer.
        """
        require_migrated(self.store)

    def upgrade(self) -> list[Migration]:
        """Apply the store's migrations; return those applied, oldest first."""
        return upgrade(self.store)

    def revision(self) -> str | None:
        """Return the migration the database is at (None: never set up)."""
        return current_revision(self.store)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.dispose()


def open_context(
    url: str | None = None,
    profile: str = "mit",
    *,
    migrated: bool = True,
    log_key: LogKey | None = None,
    create: bool = True,
) -> Context:
    """Open the store at ``url`` (``$DISCRETION_DATABASE_URL`` by default).

    Args:
        url: the database URL.
        profile: the institution profile's name or path.
        migrated: refuse a database that is not at the newest migration.
        log_key: the disclosure log's key; by default ``$DISCRETION_LOG_KEY``'s (or the
            demo key with ``DISCRETION_DEMO=1``), and none when neither is set.
        create: make an SQLite file that is missing (for commands that fill it).

    Raises:
        NoDatabaseError: not ``create``, and there is no SQLite file at the URL.
        NotMigratedError: ``migrated`` and the schema is missing or old.
        LogKeyMissingError: DISCRETION_LOG_KEY is set but too short.
    """
    key = log_key if log_key is not None else log_key_from_env()
    context = Context(Store(url, create=create), load_profile(profile), key)
    if migrated:
        try:
            require_migrated(context.store)
        except Exception:
            context.close()
            raise
    return context
