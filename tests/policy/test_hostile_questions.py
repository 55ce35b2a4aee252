"""Questions built to hurt, found by fuzzing (test_fuzz_inputs): each refused in one short line."""

from __future__ import annotations

from typing import Any

import pytest

from discretion.policy import parse_question
from discretion.policy.errors import InvalidQuestionError, UnknownInformationError
from discretion.policy.profile import Profile


def _nested(depth: int) -> Any:
    value: Any = "name"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [30, 31, 1_000, 100_000])
def test_deep_nesting_is_refused_not_a_recursion_error(mit: Profile, depth: int) -> None:
    # the compiled check and jsonschema both recurse: 1,000 levels raised RecursionError
    question = {"recipient": {"kind": "public"}, "information": [_nested(depth)]}
    with pytest.raises(InvalidQuestionError) as error:
        parse_question(question, mit)
    if depth > 30:  # the question and its list of items are two levels more
        assert str(error.value) == (
            "invalid question: lists and objects nest more than 32 levels deep; "
            "a question nests three"
        )
    else:  # garbage nested less deep still gets the schema's precise complaint
        assert str(error.value).startswith("invalid question at `information.0`: [[[[")


def test_a_huge_value_is_quoted_short(mit: Profile) -> None:
    question = {"recipient": {"kind": "public"}, "information": ["name"], "purpose": ["x" * 9000]}
    with pytest.raises(InvalidQuestionError) as error:
        parse_question(question, mit)
    message = str(error.value)
    assert message.startswith("invalid question at `purpose`: ['xxx")
    assert message.endswith("xxx'] is not of type 'string'") and " ... " in message
    assert len(message) < 400


def test_an_unknown_name_is_quoted_on_one_line_and_short(mit: Profile) -> None:
    name = "grades\n\u202e" + "y" * 500
    question = {"recipient": {"kind": "public"}, "information": [name]}
    with pytest.raises(UnknownInformationError) as error:
        parse_question(question, mit)
    message = str(error.value)
    assert message.startswith("unknown information item `grades\\n\\u202eyyy")
    assert "...`; known: name, email," in message and "\n" not in message
    assert error.value.name == name  # the error keeps the name as given
