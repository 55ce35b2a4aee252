"""The one strict JSON decoder the CLI and the API share (``policy.jsontext``)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discretion.policy.errors import DiscretionError, MalformedJsonError
from discretion.policy.jsontext import MAX_BYTES, MAX_DEPTH, load_json


def _refused(data: bytes | str, max_bytes: int = MAX_BYTES) -> str:
    with pytest.raises(MalformedJsonError) as error:
        load_json(data, what="the text", max_bytes=max_bytes)
    message = str(error.value)
    assert message.startswith("the text ") and "\n" not in message
    return message


def test_it_reads_json_from_bytes_and_text_with_or_without_a_byte_order_mark() -> None:
    expected: Any = {"a": [1, 2.5, "é", None, True]}
    for data in ('{"a": [1, 2.5, "é", null, true]}', '\ufeff{"a": [1, 2.5, "é", null, true]}'):
        assert load_json(data, what="the text") == expected
        assert load_json(data.encode(), what="the text") == expected


def test_the_error_is_a_discretion_error() -> None:
    assert issubclass(MalformedJsonError, DiscretionError)


def test_nesting_up_to_the_limit_is_read_and_one_more_is_refused() -> None:
    assert MAX_DEPTH == 32
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, what="x") is not None
    assert load_json('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', what="x")
    deeper = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert _refused(deeper) == "the text nests deeper than 32 levels; flatten it"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff", "the text is not UTF-8 (byte 0); JSON must be UTF-8"),
        (b"\xfe\xff\x00{", "the text is not UTF-8 (byte 0); JSON must be UTF-8"),
        (b"", "the text is empty; give one JSON value"),
        (b"\xef\xbb\xbf", "the text is empty; give one JSON value"),
        ("{nope", "the text is not JSON: Expecting property name enclosed in double quotes "
         "at line 1 column 2"),
        ('{"a": 1, "a": 1}', "the text repeats the key `a` in one object; give each key once"),
        ('[{"b": {"a": 1, "a": 2}}]',
         "the text repeats the key `a` in one object; give each key once"),
        ("[NaN]", "the text holds a number that is not finite (`NaN`); send a finite number"),
        ("-Infinity", "the text holds a number that is not finite (`-Infinity`); "
         "send a finite number"),
        ("[1e400]", "the text holds a number that is not finite (`1e400`); send a finite number"),
        ("9" * 4301, "the text holds a number longer than 4300 digits; send a shorter one"),
        ('["\\ud800"]', "the text holds a lone UTF-16 surrogate (`\\ud800`); "
         "send whole characters"),
        ('{"\\udfff": 1}', "the text holds a lone UTF-16 surrogate (`\\udfff`); "
         "send whole characters"),
    ],
)  # fmt: skip
def test_what_it_refuses_in_one_line(data: bytes | str, message: str) -> None:
    assert _refused(data) == message


def test_a_pair_of_surrogates_is_one_character() -> None:
    assert load_json('"\\ud83e\\udd84"', what="x") == "\U0001f984"


def test_a_key_repeated_in_another_object_is_fine() -> None:
    assert load_json('[{"a": 1}, {"a": 2}]', what="x") == [{"a": 1}, {"a": 2}]


def test_size_is_limited() -> None:
    assert MAX_BYTES == 16 * 2**20
    message = _refused(b"[" + b" " * 100 + b"]", max_bytes=100)
    assert message == "the text is larger than 100 bytes; send fewer questions at once"


@pytest.mark.parametrize(
    "data",
    [
        b'"' + b'\\"' * 300_000,  # an unterminated string of escaped quotes
        b"[" * 1_000_000,
        b'["' * 300_000,
        b"{" + b'"a":{' * 200_000,
    ],
)
def test_hostile_text_is_refused_in_linear_time(data: bytes) -> None:
    # the body guard's string pattern backtracked over every quote: quadratic
    started = time.perf_counter()
    _refused(data)
    assert time.perf_counter() - started < 2


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _strictly(data: bytes) -> Any:
    # what the strict reader alone says: the value, or its message
    try:
        return ("value", load_json(data, what="the text", fast=False))
    except MalformedJsonError as error:
        return ("refused", str(error))


def _either(data: bytes) -> Any:
    try:
        return ("value", load_json(data, what="the text"))
    except MalformedJsonError as error:
        return ("refused", str(error))


@settings(max_examples=300, deadline=None)
@given(value=_JSON_VALUES, keys=st.lists(st.sampled_from(["a", "b", "a:"]), max_size=3))
def test_the_orjson_path_returns_what_the_strict_reader_does(value: Any, keys: list[str]) -> None:
    # keys given twice, floats, long integers, NaN and colons in strings all go the strict way
    text = json.dumps(value)
    if keys:
        text = "{" + ",".join(f'"{key}":{text}' for key in keys) + "}"
    data = text.encode()
    assert _either(data) == _strictly(data)
    assert _either(b"[" * 40 + data + b"]" * 40) == _strictly(b"[" * 40 + data + b"]" * 40)


@pytest.mark.parametrize(
    "data",
    [b'{"a":1,"a":2}', b"[1.5]", b"123456789012345678901234567890", b"-9223372036854775809",
     b'"\\ud800"', b'{"a":"x:y","a":1}', b"[" * 33 + b"]" * 33, b"\xef\xbb\xbf[1]", b"1e999",
     b"NaN", b'{"a": {"b": [true, null]}}', b"18446744073709551615", b""],
)  # fmt: skip
def test_the_orjson_path_agrees_on_the_edges(data: bytes) -> None:
    assert _either(data) == _strictly(data)
