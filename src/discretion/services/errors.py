"""Errors of the services.

DiscretionError (policy.errors)
└── ServiceError
    ├── NotFoundError        no such person, subject, consent, ...
    ├── InvalidRequestError  a request that makes no sense as given
    ├── ConflictError        a change its target's state does not allow (e.g. revoke twice)
    ├── ForbiddenError       the caller's roles do not allow the request
    ├── LogKeyMissingError   no usable DISCRETION_LOG_KEY to key or check the disclosure log
    └── RefusedError         the policy does not permit the act; carries the ruling
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discretion.policy.errors import DiscretionError

if TYPE_CHECKING:
    from discretion.policy.ruling import Ruling

__all__ = [
    "ConflictError",
    "ForbiddenError",
    "InvalidRequestError",
    "LogKeyMissingError",
    "NotFoundError",
    "RefusedError",
    "ServiceError",
]


class ServiceError(DiscretionError):
    """A use case could not be carried out."""


class NotFoundError(ServiceError):
    """No such person, subject, consent or entry."""


class InvalidRequestError(ServiceError):
    """A request that makes no sense as given."""


class ConflictError(ServiceError):
    """A change that the current state does not allow."""


class ForbiddenError(ServiceError):
    """The caller's roles do not allow the request (the policy was not even asked)."""


class LogKeyMissingError(ServiceError):
    """No usable key for the disclosure log: DISCRETION_LOG_KEY is unset (off the demo) or weak."""


class RefusedError(ServiceError):
    """The policy does not permit the act."""

    def __init__(self, message: str, ruling: Ruling) -> None:
        super().__init__(message)
        self.ruling = ruling
