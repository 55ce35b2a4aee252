"""The compiled fast path equals the plain rules on every question."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from hypothesis import given, settings

from discretion.policy import decide, parse_question
from discretion.policy.compiled import (
    CompiledPolicy,
    Leaf,
    Node,
    compile_policy,
    every_completion,
    example_question,
    leaves,
    question_json,
)
from discretion.policy.decide import evaluate
from discretion.policy.facts import FACT_NAMES, ItemFacts, item_facts
from discretion.policy.profile import Profile, load_profile
from discretion.policy.question import Question
from discretion.policy.registry import Effect
from discretion.policy.rules import DEFAULT, RULES
from discretion.policy.vocabulary import ConsentForm, Students
from tests.strategies import questions


def _complete(policy: CompiledPolicy, known: dict[str, Any], rng: random.Random) -> ItemFacts:
    facts = dict(known)
    for name in FACT_NAMES:
        if name not in facts:
            facts[name] = rng.choice(policy.space.domain(name, facts))
    return ItemFacts(**facts)


def test_the_space_is_every_combination_of_facts(compiled: CompiledPolicy, mit: Profile) -> None:
    items = len(mit.directory_items) * 2 + len(mit.non_directory_items)  # (item, suppressed)
    # act, recipient, need, assigned, legal process, notice forbidden, student enrolling,
    # students, status, level, withheld, dependent, consent, specific, posting, channel,
    # emergency, financial aid, request, other students, sole possession, waived
    others = 5 * 11 * 2 * 2 * 5 * 2 * 2 * 2 * 2 * 2 * 2 * 2 * 5 * 2 * 2 * 8 * 2 * 2 * 2 * 2 * 2 * 2
    assert compiled.space.total() == items * others
    assert sum(compiled.space.size(leaf.known) for leaf in leaves(compiled.tree)) == (
        compiled.space.total()
    )


def test_every_node_branches_on_every_value(compiled: CompiledPolicy) -> None:
    stack: list[tuple[Node | Leaf, dict[str, Any]]] = [(compiled.tree, {})]
    while stack:
        node, known = stack.pop()
        if isinstance(node, Node):
            assert tuple(node.children) == compiled.space.domain(node.name, known)
            stack += [(child, {**known, node.name: v}) for v, child in node.children.items()]


def test_every_leaf_agrees_with_the_plain_rules(compiled: CompiledPolicy, mit: Profile) -> None:
    rng = random.Random(20261128)
    rows, expected = [], []
    for leaf in leaves(compiled.tree):
        for _ in range(2):
            facts = _complete(compiled, dict(leaf.known), rng)
            assert evaluate(facts, mit) == leaf.outcome, leaf.known
            rows.append(facts)
            expected.append(leaf.outcome)
    ids = compiled.outcome_ids(compiled.encode(rows))
    assert [compiled.outcomes[i] for i in ids] == expected


@settings(max_examples=300, deadline=None)
@given(question=questions(load_profile("mit"), max_items=1))
def test_batch_rulings_equal_decide(question: Question) -> None:
    profile = load_profile("mit")
    policy = _compiled(profile)
    (item,) = question.information
    codes = policy.encode([item_facts(question, item, profile)])
    index = np.asarray([policy.items.index(item)], dtype=np.int32)
    assert policy.rulings(codes, index) == [decide(question, profile)]


def _compiled(profile: Profile) -> CompiledPolicy:
    return compile_policy(profile)


def test_rulings_of_a_batch_are_shared_per_outcome_and_item(compiled: CompiledPolicy) -> None:
    codes = np.zeros((len(FACT_NAMES), 3), dtype=np.int32)
    rulings = compiled.rulings(codes, np.asarray([0, 0, 1], dtype=np.int32))
    assert rulings[0] is rulings[1] and rulings[0] is not rulings[2]


def test_every_rule_has_an_example_that_it_decides(mit: Profile, ferpa: Profile) -> None:
    """Under the MIT profile, or under the federal one for an exception MIT sends to an office."""
    for rule in RULES:
        examples = {p: example_question(rule.id, p) for p in (mit, ferpa)}
        if rule is DEFAULT:
            assert list(examples.values()) == [None, None]
            continue
        assert any(examples.values()), rule.id
        for profile, example in examples.items():
            if example is not None:
                assert rule.id in decide(parse_question(example, profile), profile).rules
        if examples[mit] is None:
            assert rule.module == "exceptions" and rule.effect is Effect.PERMIT, rule.id


def test_question_json_spells_out_only_what_differs_from_the_defaults(mit: Profile) -> None:
    traits = mit.traits("term_address")
    question = question_json(
        {
            "item": traits,
            "suppressed": True,
            "students": Students.MANY,
            "consent": ConsentForm.NONE,
        },
        mit,
    )
    assert question == {
        "act": "disclose",
        "recipient": {"kind": "official"},
        "information": ["name"],
        "student": {"suppressed": ["name"]},
        "students": "many",
    }


def test_a_check_may_ask_for_suppression_before_the_item(compiled: CompiledPolicy) -> None:
    """Only directory items can be suppressed, so asking first branches on the item."""
    seen: list[tuple[bool, bool]] = []

    def check(facts: Any) -> bool:
        seen.append((facts.suppressed, facts.item.directory))
        return not (facts.suppressed and not facts.item.directory)

    assert every_completion(compiled.space, {}, check)
    assert (True, True) in seen and (False, False) in seen and (True, False) not in seen
