"""The records store: tables, migrations and sessions. No policy logic lives here."""

from discretion.store.db import Store, default_url
from discretion.store.errors import NoDatabaseError, NotMigratedError, StoreError

__all__ = ["NoDatabaseError", "NotMigratedError", "Store", "StoreError", "default_url"]
