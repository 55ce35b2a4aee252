"""Reading a submitted form, and the CSRF token every form repeats."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs

from fastapi import Request

__all__ = ["CSRF_FIELD", "MAX_FORM_BYTES", "csrf_token", "is_csrf_valid", "read_form"]

CSRF_FIELD = "csrf"
MAX_FORM_BYTES = 16 * 1024  # our forms are a few fields; the app's body guard caps the rest


async def read_form(request: Request) -> dict[str, str]:
    """Return an URL-encoded form's fields (the first value of each; anything else: none)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        return {}
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def csrf_token(request: Request) -> str:
    """Return the session's CSRF token, making one for a visitor not yet signed in.

    The token is the same one the API checks in ``X-CSRF-Token``.
    """
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def is_csrf_valid(request: Request, form: dict[str, str]) -> bool:
    """Return whether the form repeats the session's CSRF token."""
    expected = request.session.get("csrf")
    sent = form.get(CSRF_FIELD, "")
    return isinstance(expected, str) and bool(expected) and hmac.compare_digest(sent, expected)
