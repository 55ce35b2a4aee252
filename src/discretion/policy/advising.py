"""Walking the advisor's steps: what to ask next, checking answers, and the question they make.

The steps themselves are data (``steps.STEPS``). These functions are what a
question page, the check-your-answers page, a permalink and the terminal
advisor need; all are pure. An answer to a step that no longer applies (the
person went back and changed an earlier answer) is kept but ignored:
``current`` drops it, and nothing else reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, urlencode

from discretion.policy.errors import DiscretionError
from discretion.policy.facts import STATED
from discretion.policy.phrases import NO, YES, item_label, yes_no
from discretion.policy.profile import Profile
from discretion.policy.steps import STEPS, Answers, Kind, Option, Step, Value
from discretion.policy.vocabulary import Act, Students

__all__ = [
    "InvalidAnswersError",
    "answer",
    "answer_phrase",
    "answers_from_question",
    "current",
    "from_query",
    "get_step",
    "next_step",
    "options",
    "previous_step",
    "question_from_answers",
    "summary",
    "to_query",
    "validate",
]

NO_ANSWERS: Answers = MappingProxyType({})
MAX_QUERY = 2000  # characters of a permalink's query: every answer fits in a few hundred
_BY_ID = {step.id: step for step in STEPS}
_DEFAULTS: dict[str, Any] = {".".join(fact.at): fact.default for fact in STATED if fact.at}
_YES_WORDS = {"yes": YES, "y": YES, "no": NO, "n": NO}


class InvalidAnswersError(DiscretionError):
    """Answers that are incomplete, or a permalink that names an unknown question or value."""


def get_step(step_id: str) -> Step:
    """Return the step with this id.

    Raises:
        InvalidAnswersError: no step has this id.
    """
    try:
        return _BY_ID[step_id]
    except KeyError:
        raise InvalidAnswersError(f"no question `{step_id}`; the advisor asks none") from None


def current(answers: Answers, profile: Profile) -> Answers:
    """Return the answers to the steps that apply, in step order, dropping the rest."""
    kept: dict[str, Value] = {}
    for step in STEPS:
        if step.id in answers and step.applies(kept, profile):
            kept[step.id] = answers[step.id]
    return MappingProxyType(kept)


def answer(answers: Answers, step_id: str, value: Value) -> Answers:
    """Return the answers with ``step_id`` answered ``value`` (the others kept as they are)."""
    get_step(step_id)
    return MappingProxyType({**answers, step_id: value})


def next_step(answers: Answers, profile: Profile) -> Step | None:
    """Return the first step that applies and is not answered, or None when all are."""
    kept = current(answers, profile)
    for step in STEPS:
        if step.id not in kept and step.applies(kept, profile):
            return step
    return None


def previous_step(answers: Answers, profile: Profile, step_id: str | None) -> Step | None:
    """Return the step a back link from ``step_id`` goes to (None: from the check page).

    That is the last step before it that applies and is answered, or None on the first.
    """
    kept = current(answers, profile)
    before = STEPS if step_id is None else STEPS[: STEPS.index(get_step(step_id))]
    answered = [step for step in before if step.id in kept]
    return answered[-1] if answered else None


def options(step: Step, profile: Profile, answers: Answers = NO_ANSWERS) -> tuple[Option, ...]:
    """Return the options of a step: its own, or for items those of the profile that fit.

    A student can only have hidden directory items, and only those asked about matter.
    """
    if step.kind is not Kind.ITEMS:  # in the profile's words ("the institution", not MIT's)
        return tuple(Option(option.value, profile.worded(option.phrase)) for option in step.options)
    names: Sequence[str] = tuple(profile.items)
    if step.id == "suppressed":
        asked = answers.get("information", ())
        names = [name for name in profile.directory_items if name in asked]
    return tuple(Option(name, item_label(name)) for name in names)


def validate(
    step: Step, raw_values: Sequence[str], profile: Profile, answers: Answers = NO_ANSWERS
) -> tuple[Value | None, str | None]:
    """Return the answer the raw form values give, or None and what to say about it.

    Items may come as several values or comma-separated in one; a yes-or-no
    answer may be ``y`` or ``n``. The message is the step's own plain words.
    """
    raw = [part.strip() for value in raw_values for part in value.split(",")]
    raw = [part for part in raw if part]
    allowed = [option.value for option in options(step, profile, answers)]
    if step.kind is Kind.ITEMS:
        chosen = tuple(dict.fromkeys(raw))
        unknown = [name for name in chosen if name not in allowed]
        if unknown:
            return None, f"There is no `{unknown[0][:40]}` to choose here: choose from the list"
        return (None, step.error) if step.required and not chosen else (chosen, None)
    if len(raw) != 1:
        return None, step.error
    value = _YES_WORDS.get(raw[0].lower(), "") if step.kind is Kind.YES_NO else raw[0]
    return (value, None) if value in allowed else (None, step.error)


def question_from_answers(answers: Answers, profile: Profile) -> dict[str, Any]:
    """Return the question (its JSON form) that complete answers make.

    Raises:
        InvalidAnswersError: a step that applies is not answered.
    """
    missing = next_step(answers, profile)
    if missing is not None:
        raise InvalidAnswersError(f"the answers are not complete: `{missing.id}` is not answered")
    kept = current(answers, profile)
    question: dict[str, Any] = {}
    if kept["act"] == Act.SHARE_CLASS_LIST:
        question["students"] = Students.MANY.value  # a class list is always several students
    for step_id, value in kept.items():
        step = _BY_ID[step_id]
        *outer, last = step.sets.split(".")
        here = question
        for key in outer:
            here = here.setdefault(key, {})
        if step.kind is Kind.YES_NO:
            here[last] = value == YES
        else:
            here[last] = list(value) if isinstance(value, tuple) else value
    return question


def _read(question: Mapping[str, Any], path: str) -> Any:
    here: Any = question
    for key in path.split("."):
        if not isinstance(here, Mapping) or key not in here:
            return _DEFAULTS.get(path, ())
        here = here[key]
    return here


def answers_from_question(question: Mapping[str, Any], profile: Profile) -> Answers:
    """Return the answers that make ``question`` (a schema-valid JSON form).

    The inverse of ``question_from_answers``: for the change links of the
    check page, and to open a question as a permalink. A fact no step asks
    about (ids, relations, a student's status) is left out; so are hidden
    items that are not asked about, which cannot change the answer.
    """
    kept: dict[str, Value] = {}
    for step in STEPS:
        if not step.applies(kept, profile):
            continue
        value = _read(question, step.sets)
        if step.kind is Kind.YES_NO:
            kept[step.id] = YES if value else NO
        elif step.kind is Kind.ITEMS:
            asked = kept.get("information", ())
            names = tuple(str(v) for v in value)
            kept[step.id] = (
                names
                if step.id == "information"
                else tuple(name for name in names if name in asked)
            )
        else:
            kept[step.id] = str(getattr(value, "value", value))
    return MappingProxyType(kept)


def answer_phrase(step: Step, value: Value, profile: Profile) -> str:
    """Return an answer in plain words, as the check page shows it."""
    if isinstance(value, tuple):
        return ", ".join(item_label(name) for name in value) or "None"
    if step.kind is Kind.YES_NO:
        return yes_no(value)
    return next(option.phrase for option in options(step, profile) if option.value == value)


def summary(answers: Answers, profile: Profile) -> list[tuple[str, str, str]]:
    """Return (step id, question, answer in plain words) for each answer that counts."""
    kept = current(answers, profile)
    return [
        (step_id, _BY_ID[step_id].question, answer_phrase(_BY_ID[step_id], value, profile))
        for step_id, value in kept.items()
    ]


def to_query(answers: Answers, profile: Profile) -> str:
    """Return the permalink's query string: the answers that count, in step order."""
    pairs = [
        (step_id, ",".join(value) if isinstance(value, tuple) else value)
        for step_id, value in current(answers, profile).items()
    ]
    return urlencode(pairs, safe=",")


def from_query(query: str, profile: Profile) -> Answers:
    """Return the answers a permalink's query string gives.

    Raises:
        InvalidAnswersError: the query is too long, repeats or does not know a
            question, or gives a value a question does not offer.
    """
    if len(query) > MAX_QUERY:
        raise InvalidAnswersError(f"the link is longer than {MAX_QUERY} characters")
    pairs = parse_qsl(query.removeprefix("?"), keep_blank_values=True)
    given: dict[str, str] = {}
    for key, raw in pairs:
        if key not in _BY_ID:
            raise InvalidAnswersError(f"the link names an unknown question `{key}`")
        if key in given:
            raise InvalidAnswersError(f"the link answers `{key}` twice")
        given[key] = raw
    kept: dict[str, Value] = {}
    for step in STEPS:
        if step.id not in given:
            continue
        value, _ = validate(step, [given[step.id]], profile, kept)
        if value is None:
            choices = ", ".join(option.value for option in options(step, profile, kept))
            raise InvalidAnswersError(
                f"the link answers `{step.id}` with `{given[step.id]}`; choose from: {choices}"
            )
        kept[step.id] = value
    return current(kept, profile)
