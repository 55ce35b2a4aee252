"""Errors of the store.

DiscretionError (policy.errors)
└── StoreError                 the database cannot be used as asked
    └── NotMigratedError       the schema is missing or behind the migrations
        └── NoDatabaseError    no SQLite file where the URL points, and none to be made
"""

from __future__ import annotations

from discretion.policy.errors import DiscretionError

__all__ = ["NoDatabaseError", "NotMigratedError", "StoreError"]


class StoreError(DiscretionError):
    """The database cannot be used as asked."""


class NotMigratedError(StoreError):
    """The schema is missing or behind the migrations."""


class NoDatabaseError(NotMigratedError):
    """No SQLite file where the URL points, and none was to be created."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"no database at {path}; run `discretion db upgrade` to create it")
