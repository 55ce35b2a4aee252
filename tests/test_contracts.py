"""The public API: names exported, and schemas that extend the shared contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import discretion
import discretion.policy
from discretion.policy import vocabulary
from discretion.policy.question import question_schema

CONTRACT = Path(__file__).parent / "contract"
SCHEMAS = Path(discretion.policy.__file__).parent / "schemas"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _extends(ours: Any, theirs: Any, where: str = "") -> None:
    """Every constraint of the contract holds in ours; we may only add."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        for key, value in theirs.items():
            if key in ("$id", "title"):
                continue
            assert key in ours, f"{where}.{key} is missing"
            _extends(ours[key], value, f"{where}.{key}")
    else:
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


def test_the_question_schema_extends_the_contract() -> None:
    ours = _load(SCHEMAS / "question.schema.json")
    _extends(ours, _load(CONTRACT / "ask-question.schema.json"))
    assert ours == question_schema()


def test_the_ruling_schema_extends_the_contract() -> None:
    ours, theirs = _load(SCHEMAS / "ruling.schema.json"), _load(CONTRACT / "ruling.schema.json")
    # refer_to became a $ref to the same office object
    office = theirs["properties"].pop("refer_to")["oneOf"][1]
    _extends(ours["$defs"]["office"], office)
    _extends(ours, theirs)


@pytest.mark.parametrize(
    ("enum", "path"),
    [
        (vocabulary.Act, ["act"]),
        (vocabulary.RecipientKind, ["recipient", "properties", "kind"]),
        (vocabulary.LegalProcess, ["recipient", "properties", "legal_process"]),
        (vocabulary.Students, ["students"]),
        (vocabulary.Status, ["student", "properties", "status"]),
        (vocabulary.Level, ["student", "properties", "level"]),
        (vocabulary.ConsentForm, ["consent", "properties", "form"]),
        (vocabulary.Channel, ["channel"]),
        (vocabulary.RequestForm, ["record", "properties", "request_form"]),
    ],
)
def test_vocabulary_values_are_exactly_the_schema_strings(enum: Any, path: list[str]) -> None:
    node: Any = _load(CONTRACT / "ask-question.schema.json")["properties"]
    for key in path:
        node = node[key]
    assert [member.value for member in enum] == node["enum"]


def test_decisions_are_exactly_the_ruling_schema_strings() -> None:
    schema = _load(CONTRACT / "ruling.schema.json")
    assert sorted(d.value for d in vocabulary.Decision) == sorted(
        schema["properties"]["decision"]["enum"]
    )


def test_the_package_exports_what_it_documents() -> None:
    assert discretion.__all__ == [
        "POLICY_VERSION",
        "Question",
        "Ruling",
        "decide",
        "load_profile",
        "parse_question",
    ]
    assert all(hasattr(discretion, name) for name in discretion.__all__)
    assert all(hasattr(discretion.policy, name) for name in discretion.policy.__all__)
