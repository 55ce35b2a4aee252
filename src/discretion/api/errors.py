"""One error shape for every 4xx and 5xx: ``{"error": {"code", "message", "details"}}``.

Messages say what was wrong and how to fix it; none carries a stack trace,
a value from a student's record, or the database driver's text. A database
that does not answer (down, unreachable, locked by another process) gives
503 ``unavailable`` with ``Retry-After`` on every route.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from discretion.services import (
    ConflictError,
    DiscretionError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    NotMigratedError,
    RefusedError,
)
from discretion.services.availability import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE,
    unavailable_message,
)

__all__ = ["ApiError", "error_body", "install"]

log = logging.getLogger("discretion.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}


class ApiError(Exception):
    """An error a route raises on purpose."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details or {}, headers


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the error shape."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _answer(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _path(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


def _refused(error: RefusedError) -> dict[str, Any]:
    ruling = error.ruling
    return {
        "decision": ruling.decision.value,
        "rules": [reason.rule for reason in ruling.reasons],
        "remedy": ruling.remedy,
    }


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the error shape."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return _answer(error.status, error.code, error.message, error.details, error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            {"path": _path(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
            for e in error.errors()
        ]
        first = fields[0] if fields else {"path": "", "message": "invalid"}
        message = f"invalid request at `{first['path']}`: {first['message']}"
        return _answer(422, "validation_error", message, {"fields": fields})

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "error")
        message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
        headers = dict(error.headers) if error.headers else None
        return _answer(error.status_code, code, message, headers=headers)

    @app.exception_handler(DiscretionError)
    async def service_error(request: Request, error: DiscretionError) -> JSONResponse:
        if isinstance(error, NotFoundError):
            return _answer(404, "not_found", str(error))
        if isinstance(error, ConflictError):
            return _answer(409, "conflict", str(error))
        if isinstance(error, ForbiddenError):
            return _answer(403, "forbidden", str(error))
        if isinstance(error, RefusedError):
            return _answer(403, "refused", str(error), _refused(error))
        if isinstance(error, NotMigratedError):
            return _answer(503, "not_migrated", str(error))
        if isinstance(error, InvalidRequestError):
            return _answer(400, "invalid_request", str(error))
        return _answer(422, "invalid_question", str(error))

    @app.exception_handler(DataError)
    async def unstorable(request: Request, error: DataError) -> JSONResponse:
        # e.g. a NUL character or a number too large for the database
        message = "a value in the request cannot be stored or looked up; check ids and text"
        return _answer(400, "invalid_request", message)

    async def unavailable(request: Request, error: Exception) -> JSONResponse:
        # the driver's text may name hosts and users: the log and the answer name the kind only
        log.warning("the database is not answering: %s", type(error).__name__)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return _answer(503, "unavailable", unavailable_message(error), headers=headers)

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, unavailable)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        # the log names the failure, never the request body (it may hold student data)
        log.error("%s %s failed: %s", request.method, request.url.path, type(error).__name__)
        return _answer(500, "internal", "something went wrong on our side; it was logged")
