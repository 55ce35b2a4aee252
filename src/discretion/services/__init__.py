"""Use cases: the store's facts put to the policy, and its rulings enforced."""

from discretion.services.context import Context, open_context
from discretion.services.errors import (
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    RefusedError,
    ServiceError,
)
from discretion.store.errors import NotMigratedError, StoreError

__all__ = [
    "ConflictError",
    "Context",
    "InvalidRequestError",
    "NotFoundError",
    "NotMigratedError",
    "RefusedError",
    "ServiceError",
    "StoreError",
    "open_context",
]
