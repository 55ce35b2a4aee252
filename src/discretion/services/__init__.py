"""Use cases: the store's facts put to the policy, and its rulings enforced."""

from discretion.policy.errors import DiscretionError, InvalidQuestionError, MalformedJsonError
from discretion.policy.jsontext import load_json
from discretion.services.context import Context, open_context
from discretion.services.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    LogKeyMissingError,
    NotFoundError,
    RefusedError,
    ServiceError,
)
from discretion.store.errors import NoDatabaseError, NotMigratedError, StoreError

__all__ = [
    "ConflictError",
    "Context",
    "DiscretionError",
    "ForbiddenError",
    "InvalidQuestionError",
    "InvalidRequestError",
    "LogKeyMissingError",
    "MalformedJsonError",
    "NoDatabaseError",
    "NotFoundError",
    "NotMigratedError",
    "RefusedError",
    "ServiceError",
    "StoreError",
    "load_json",
    "open_context",
]
