"""Parsing a question: schema defaults, and clear one-line errors."""

from __future__ import annotations

import json
from typing import Any

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discretion.policy import parse_question
from discretion.policy.errors import InvalidQuestionError, UnknownInformationError
from discretion.policy.facts import FACTS, REQUIRED, STATED, read_stated
from discretion.policy.profile import Profile
from discretion.policy.question import Question, _fast_check, _validator
from discretion.policy.vocabulary import Act, Channel, LegalProcess, RecipientKind, Students


def test_a_minimal_question_takes_the_schema_defaults(mit: Profile) -> None:
    question = parse_question({"recipient": {"kind": "official"}, "information": ["name"]}, mit)
    assert question == Question.of(("name",), recipient=RecipientKind.OFFICIAL)
    stated = question.stated
    assert (stated["act"], stated["students"], stated["channel"]) == (
        Act.DISCLOSE,
        Students.ONE,
        Channel.IN_PERSON,
    )
    assert stated["legal_process"] is LegalProcess.NONE
    assert question.consent_items is None and question.suppressed == frozenset()


def test_every_field_is_read(mit: Profile) -> None:
    data: dict[str, Any] = {
        "act": "reference",
        "recipient": {
            "kind": "employer",
            "need_to_know": True,
            "assigned_to_subject": True,
            "legal_process": "subpoena",
            "notice_forbidden": True,
            "student_enrolling": True,
            "id": "p1",
            "relations": ["advisor"],
        },
        "information": ["grades", "name"],
        "students": "many",
        "student": {
            "id": "s1",
            "status": "former",
            "level": "graduate",
            "suppressed": ["name"],
            "withheld": True,
            "dependent": True,
        },
        "consent": {"form": "email", "specific": True, "web_posting": True},
        "channel": "email",
        "emergency": True,
        "for_financial_aid": True,
        "purpose": "job",
        "record": {
            "request_form": "verbal",
            "identifies_other_students": True,
            "sole_possession_note": True,
            "access_waived": True,
        },
    }
    question = parse_question(data, mit)
    assert question.relations == {"advisor"} and question.recipient_id == "p1"
    assert question.suppressed == {"name"} and question.student_id == "s1"
    assert question.purpose == "job" and question.stated["access_waived"] is True
    assert question.key.startswith(
        "reference|employer|True|True|subpoena|True|True|many|former|graduate|True|True|"
    )
    assert question.key.endswith("|advisor|grades,name|name|*|*")
    # every stated fact was read, none left at its default
    assert all(question.stated[f.name] != f.default for f in STATED)


def test_each_fact_is_declared_once_with_its_schema_default_and_path() -> None:
    schema = _validator().schema
    for fact in STATED:
        assert fact.at is not None
        node: Any = schema
        for key in fact.at:
            node = node["properties"][key]
        if fact.default is REQUIRED:
            assert "default" not in node, fact.name
        else:
            assert node["default"] == (
                fact.default.value if hasattr(fact.default, "value") else fact.default
            ), fact.name
        if fact.values is not None and "enum" in node:
            assert [fact.json(v) for v in fact.values] == node["enum"], fact.name
    assert {f.name for f in FACTS} - {f.name for f in STATED} == {"item", "suppressed"}


def test_the_key_ignores_purpose_and_ids(mit: Profile) -> None:
    base = {"recipient": {"kind": "official"}, "information": ["name"]}
    with_text = {
        "recipient": {"kind": "official", "id": "x"},
        "information": ["name"],
        "purpose": "a reason",
        "student": {"id": "y"},
    }
    assert parse_question(base, mit).key == parse_question(with_text, mit).key


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "invalid question at `the question`: [] is not of type 'object'"),
        ({"information": ["name"]}, "'recipient' is a required property"),
        (
            {"recipient": {"kind": "parnt"}, "information": ["name"]},
            "invalid question at `recipient.kind`: 'parnt' is not one of ['official',",
        ),
        ({"recipient": {"kind": "self"}, "information": []}, "should be non-empty"),
        (
            {"recipient": {"kind": "self"}, "information": ["name"], "colour": "red"},
            "Additional properties are not allowed ('colour' was unexpected)",
        ),
    ],
)
def test_a_malformed_question_is_refused_in_one_line(mit: Profile, data: Any, message: str) -> None:
    with pytest.raises(InvalidQuestionError) as error:
        parse_question(data, mit)
    assert message in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"recipient": {"kind": "self"}, "information": ["grade"]},
            "unknown information item `grade`; known: name, email,",
        ),
        (
            {
                "recipient": {"kind": "self"},
                "information": ["name"],
                "student": {"suppressed": ["grades"]},
            },
            "unknown directory item `grades`; known: name, email,",
        ),
        (
            {"recipient": {"kind": "official", "relations": ["janitor"]}, "information": ["name"]},
            "unknown relation `janitor`; known: instructor, teaching_assistant,",
        ),
    ],
)
def test_an_unknown_name_lists_the_valid_ones(mit: Profile, data: Any, message: str) -> None:
    with pytest.raises(UnknownInformationError, match=message):
        parse_question(data, mit)


