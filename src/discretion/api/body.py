"""The request body, checked before anything else reads it.

A body larger than the limit is refused with 413 (at once, before reading,
when its declared length is already too large); a body that is not UTF-8,
not JSON, nested deeper than ``MAX_DEPTH`` or with a key twice in one object
is refused with 400. Every route that takes a body takes JSON, so this runs
for all of them, ahead of sign-in: nobody can make a worker read or parse
more than the limit. The parsed value is kept in the request's state
(``scope["state"]["json"]``) for routes that read the body themselves.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from discretion.api.errors import error_body

__all__ = ["MAX_DEPTH", "BadBody", "BodyGuard", "parse_body"]

MAX_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]")


class BadBody(ValueError):
    """A body that is not one JSON value we take: the message says what is wrong."""


def _depth(body: bytes) -> int:
    """Return how deep the brackets of a JSON text nest, strings left out (no recursion)."""
    brackets = _NOT_BRACKETS.sub(b"", _STRINGS.sub(b"", body))
    depth = deepest = 0
    for bracket in brackets:
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise BadBody(f"the key `{key}` appears twice in one object; send it once")
        found[key] = value
    return found


def parse_body(body: bytes) -> Any:
    """Return the JSON value of a body.

    Raises:
        BadBody: not UTF-8, not JSON, too deep, or a key repeated in an object.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadBody(f"the body is not UTF-8 (byte {error.start}); send UTF-8 JSON") from None
    if _depth(body) > MAX_DEPTH:
        raise BadBody(f"the body nests deeper than {MAX_DEPTH} levels; flatten it")
    try:
        return json.loads(text, object_pairs_hook=_unique)
    except json.JSONDecodeError as error:
        raise BadBody(
            f"the body is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


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
        if body:
            try:
                scope.setdefault("state", {})["json"] = parse_body(body)
            except BadBody as error:
                await self._refuse(send, 400, "bad_request", str(error))
                return
        await self.app(scope, _replay([body], None, receive), send)


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
