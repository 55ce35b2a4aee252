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


# What to do once a database exists but holds nothing, and how to use another one instead.
FILL_IT = "then `discretion demo` (a made-up campus) or `discretion import FOLDER` (your roster)"
ELSEWHERE = "or point at another database with --database URL or DISCRETION_DATABASE_URL"


class NoDatabaseError(NotMigratedError):
    """No SQLite file where the URL points, and none was to be created.

    Args:
        path: the file looked for.
        is_default: the path is the default one (``var/discretion.sqlite3`` under the
            current folder): no URL was given, so the command may be running elsewhere
            than in the project's folder.
    """

    def __init__(self, path: str, *, is_default: bool = False) -> None:
        self.path = path
        self.is_default = is_default
        if is_default:
            message = (
                f"no Discretion database in this folder (looked for {path}); run the command "
                "from the project's folder, or set DISCRETION_DATABASE_URL or --database URL; "
                f"to start one here, run `discretion db upgrade`, {FILL_IT}"
            )
        else:
            message = (
                f"no Discretion database at {path} (it has not been created yet); "
                f"run `discretion db upgrade` to create it, {FILL_IT}; {ELSEWHERE}"
            )
        super().__init__(message)
