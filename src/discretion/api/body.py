"""The request body, checked before anything else reads it.

A body larger than the limit is refused with 413 (at once, before reading,
when its declared length is already too large); a body the shared strict
decoder refuses (``services.load_json``: not UTF-8, not JSON, nested deeper
than 32 levels, a key twice in one object, a number that is not finite)
is refused with 400. Every API route that takes a body takes JSON, so this
runs for all of them, ahead of sign-in: nobody can make a worker read or
parse more than the limit. The parsed value is kept in the request's state
(``scope["state"]["json"]``) for routes that read the body themselves. A web
page's form (``application/x-www-form-urlencoded``) is size-checked only:
no API route reads it, they read JSON.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from discretion.api.errors import error_body
from discretion.services import MalformedJsonError, load_json

__all__ = ["BodyGuard"]

FORM = b"application/x-www-form-urlencoded"


class BodyGuard:
    """Refuses oversized and malformed bodies before the app reads them (plain ASGI)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send, status: int, code: str, message: str) -> None:
        content = json.dumps(error_body(code, message)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(content)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})

    def _too_large(self) -> str:
        return f"the body is larger than {self.max_bytes} bytes; send less"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send, 413, "too_large", self._too_large())
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, 413, "too_large", self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and not _is_form(scope):
            try:
                parsed = load_json(body, what="the body", max_bytes=self.max_bytes)
            except MalformedJsonError as error:
                await self._refuse(send, 400, "bad_request", str(error))
                return
            scope.setdefault("state", {})["json"] = parsed
        await self.app(scope, _replay([body], None, receive), send)


def _is_form(scope: Scope) -> bool:
    """Return whether the body is declared an HTML form's (the web pages' forms send these)."""
    declared: bytes = dict(scope["headers"]).get(b"content-type", b"")
    return declared.split(b";")[0].strip().lower() == FORM


def _replay(bodies: list[bytes], pending: Message | None, receive: Receive) -> Receive:
    """Return a ``receive`` that hands over the body read already, then the real one's messages."""
    queue: list[Message] = [{"type": "http.request", "body": b, "more_body": False} for b in bodies]
    if pending is not None:
        queue.append(pending)

    async def replayed() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()

    return replayed
