"""The one strict JSON decoder for what people send: the CLI's files and the API's bodies.

``load_json`` takes UTF-8 (a byte order mark is skipped) and returns one JSON
value, or raises ``MalformedJsonError`` saying in one line what is wrong: the
text is larger than ``MAX_BYTES`` or nests deeper than ``MAX_DEPTH``, repeats
a key in one object (at any depth: which one wins would be a guess another
reader may make differently), holds a number that is not finite (``NaN``,
``Infinity``, ``1e999``) or too long to read, or a lone UTF-16 surrogate
escape (text no one can print or store). Nothing it reads recurses deeper
than ``MAX_DEPTH`` and every check is linear in the size of the text.

orjson reads first; what it returns is taken only when a walk of the value
proves it is what the strict reader would return (no float, which may have
been an integer too long for 64 bits; as many object keys as the text has
colons, so no key was repeated; no deeper than ``MAX_DEPTH``). Anything else
(an error, a float, a colon inside a string) is read again by ``json`` with
the checks above, which gives the same value or the one-line message.
"""

from __future__ import annotations

import json
import math
import re
import sys
from itertools import accumulate
from typing import Any

import orjson

from discretion.policy.errors import MalformedJsonError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "load_json"]

MAX_BYTES = 16 * 2**20
MAX_DEPTH = 32  # levels of lists and objects; a question nests three, a batch four
_BOM = "\ufeff"
# a string, possibly unterminated: so the pattern never fails and retries from a later quote
_STRINGS = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BOM_BYTES = _BOM.encode()


def _fail(what: str, problem: str) -> MalformedJsonError:
    return MalformedJsonError(f"{what} {problem}")


def _depth(text: str) -> int:
    """Return how deep the brackets of a JSON text nest, strings left out (no recursion)."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _decoder(what: str) -> json.JSONDecoder:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in pairs:
            if key in found:
                raise _fail(what, f"repeats the key `{_quoted(key)}` in one object; "
                            "give each key once")  # fmt: skip
            found[key] = value
        return found

    def not_finite(text: str) -> float:
        raise _fail(what, f"holds a number that is not finite (`{text}`); send a finite number")

    def number(text: str) -> float:
        value = float(text)
        return value if math.isfinite(value) else not_finite(text)

    return json.JSONDecoder(object_pairs_hook=unique, parse_constant=not_finite, parse_float=number)


def _quoted(text: str, limit: int = 60) -> str:
    """Return text as a one-line message can quote it: escaped if unprintable, and short."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def load_json(
    data: bytes | str, *, what: str, max_bytes: int = MAX_BYTES, fast: bool = True
) -> Any:
    """Return the one JSON value of ``data``, read strictly.

    Args:
        data: UTF-8 bytes (read them as bytes: a file, standard input or a body), or text.
        what: names the source in messages, e.g. ``standard input`` or ``the body``.
        max_bytes: the largest text taken.
        fast: let orjson read bytes first (the answer is the same; the tests compare).

    Raises:
        MalformedJsonError: too large, not UTF-8, empty, not JSON, nested deeper than
            ``MAX_DEPTH``, a key repeated in an object, a number that is not finite or
            too long, or a lone surrogate.
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise _fail(what, f"is larger than {max_bytes} bytes; send fewer questions at once")
    if isinstance(data, bytes):
        found = _fast(data.removeprefix(_BOM_BYTES)) if fast else _SLOW
        if found is not _SLOW:
            return found
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _fail(what, f"is not UTF-8 (byte {error.start}); JSON must be UTF-8") from None
    else:
        text = data
    text = text.removeprefix(_BOM)
    if not text.strip():
        raise _fail(what, "is empty; give one JSON value")
    if _depth(text) > MAX_DEPTH:
        raise _fail(what, f"nests deeper than {MAX_DEPTH} levels; flatten it")
    try:
        value = _decoder(what).decode(text)
    except json.JSONDecodeError as error:
        raise _fail(
            what, f"is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except ValueError:  # int() past sys.get_int_max_str_digits(); the decoder's own are above
        digits = sys.get_int_max_str_digits()
        raise _fail(
            what, f"holds a number longer than {digits} digits; send a shorter one"
        ) from None
    _check_text(value, what)
    return value


_SLOW = object()  # _fast's answer when the strict reader must read the text


def _fast(data: bytes) -> Any:
    """Return what orjson reads, when it is provably what the strict reader returns; else _SLOW.

    orjson refuses NaN, infinities, lone surrogates and text that is not UTF-8 or
    JSON (each sends the text to the strict reader, for its message). Beyond
    that, the value passes only if it holds no float and as many object keys as
    the text has colons (a colon outside a string separates a key; a repeated key
    leaves one fewer), and nests at most ``MAX_DEPTH`` levels.
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _SLOW
    keys, level, depth = 0, [value], 0
    while level:
        inner: list[Any] = []
        nested = False
        for item in level:
            kind = type(item)
            if kind is dict:
                nested, keys = True, keys + len(item)
                inner.extend(item.values())
            elif kind is list:
                nested = True
                inner.extend(item)
            elif kind is float:
                return _SLOW
        if not nested:
            break
        depth += 1
        if depth > MAX_DEPTH:
            return _SLOW
        level = inner
    if keys != data.count(b":"):
        return _SLOW
    return value


def _check_text(value: Any, what: str) -> None:
    """Refuse lone surrogates in any string or key (iterative: the depth is already bounded)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and (found := _SURROGATE.search(item)):
            escape = f"\\u{ord(found.group()):04x}"
            raise _fail(what, f"holds a lone UTF-16 surrogate (`{escape}`); send whole characters")
