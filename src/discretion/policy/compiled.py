"""The question space, explored exhaustively, and the compiled fast path.

Rules read an item only through ``Facts``. Evaluating the plain rules on a
*probe* that knows only some facts, and stops at the first fact it is asked
for and does not know, shows which facts a ruling depends on. Branching on
each such fact over all its values, until every branch rules, explores every
question: a leaf stands for every question that agrees with the facts it
fixes, because the rules never read the others. The resulting decision tree
is both the proof behind the exhaustive invariant tests and the fast path:
walking it, or walking a whole batch at once with NumPy, gives exactly the
plain rules' outcome.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from math import prod
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from discretion.policy import canonical
from discretion.policy.decide import Outcome, assemble, evaluate
from discretion.policy.facts import FACT_NAMES, FACTS, REQUIRED, STATED, Facts
from discretion.policy.profile import ItemTraits, Profile
from discretion.policy.registry import Effect, Rule
from discretion.policy.rules import BY_EFFECT, RULES
from discretion.policy.ruling import Ruling
from discretion.policy.vocabulary import RecipientKind

__all__ = [
    "Assignment",
    "CompiledPolicy",
    "Leaf",
    "Node",
    "Space",
    "compile_policy",
    "every_completion",
    "example_question",
    "explore",
    "fingerprint",
    "leaves",
    "question_json",
]

Assignment = Mapping[str, Any]

_BOOL = (False, True)
# Which item, and whether it is suppressed, depend on the profile and on each
# other (only a directory item can be suppressed); every other fact ranges
# over its declared values.
_ITEM_BOUND = ("item", "suppressed")
_ENUMS: dict[str, tuple[Any, ...]] = {
    fact.name: fact.values
    for fact in FACTS
    if fact.name not in _ITEM_BOUND and fact.values is not None
}


class _Unread(BaseException):
    """A probe was asked for a fact it does not know (never caught by rules)."""

    def __init__(self, name: str) -> None:
        self.name = name


class _Probe:
    """A ``Facts`` that knows only the facts of its assignment."""

    __slots__ = ("_known",)

    def __init__(self, known: Assignment) -> None:
        self._known = known

    def __getattr__(self, name: str) -> Any:
        try:
            return self._known[name]
        except KeyError:
            raise _Unread(name) from None


class Space:
    """The finite space of single-item questions under one profile.

    Every fact has a finite domain; the item is known to rules only by its
    traits, and an item can be suppressed only if it is a directory item.
    """

    def __init__(
        self, profile: Profile, rules: Mapping[Effect, Sequence[Rule]] = BY_EFFECT
    ) -> None:
        self.profile = profile
        self.rules = rules
        counts: dict[ItemTraits, int] = {}
        for traits in profile.items.values():
            counts[traits] = counts.get(traits, 0) + 1
        self.item_counts = counts
        self.domains: dict[str, tuple[Any, ...]] = {**_ENUMS, "item": tuple(sorted(counts))}

    def domain(self, name: str, known: Assignment) -> tuple[Any, ...]:
        """Return the values ``name`` can take, given what is known."""
        if name == "suppressed":
            return _BOOL if known["item"].directory else (False,)
        return self.domains[name]

    def size(self, known: Assignment) -> int:
        """Return how many questions agree with ``known``: what a leaf stands for."""
        free = [n for n in _ENUMS if n not in known]
        rest = prod(len(self.domains[n]) for n in free)
        if "item" in known:
            traits = known["item"]
            suppressions = 1 if "suppressed" in known or not traits.directory else 2
            return rest * self.item_counts[traits] * suppressions
        return rest * sum(n * (2 if t.directory else 1) for t, n in self.item_counts.items())

    def total(self) -> int:
        """Return the number of questions in the space."""
        return self.size({})

    def outcome(self, known: Assignment) -> Outcome | str:
        """Rule on a partial assignment: the outcome, or the name of a fact it needs."""
        try:
            return evaluate(cast(Facts, _Probe(known)), self.profile, self.rules)
        except _Unread as unread:
            return _needed(unread.name, known)


def _needed(name: str, known: Assignment) -> str:
    """Return the fact to branch on when ``name`` is asked for and unknown."""
    # whether an item is suppressed depends on which item it is
    return "item" if name == "suppressed" and "item" not in known else name


@dataclass(frozen=True, slots=True)
class Leaf:
    """Every question agreeing with ``known`` gets ``outcome``."""

    known: Assignment
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Node:
    """The rules asked for ``name``; one child per value."""

    name: str
    children: Mapping[Any, Node | Leaf]


def explore(space: Space, known: Assignment | None = None) -> Node | Leaf:
    """Return the decision tree of the plain rules below the partial assignment ``known``."""
    known = dict(known or {})
    result = space.outcome(known)
    if isinstance(result, Outcome):
        return Leaf(known, result)
    children = {v: explore(space, {**known, result: v}) for v in space.domain(result, known)}
    return Node(result, children)


def leaves(tree: Node | Leaf) -> Iterator[Leaf]:
    """Yield the leaves of a tree, depth first."""
    stack = [tree]
    while stack:
        here = stack.pop()
        if isinstance(here, Leaf):
            yield here
        else:
            stack.extend(here.children.values())


Codes = npt.NDArray[np.int32]


class CompiledPolicy:
    """The decision tree of one profile, flattened into arrays for batch rulings."""

    def __init__(self, profile: Profile) -> None:
        self.space = Space(profile)
        self.tree = explore(self.space)
        self.columns = FACT_NAMES
        self.items = tuple(profile.items)
        self.outcomes: list[Outcome] = []
        index: dict[Outcome, int] = {}
        attrs: list[int] = []
        children: list[list[int]] = []
        leaf_outcome: list[int] = []

        def flatten(node: Node | Leaf) -> int:
            at = len(attrs)
            attrs.append(0)
            children.append([])
            leaf_outcome.append(-1)
            if isinstance(node, Leaf):
                leaf_outcome[at] = index.setdefault(node.outcome, len(index))
                children[at] = [at]
                return at
            name = node.name
            attrs[at] = self.columns.index(name)
            codes = self.codes_of(name)
            row = [0] * len(codes)
            for value, child in node.children.items():
                row[codes[value]] = flatten(child)
            children[at] = row
            return at

        flatten(self.tree)
        self.outcomes = list(index)
        width = max(len(row) for row in children)
        table = np.zeros((len(children), width), dtype=np.int32)
        for at, row in enumerate(children):
            # a leaf, or a short domain (suppressed of a non-directory item), loops to itself
            table[at, :] = row if len(row) == width else row + [row[0]] * (width - len(row))
        self.attr = np.asarray(attrs, dtype=np.int32)
        self.child = table
        self.leaf_outcome = np.asarray(leaf_outcome, dtype=np.int32)
        self.depth = _depth(self.tree)
        self._rulings: dict[int, Ruling] = {}

    def codes_of(self, name: str) -> dict[Any, int]:
        """Return the integer code of each value of fact ``name``."""
        if name == "suppressed":
            return {False: 0, True: 1}
        if name == "item":
            traits = self.space.domains["item"]
            return {t: traits.index(t) for t in traits}
        return {v: i for i, v in enumerate(self.space.domains[name])}

    def encode(self, rows: Sequence[Facts]) -> Codes:
        """Return the codes of ``rows``, one column per fact (a helper for tests)."""
        tables = {name: self.codes_of(name) for name in self.columns}
        return np.asarray(
            [[tables[n][getattr(row, n)] for row in rows] for n in self.columns],
            dtype=np.int32,
        ).reshape(len(self.columns), len(rows))

    def outcome_ids(self, codes: Codes) -> Codes:
        """Walk the tree for every column of ``codes`` at once; return outcome ids."""
        width = codes.shape[1]
        positions = np.arange(width)
        node = np.zeros(width, dtype=np.int32)
        for _ in range(self.depth):
            node = self.child[node, codes[self.attr[node], positions]]
        return self.leaf_outcome[node]

    def rulings(self, codes: Codes, items: npt.NDArray[np.int32]) -> list[Ruling]:
        """Return the full ruling of each single-item question in a batch.

        Args:
            codes: one row per fact (``self.columns``), one column per question.
            items: the index in ``self.items`` of each question's item.
        """
        keys = self.outcome_ids(codes).astype(np.int64) * len(self.items) + items
        unique, inverse = np.unique(keys, return_inverse=True)
        table = [self._ruling(int(key)) for key in unique]
        return [table[i] for i in inverse.tolist()]

    def _ruling(self, key: int) -> Ruling:
        ruling = self._rulings.get(key)
        if ruling is None:
            outcome, item = divmod(key, len(self.items))
            ruling = assemble((self.items[item],), (self.outcomes[outcome],), self.space.profile)
            self._rulings[key] = ruling
        return ruling


def _depth(tree: Node | Leaf) -> int:
    if isinstance(tree, Leaf):
        return 0
    return 1 + max(_depth(child) for child in tree.children.values())


@cache
def compile_policy(profile: Profile) -> CompiledPolicy:
    """Return the compiled policy of a profile (built once, in a few seconds)."""
    return CompiledPolicy(profile)


def question_json(known: Assignment, profile: Profile) -> dict[str, Any]:
    """Return the simplest question (schema defaults elsewhere) agreeing with ``known``.

    A fact is written where the question states it, when it differs from its
    default; the act and the recipient's kind are always written (an official,
    when ``known`` leaves it open), so an example says what it does and to whom.
    """
    facts = {"recipient": RecipientKind.OFFICIAL, **known}
    traits = facts.get("item")
    item = next(n for n, t in profile.items.items() if traits is None or t == traits)
    # in the order people read a question: what, to whom, about which item
    question: dict[str, Any] = {"act": None, "recipient": {}, "information": [item]}
    for fact in STATED:
        value = facts.get(fact.name, fact.default)
        if fact.name == "act" or fact.default is REQUIRED or value != fact.default:
            *path, last = fact.at or ()
            here = question
            for key in path:
                here = here.setdefault(key, {})
            here[last] = fact.json(value)
    if facts.get("suppressed"):  # a question lists the suppressed items by name
        question.setdefault("student", {})["suppressed"] = [item]
    return question


def example_question(rule_id: str, profile: Profile) -> dict[str, Any] | None:
    """Return the simplest question whose ruling gives ``rule_id`` as a reason, if any."""
    best: tuple[int, dict[str, Any]] | None = None
    for leaf in leaves(compile_policy(profile).tree):
        outcome = leaf.outcome
        if rule_id not in {f.rule.id for f in (outcome.deciding, *outcome.added)}:
            continue
        question = question_json(leaf.known, profile)
        weight = len(json.dumps(question))
        if best is None or weight < best[0]:
            best = (weight, question)
    return None if best is None else best[1]


def every_completion(space: Space, known: Assignment, check: Callable[[Facts], bool]) -> bool:
    """Return whether ``check`` holds for every question that agrees with ``known``.

    ``check`` reads facts like a rule does; a fact it asks for that ``known``
    does not fix is tried with every value.
    """
    try:
        return check(cast(Facts, _Probe(known)))
    except _Unread as unread:
        name = _needed(unread.name, known)
        return all(
            every_completion(space, {**known, name: value}, check)
            for value in space.domain(name, known)
        )


def _behaviour(outcome: Outcome) -> tuple[Any, ...]:
    """Return what of an outcome is behaviour: the decision and every finding's effect."""
    return (
        outcome.decision.value,
        tuple(
            (f.rule.id, tuple(c.value for c in f.conditions), f.refer_to and f.refer_to.id)
            for f in (outcome.deciding, *outcome.added)
        ),
    )


