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
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from discretion.policy.errors import InvalidQuestionError, UnknownInformationError
from discretion.policy.profile import Profile
from discretion.policy.vocabulary import (
    Act,
    Channel,
    ConsentForm,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Status,
    Students,
)

__all__ = [
    "Consent",
    "Question",
    "Recipient",
    "Record",
    "Student",
    "parse_question",
    "question_schema",
    "ruling_schema",
]


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who would receive the information."""

    kind: RecipientKind
    need_to_know: bool = False
    assigned_to_subject: bool = False
    legal_process: LegalProcess = LegalProcess.NONE
    id: str | None = None
    relations: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Student:
    """What is known about the student (or, for a listing, each listed student)."""

    id: str | None = None
    status: Status = Status.CURRENT
    level: Level = Level.UNDERGRADUATE
    suppressed: frozenset[str] = frozenset()
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class Consent:
    """The student's consent, if any."""

    form: ConsentForm = ConsentForm.NONE
    specific: bool = False
    web_posting: bool = False
    items: frozenset[str] | None = None
    web_posting_items: frozenset[str] | None = None

    def covers(self, item: str) -> bool:
        """Return whether the consent (form and specificity) extends to ``item``."""
        return self.items is None or item in self.items

    def permits_posting(self, item: str) -> bool:
        """Return whether the posting permission extends to ``item``."""
        return self.web_posting and (
            self.web_posting_items is None or item in self.web_posting_items
        )


@dataclass(frozen=True, slots=True)
class Record:
    """Facts about the record a student asks to inspect."""

    request_form: RequestForm = RequestForm.WRITTEN
    identifies_other_students: bool = False
    sole_possession_note: bool = False
    access_waived: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    """One intended act with student information.

    ``key`` names everything a ruling can depend on (not the free-text purpose
    or the ids); it is computed once, so repeated questions are cheap to rule.
    """

    recipient: Recipient
    information: tuple[str, ...]
    act: Act = Act.DISCLOSE
    students: Students = Students.ONE
    student: Student = Student()
    consent: Consent = Consent()
    channel: Channel = Channel.IN_PERSON
    purpose: str | None = None
    record: Record = Record()
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = (
            self.act,
            self.recipient.kind,
            self.recipient.need_to_know,
            self.recipient.assigned_to_subject,
            self.recipient.legal_process,
            ",".join(sorted(self.recipient.relations)),
            ",".join(self.information),
            self.students,
            self.student.status,
            self.student.level,
            ",".join(sorted(self.student.suppressed)),
            self.student.withheld,
            self.consent.form,
            self.consent.specific,
            self.consent.web_posting,
            _names(self.consent.items),
            _names(self.consent.web_posting_items),
            self.channel,
            self.record.request_form,
            self.record.identifies_other_students,
            self.record.sole_possession_note,
            self.record.access_waived,
        )
        object.__setattr__(self, "key", "|".join(map(str, parts)))


def _names(names: frozenset[str] | None) -> str:
    return "*" if names is None else ",".join(sorted(names))


_MESSAGE_LIMIT = 300  # characters of a schema complaint, which quotes the value it refuses
_NESTING_LIMIT = 32  # levels of lists and objects checked for; a valid question has three


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
    would exhaust the stack, so such data is refused before either runs.
    """
    if _nests_deeper(data, _NESTING_LIMIT):
        return (
            f"invalid question: lists and objects nest more than {_NESTING_LIMIT} levels deep; "
            "a question nests three"
        )
    try:
        _fast_check()(data)
    except fastjsonschema.JsonSchemaException:
        error = best_match(_validator().iter_errors(data))
        return None if error is None else _describe(error)
    return None


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
    record = data.get("record", {})
    _check_names(data["information"], profile.items, "information item")
    _check_names(student.get("suppressed", []), profile.directory_items, "directory item")
    _check_names(recipient.get("relations", []), tuple(profile.need_to_know), "relation")
    for key in ("items", "web_posting_items"):
        _check_names(consent.get(key, []), profile.items, "information item")
    return Question(
        act=Act(data.get("act", Act.DISCLOSE)),
        recipient=Recipient(
            kind=RecipientKind(recipient["kind"]),
            need_to_know=recipient.get("need_to_know", False),
            assigned_to_subject=recipient.get("assigned_to_subject", False),
            legal_process=LegalProcess(recipient.get("legal_process", LegalProcess.NONE)),
            id=recipient.get("id"),
            relations=frozenset(recipient.get("relations", ())),
        ),
        information=tuple(data["information"]),
        students=Students(data.get("students", Students.ONE)),
        student=Student(
            id=student.get("id"),
            status=Status(student.get("status", Status.CURRENT)),
            level=Level(student.get("level", Level.UNDERGRADUATE)),
            suppressed=frozenset(student.get("suppressed", ())),
            withheld=student.get("withheld", False),
        ),
        consent=Consent(
            form=ConsentForm(consent.get("form", ConsentForm.NONE)),
            specific=consent.get("specific", False),
            web_posting=consent.get("web_posting", False),
            items=_optional_names(consent.get("items")),
            web_posting_items=_optional_names(consent.get("web_posting_items")),
        ),
        channel=Channel(data.get("channel", Channel.IN_PERSON)),
        purpose=data.get("purpose"),
        record=Record(
            request_form=RequestForm(record.get("request_form", RequestForm.WRITTEN)),
            identifies_other_students=record.get("identifies_other_students", False),
            sole_possession_note=record.get("sole_possession_note", False),
            access_waived=record.get("access_waived", False),
        ),
    )
