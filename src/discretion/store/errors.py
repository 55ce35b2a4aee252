"""Errors of the store.

DiscretionError (policy.errors)
└── StoreError                 the database cannot be used as asked
    └── NotMigratedError       the schema is missing or behind the migrations
"""

from __future__ import annotations

from discretion.policy.errors import DiscretionError

__all__ = ["NotMigratedError", "StoreError"]


class StoreError(DiscretionError):
    """The database cannot be used as asked."""


class NotMigratedError(StoreError):
    """The schema is missing or behind the migrations."""