def fingerprint(profile: Profile, rules: Mapping[Effect, Sequence[Rule]] | None = None) -> str:
    """Return a digest of everything the policy decides under ``profile``.

    It covers every rule's words (as the profile words them), the profile's
    facts, and the canonical form of the decision tree (``canonical``): the
    outcome of every question, not the order in which the rules read facts.
    Any change in behaviour changes it; a refactoring that keeps behaviour
    does not.

    Args:
        rules: the rules by effect; the registered rules unless a test gives others.
    """
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(json.dumps(parts, default=str, sort_keys=True).encode())

    listed = RULES if rules is None else tuple(r for group in rules.values() for r in group)
    for rule in sorted(listed, key=lambda r: r.id):
        words = (rule.explanation_for(profile), rule.remedy_for(profile))  # as the profile says
        add(rule.id, rule.effect.value, rule.cites, *words)
    add(profile.id, profile.name, sorted((k, str(v)) for k, v in profile.items.items()))
    add(sorted(profile.shown_by_default), sorted(profile.referrals.items()))
    add(sorted((k, str(v)) for k, v in profile.offices.items()), profile.sensitive_subject_words)
    add(sorted((k, sorted(v)) for k, v in profile.need_to_know.items()))
    add(profile.record_consented_releases)
    space = Space(profile) if rules is None else Space(profile, rules)
    tree = compile_policy(profile).tree if rules is None else explore(space)
    domains = {**space.domains, "suppressed": _BOOL}
    add(canonical.digest(tree, domains, _behaviour)[0])
    return digest.hexdigest()
