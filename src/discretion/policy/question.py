"""A question about one intended act with student information.

``parse_question`` turns the JSON form (``schemas/question.schema.json``) into a
``Question``, checking it against the schema and the institution profile.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from discretion.policy.errors import InvalidQuestionError, UnknownInformationError
from discretion.policy.facts import REQUIRED, STATED, read_stated
from discretion.policy.jsontext import MAX_DEPTH
from discretion.policy.profile import Profile

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = [
    "Question",
    "parse_question",
    "question_schema",
    "ruling_schema",
]


@dataclass(frozen=True, slots=True)
class Question:
    """One intended act with student information.

    ``stated`` holds the value of every fact a question states (``facts.STATED``),
    the defaults filled in; the rest are what is not a fact of its own: the
    items asked about, the recipient's relations, the student's suppressed
    items, the items a consent or posting permission names (None: all), and
    the ids, purpose and subject, which no ruling depends on (a subject only
    scopes the relations the store supplies). ``key`` names everything a
    ruling can depend on; it is computed once, so repeated questions are
    cheap to rule.
    """

    information: tuple[str, ...]
    stated: Mapping[str, Any]
    relations: frozenset[str] = frozenset()
    suppressed: frozenset[str] = frozenset()
    consent_items: frozenset[str] | None = None
    posting_items: frozenset[str] | None = None
    recipient_id: str | None = None
    student_id: str | None = None
    purpose: str | None = None
    subject: str | None = None
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = [
            *map(str, map(self.stated.__getitem__, _KEY_ORDER)),
            ",".join(sorted(self.relations)),
            ",".join(self.information),
            ",".join(sorted(self.suppressed)),
            _names(self.consent_items),
            _names(self.posting_items),
        ]
        object.__setattr__(self, "key", "|".join(parts))

    @classmethod
    def of(cls, information: tuple[str, ...], **facts: Any) -> Question:
        """Return a question stating ``facts`` (by fact name) and the defaults for the rest.

        Other fields (relations, suppressed, ...) are given by keyword too.
        """
        extra = {k: facts.pop(k) for k in list(facts) if k not in _STATED_NAMES}
        stated = {f.name: facts.get(f.name, f.default) for f in STATED}
        missing = [name for name, value in stated.items() if value is REQUIRED]
        if missing:
            raise TypeError(f"a question states {', '.join(missing)}")
        return cls(information, stated, **extra)

    def consent_covers(self, item: str) -> bool:
        """Return whether the consent (its form and specificity) extends to ``item``."""
        return self.consent_items is None or item in self.consent_items

    def posting_covers(self, item: str) -> bool:
        """Return whether the posting permission extends to ``item``."""
        return self.posting_items is None or item in self.posting_items


_STATED_NAMES = frozenset(fact.name for fact in STATED)
_KEY_ORDER = tuple(fact.name for fact in STATED)  # a question's key states its facts in this order
_MESSAGE_LIMIT = 300  # characters of a schema complaint, which quotes the value it refuses


def _names(names: frozenset[str] | None) -> str:
    return "*" if names is None else ",".join(sorted(names))


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files("discretion.policy").joinpath("schemas", name)
    schema: dict[str, Any] = json.loads(text.read_text())
    return schema


def question_schema() -> dict[str, Any]:
    """Return the question's JSON schema (the shared contract plus our extensions)."""
    return _schema("question.schema.json")


def ruling_schema() -> dict[str, Any]:
    """Return the ruling's JSON schema (the shared contract plus our extensions)."""
    return _schema("ruling.schema.json")


@cache
def _validator() -> Draft202012Validator:
    # imported only to explain a refusal: a valid question never pays for jsonschema
    from jsonschema import Draft202012Validator

    return Draft202012Validator(question_schema())


@cache
def _fast_check() -> Callable[[Any], Any]:
    # compiled to Python: about 20 times faster than walking the schema; it never
    # fills in defaults, so the caller's data is left as given
    check: Callable[[Any], Any] = fastjsonschema.compile(question_schema(), use_default=False)
    return check


def _schema_error(data: Any) -> str | None:
    """Return why the data does not fit the schema, or None if it does.

    The compiled check answers the common case; jsonschema, the reference,
    explains a failure (and has the last word if the two ever disagree).
    Both recurse into the data, and garbage nested a few hundred levels deep
    would exhaust the stack, so such data is refused before jsonschema runs.
    The compiled check recurses no deeper than the schema, whose every object
    and array is closed: what fits it nests three levels, and only what does
    not need be measured.
    """
    try:
        _fast_check()(data)
    except (fastjsonschema.JsonSchemaException, RecursionError):
        pass
    else:
        return None
    if _nests_deeper(data, MAX_DEPTH):
        return (
            f"invalid question: lists and objects nest more than {MAX_DEPTH} levels deep; "
            "a question nests three"
        )
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    return None if error is None else _describe(error)


def _nests_deeper(data: Any, limit: int) -> bool:
    """Return whether lists and objects nest more than ``limit`` levels, without recursing."""
    level = [data]
    for _ in range(limit):
        inner: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                inner.extend(value.values())
            elif isinstance(value, list):
                inner.extend(value)
        if not inner:
            return False
        level = inner
    return any(isinstance(value, dict | list) for value in level)


def _describe(error: ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "the question"
    return f"invalid question at `{where}`: {_clip(error.message)}"


def _clip(text: str) -> str:
    """Return ``text``, or its start and end around `...` when a huge value made it long."""
    if len(text) <= _MESSAGE_LIMIT:
        return text
    keep = (_MESSAGE_LIMIT - 5) // 2
    return f"{text[:keep]} ... {text[-keep:]}"


def _check_names(names: Any, known: Mapping[str, Any] | tuple[str, ...], what: str) -> None:
    for name in names:
        if name not in known:
            raise UnknownInformationError(what, name, known)


def _optional_names(names: list[str] | None) -> frozenset[str] | None:
    return None if names is None else frozenset(names)


def parse_question(data: Any, profile: Profile) -> Question:
    """Build a ``Question`` from its JSON form.

    Args:
        data: the decoded JSON object.
        profile: the institution profile that names the information items.

    Raises:
        InvalidQuestionError: the data does not fit the schema.
        UnknownInformationError: an item, suppression or relation the profile does not know.
    """
    error = _schema_error(data)
    if error is not None:
        raise InvalidQuestionError(error)
    recipient = data["recipient"]
    student = data.get("student", {})
    consent = data.get("consent", {})
    _check_names(data["information"], profile.items, "information item")
    _check_names(student.get("suppressed", []), profile.directory_items, "directory item")
    _check_names(recipient.get("relations", []), tuple(profile.need_to_know), "relation")
    for key in ("items", "web_posting_items"):
        _check_names(consent.get(key, []), profile.items, "information item")
    return Question(
        information=tuple(data["information"]),
        stated=read_stated(data),
        relations=frozenset(recipient.get("relations", ())),
        suppressed=frozenset(student.get("suppressed", ())),
        consent_items=_optional_names(consent.get("items")),
        posting_items=_optional_names(consent.get("web_posting_items")),
        recipient_id=recipient.get("id"),
        student_id=student.get("id"),
        purpose=data.get("purpose"),
        subject=data.get("subject"),
    )
