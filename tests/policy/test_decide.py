"""``decide``: precedence between effects, assembly across items, memo and errors."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from discretion.policy import decide, parse_question
from discretion.policy.compiled import Leaf, compile_policy, leaves
from discretion.policy.decide import evaluate
from discretion.policy.errors import UnknownInformationError
from discretion.policy.facts import Facts, item_facts
from discretion.policy.profile import Office, Profile, load_profile
from discretion.policy.question import Question
from discretion.policy.registry import APPLIES, Applies, Check, Effect, Rule
from discretion.policy.rules import DEFAULT
from discretion.policy.rules.exceptions import subpoena_compliance
from discretion.policy.vocabulary import Condition, Decision, LegalProcess, RecipientKind

OFFICE = Office("desk", "The Desk", "1-1")


def _rule(name: str, effect: Effect, applies: bool = True, **kwargs: Any) -> Rule:
    def check(facts: Facts, profile: Profile) -> Applies | None:
        return Applies(**kwargs) if applies else None

    checker: Check = check
    return Rule(f"test.{name}", ("faq.disclosure",), effect, name, None, checker, name)


def _facts(mit: Profile) -> Facts:
    question = Question.of(("name",), recipient=RecipientKind.PUBLIC)
    return item_facts(question, "name", mit)


def test_precedence_ban_beats_refer_beats_permit_beats_deny(mit: Profile) -> None:
    ban, refer = _rule("ban", Effect.BAN), _rule("refer", Effect.REFER, refer_to=OFFICE)
    permit, deny = _rule("permit", Effect.PERMIT), _rule("deny", Effect.DENY)
    rules = {Effect.BAN: [ban], Effect.REFER: [refer], Effect.PERMIT: [permit], Effect.DENY: [deny]}
    assert evaluate(_facts(mit), mit, rules).deciding.rule is ban
    assert evaluate(_facts(mit), mit, {**rules, Effect.BAN: []}).deciding.rule is refer
    outcome = evaluate(_facts(mit), mit, {Effect.PERMIT: [permit], Effect.DENY: [deny]})
    assert (outcome.decision, outcome.deciding.rule) == (Decision.PERMIT, permit)
    assert evaluate(_facts(mit), mit, {Effect.DENY: [deny]}).deciding.rule is deny


def test_the_first_applicable_rule_of_an_effect_decides(mit: Profile) -> None:
    skipped, first, second = (
        _rule("skipped", Effect.DENY, applies=False),
        _rule("first", Effect.DENY),
        _rule("second", Effect.DENY),
    )
    outcome = evaluate(_facts(mit), mit, {Effect.DENY: [skipped, first, second]})
    assert outcome.deciding.rule is first


def test_conditions_add_to_a_permit_only(mit: Profile) -> None:
    permit = _rule("permit", Effect.PERMIT, conditions=(Condition.STATED_PURPOSE_ONLY,))
    encrypt = _rule("encrypt", Effect.CONDITION, conditions=(Condition.ENCRYPT,))
    idle = _rule("idle", Effect.CONDITION, applies=False)
    outcome = evaluate(
        _facts(mit), mit, {Effect.PERMIT: [permit], Effect.CONDITION: [idle, encrypt]}
    )
    assert outcome.conditions == (Condition.STATED_PURPOSE_ONLY, Condition.ENCRYPT)
    assert [f.rule for f in outcome.added] == [encrypt]
    deny = _rule("deny", Effect.DENY)
    assert (
        evaluate(_facts(mit), mit, {Effect.DENY: [deny], Effect.CONDITION: [encrypt]}).added == ()
    )


def test_nothing_applicable_is_denied_with_an_explicit_reason(mit: Profile) -> None:
    outcome = evaluate(_facts(mit), mit, {})
    assert (outcome.decision, outcome.deciding.rule) == (Decision.DENY, DEFAULT)
    assert DEFAULT.id == "disclosure.nothing_permits"
    assert DEFAULT.check(_facts(mit), mit) is APPLIES
    assert "not allowed" in DEFAULT.explanation and DEFAULT.remedy


@pytest.mark.parametrize("profile_name", ["mit", "ferpa"])
def test_every_question_is_decided_by_a_specific_rule(profile_name: str) -> None:
    """The default deny is a safety net: no question of the space needs it, under any profile."""
    tree = compile_policy(load_profile(profile_name)).tree
    defaulted: list[Leaf] = [leaf for leaf in leaves(tree) if leaf.outcome.deciding.rule is DEFAULT]
    assert defaulted == []


def _ask(mit: Profile, **question: Any) -> Any:
    return decide(parse_question(question, mit), mit)


def test_a_multi_item_question_is_decided_by_its_strictest_item(mit: Profile) -> None:
    ruling = _ask(mit, recipient={"kind": "parent"}, information=["name", "grades", "ssn"])
    assert ruling.decision is Decision.REFER
    assert ruling.refer_to is not None and ruling.refer_to.id == "dean_undergraduate"
    assert ruling.by_information["name"].decision is Decision.PERMIT
    assert ruling.rules == ("parents.refer_to_dean_by_level",)
    assert ruling.conditions == () and ruling.remedy is None


def test_a_deny_joins_the_remedies_of_its_items_once_each(mit: Profile) -> None:
    ruling = _ask(
        mit,
        recipient={"kind": "employer"},
        information=["grades", "transcript", "term_address"],
        student={"suppressed": ["term_address"]},
    )
    assert ruling.decision is Decision.DENY
    assert ruling.rules == (
        "non_directory.outside_needs_written_consent",
        "directory.suppressed_item",
    )
    assert ruling.remedy is not None and ruling.remedy.count("signed and dated") == 1


def test_a_ban_has_no_remedy(mit: Profile) -> None:
    ruling = _ask(mit, recipient={"kind": "employer"}, information=["name"], students="many")
    assert (ruling.decision, ruling.remedy) == (Decision.DENY, None)


def test_a_permit_lists_the_union_of_conditions_in_vocabulary_order(mit: Profile) -> None:
    ruling = _ask(
        mit,
        recipient={"kind": "employer"},
        information=["date_of_birth", "grades"],
        consent={"form": "written", "specific": True},
        channel="email",
    )
    assert ruling.decision is Decision.PERMIT
    assert list(ruling.conditions) == sorted(ruling.conditions, key=list(Condition).index)
    assert {Condition.LEGITIMATE_NEED_ONLY, Condition.ENCRYPT} <= set(ruling.conditions)


def test_the_same_question_gets_the_same_ruling(mit: Profile) -> None:
    question = parse_question({"recipient": {"kind": "media"}, "information": ["name"]}, mit)
    assert decide(question, mit) is decide(question, mit)
    assert decide(question) == decide(question, mit)


def test_the_memo_forgets_when_full_and_still_rules(mit: Profile, monkeypatch: Any) -> None:
    module = importlib.import_module("discretion.policy.decide")
    monkeypatch.setattr(module, "_MEMO_LIMIT", 1)
    engine = module._Engine(mit)  # a fresh engine: the shared one remembers earlier tests
    public = {"kind": "public"}
    first = engine.decide(parse_question({"recipient": public, "information": ["name"]}, mit))
    second = engine.decide(parse_question({"recipient": public, "information": ["grades"]}, mit))
    assert (first.decision, second.decision) == (Decision.PERMIT, Decision.DENY)
    assert len(engine.rulings) == len(engine.classes) == len(engine.assembled) == 1
    third = engine.decide(parse_question({"recipient": public, "information": ["name"]}, mit))
    assert third == first


def test_an_item_the_profile_does_not_know_is_an_error(mit: Profile) -> None:
    question = Question.of(("shoe_size",), recipient=RecipientKind.PUBLIC)
    with pytest.raises(UnknownInformationError, match="unknown information item `shoe_size`"):
        decide(question, mit)


def test_subpoena_compliance_stands_aside_where_an_office_answers_legal_process(
    mit: Profile, ferpa: Profile
) -> None:
    """Read alone, not only behind the deferral that outranks it: a rule holds on its own."""
    question = Question.of(
        ("grades",), recipient=RecipientKind.COURT, legal_process=LegalProcess.SUBPOENA
    )
    assert subpoena_compliance.check(item_facts(question, "grades", mit), mit) is None
    applies = subpoena_compliance.check(item_facts(question, "grades", ferpa), ferpa)
    assert applies is not None and Condition.NOTIFY_STUDENT_FIRST in applies.conditions
