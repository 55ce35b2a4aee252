"""The records store: tables, migrations and sessions. No policy logic lives here."""

from discretion.store.db import Store, default_url
from discretion.store.errors import NotMigratedError, StoreError

__all__ = ["NotMigratedError", "Store", "StoreError", "default_url"]