def test_a_consent_that_names_items_counts_only_for_them(mit: Profile) -> None:
    from discretion.policy import decide

    question = parse_question(
        {
            "recipient": {"kind": "employer"},
            "information": ["grades", "transcript"],
            "consent": {"form": "written", "specific": True, "items": ["grades"]},
        },
        mit,
    )
    ruling = decide(question, mit)
    assert ruling.by_information["grades"].decision == "permit"
    assert ruling.by_information["transcript"].decision == "deny"
    posting = parse_question(
        {
            "act": "post_on_web",
            "recipient": {"kind": "community"},
            "information": ["name", "photo"],
            "channel": "web_restricted",
            "consent": {"form": "email", "web_posting": True, "web_posting_items": ["name"]},
        },
        mit,
    )
    by_item = decide(posting, mit).by_information
    assert (by_item["name"].decision, by_item["photo"].decision) == ("permit", "deny")
    assert (
        posting.key
        != parse_question({**_posting_data(), "consent": {"web_posting": True}}, mit).key
    )


def _posting_data() -> dict[str, Any]:
    return {
        "act": "post_on_web",
        "recipient": {"kind": "community"},
        "information": ["name", "photo"],
        "channel": "web_restricted",
    }


def test_a_consent_naming_an_unknown_item_is_refused(mit: Profile) -> None:
    with pytest.raises(UnknownInformationError, match="unknown information item `marks`"):
        parse_question(
            {
                "recipient": {"kind": "self"},
                "information": ["name"],
                "consent": {"items": ["marks"]},
            },
            mit,
        )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.floats(allow_nan=False)
    | st.sampled_from(["", "official", "name", "grades", "written", "email", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["kind", "id", "form", "items", "level", "extra"]), inner, max_size=3
    ),
    max_leaves=6,
)  # fmt: skip
BASE: dict[str, Any] = {
    "recipient": {"kind": "employer", "relations": ["advisor"]},
    "information": ["grades", "name"],
    "student": {"level": "graduate", "suppressed": ["email"]},
    "consent": {"form": "written", "specific": True, "items": ["grades"]},
    "purpose": "a job",
}


@st.composite
def near_questions(draw: st.DrawFn) -> dict[str, Any]:
    """A valid question with a few of its values replaced, removed or added."""
    data: dict[str, Any] = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(1, 3))):
        target = data
        part = draw(st.sampled_from(["", "recipient", "student", "consent"]))
        if part and isinstance(data.get(part), dict):
            target = data[part]
        key = draw(st.sampled_from(sorted({*target, "act", "channel", "kind", "unknown"})))
        if draw(st.booleans()):
            target[key] = draw(JSON)
        else:
            target.pop(key, None)
    return data


@settings(max_examples=400, deadline=None)
@given(near_questions())
def test_the_compiled_schema_check_agrees_with_jsonschema(data: dict[str, Any]) -> None:
    try:
        _fast_check()(data)
        fast = True
    except fastjsonschema.JsonSchemaException:
        fast = False
    assert fast == _validator().is_valid(data)


def test_a_question_made_in_code_states_what_every_question_must() -> None:
    with pytest.raises(TypeError, match="a question states recipient"):
        Question.of(("name",))
    assert repr(REQUIRED) == "REQUIRED"
    made = Question.of(("name",), recipient=RecipientKind.SELF, relations=frozenset({"advisor"}))
    assert made.relations == {"advisor"} and made.stated["recipient"] is RecipientKind.SELF


@given(st.data())
def test_reading_every_fact_in_one_pass_reads_what_each_fact_reads(data: st.DataObject) -> None:
    question: dict[str, Any] = {"recipient": {"kind": "parent"}, "information": ["grades"]}
    for fact in STATED:
        if fact.values and data.draw(st.booleans()):
            assert fact.at is not None
            *sections, key = fact.at
            where = question
            for section in sections:
                where = where.setdefault(section, {})
            where[key] = fact.json(data.draw(st.sampled_from(fact.values)))
    assert read_stated(question) == {fact.name: fact.read(question) for fact in STATED}
