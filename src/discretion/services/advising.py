"""The advisor and the rule pages, for the web: the policy's steps and explanations, served.

The pages reach the policy only through services, so this module hands them
what ``policy.advising``, ``policy.steps`` and ``policy.explaining`` already
hold (walking the steps, checking answers, permalinks, a ruling in plain
words), and adds the two things a page cannot do alone: rule on complete
answers (with stated facts, or with the store's for a named student), and
describe one rule with a worked example.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from discretion.policy.advising import (
    InvalidAnswersError,
    answer,
    answers_from_question,
    current,
    from_query,
    get_step,
    next_step,
    options,
    previous_step,
    question_from_answers,
    summary,
    to_query,
    validate,
)
from discretion.policy.clauses import CLAUSES
from discretion.policy.errors import DiscretionError
from discretion.policy.explaining import Citation, Explanation, explain
from discretion.policy.phrases import EFFECT_PHRASES, item_label, yes_no
from discretion.policy.profile import Profile
from discretion.policy.registry import REGISTRY, Rule
from discretion.policy.steps import STEPS, Answers, Kind, Option, Step, Value
from discretion.services.access import STORE_ROLES
from discretion.services.asking import ask, rule_on_stated_facts
from discretion.services.errors import NotFoundError
from discretion.services.examples import example_for
from discretion.services.principals import Principal

__all__ = [
    "STEPS",
    "Answers",
    "Citation",
    "Example",
    "Explanation",
    "InvalidAnswersError",
    "Kind",
    "Option",
    "RulePage",
    "Step",
    "StoreAnswer",
    "Value",
    "answer",
    "current",
    "from_query",
    "get_step",
    "may_name_people",
    "next_step",
    "options",
    "previous_step",
    "rule_page",
    "stated_answer",
    "store_answer",
    "summary",
    "to_query",
    "validate",
]


def may_name_people(principal: Principal | None) -> bool:
    """Return whether the caller may name a real student and person (the store's facts)."""
    return principal is not None and principal.has(*STORE_ROLES)


def stated_answer(answers: Answers, profile: Profile) -> Explanation:
    """Return the ruling on complete answers, in plain words.

    Raises:
        InvalidAnswersError: a step that applies is not answered.
    """
    question = question_from_answers(answers, profile)
    return explain(rule_on_stated_facts(profile, question), profile)


@dataclass(frozen=True)
class StoreAnswer:
    """The ruling with the store's facts about the people named, and its notes."""

    explanation: Explanation
    notes: tuple[str, ...]


def store_answer(
    session: Session,
    profile: Profile,
    answers: Answers,
    caller: Principal,
    named: Mapping[str, str],
) -> StoreAnswer:
    """Return the ruling on complete answers with the store's facts about those ``named``.

    ``named`` may give ``student`` (a student id), ``person`` (the recipient's
    person id) and ``subject`` (a subject code); empty values are left out.

    Raises:
        InvalidAnswersError: a step that applies is not answered.
        ForbiddenError: the caller may not have the store's facts about them.
        NotFoundError: an id or a code names no one and nothing.
        InvalidQuestionError: the question does not fit the schema.
    """
    question: dict[str, Any] = question_from_answers(answers, profile)
    if named.get("student"):
        question["student"] = {**question.get("student", {}), "id": named["student"]}
    if named.get("person"):
        question["recipient"] = {**question["recipient"], "id": named["person"]}
    if named.get("subject"):
        question["subject"] = named["subject"]
    asked = ask(session, profile, question, caller=caller)
    return StoreAnswer(explain(asked.ruling, profile), tuple(asked.notes))


@dataclass(frozen=True)
class Example:
    """A worked example of a rule: as the advisor's answers when they express it, else facts."""

    title: str
    query: str | None  # the advisor's permalink query, when its answers reach the rule
    lines: tuple[tuple[str, str], ...]  # (what, the answer) in plain words
    headline: str


@dataclass(frozen=True)
class RulePage:
    """One rule in plain words."""

    id: str
    point: str
    explanation: str
    effect: str
    remedy: str | None
    citations: tuple[tuple[Citation, str], ...]  # each clause with its summary
    example: Example | None


_PAGES: dict[tuple[str, str], RulePage] = {}


def rule_page(rule_id: str, profile: Profile) -> RulePage:
    """Return a rule in plain words with a worked example (kept once made: examples are slow).

    Raises:
        NotFoundError: no rule has this id.
    """
    key = (rule_id, profile.id)
    if key not in _PAGES:
        rule = REGISTRY.get(rule_id)
        if rule is None:
            raise NotFoundError(f"no rule `{rule_id[:60]}`")
        _PAGES[key] = _describe(rule, profile)
    return _PAGES[key]


def _describe(rule: Rule, profile: Profile) -> RulePage:
    clauses = [CLAUSES[clause_id] for clause_id in rule.cites]
    return RulePage(
        id=rule.id,
        point=rule.doc,
        explanation=rule.explanation_for(profile),
        effect=EFFECT_PHRASES[rule.effect.value],
        remedy=rule.remedy_for(profile),
        citations=tuple((Citation(c.id, c.title, c.locator, c.url), c.summary) for c in clauses),
        example=_example(rule, profile),
    )


def _example(rule: Rule, profile: Profile) -> Example | None:
    found = example_for(rule, profile)
    if found is None:
        return None
    title, question = found
    ruling = rule_on_stated_facts(profile, question)
    headline = explain(ruling, profile).headline
    try:
        answers = answers_from_question(question, profile)
        rebuilt = rule_on_stated_facts(profile, question_from_answers(answers, profile))
    except (DiscretionError, KeyError, StopIteration, TypeError, ValueError):
        rebuilt = None
    if rebuilt is not None and rule.id in {reason.rule for reason in rebuilt.reasons}:
        lines = tuple((asked, said) for _, asked, said in summary(answers, profile))
        return Example(title, to_query(answers, profile), lines, headline)
    return Example(title, None, tuple(_facts(question)), headline)


def _facts(question: Mapping[str, Any], where: str = "") -> list[tuple[str, str]]:
    """Return a question's facts as (what, value) lines in plain words."""
    lines: list[tuple[str, str]] = []
    for key, value in question.items():
        what = f"{where} {key.replace('_', ' ')}".strip()
        if isinstance(value, Mapping):
            lines += _facts(value, what)
        elif isinstance(value, bool):
            lines.append((what, yes_no("yes" if value else "no")))
        elif isinstance(value, list):
            words = [item_label(str(v)) for v in value]
            lines.append((what, ", ".join(words) or "none"))
        else:
            lines.append((what, str(value).replace("_", " ")))
    return lines
