"""``decide``: rule on a question. All precedence lives here.

For each information item the rules are consulted by effect: the first
deferral decides (legal process, which is an office's to answer whatever it
asks); else the first ban; else the first referral; else the first permit,
with the conditions of every condition rule that applies; else the first
deny; else the default deny. Across items the strictest decides (deny, then
refer, then permit), and ``by_information`` shows each item.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from discretion.policy.facts import FACT_NAMES, PER_ITEM, Facts, fact_value, item_facts
from discretion.policy.profile import Office, Profile, load_profile
from discretion.policy.question import Question
from discretion.policy.registry import Effect, Rule
from discretion.policy.rules import BY_EFFECT, DEFAULT, MODULES
from discretion.policy.ruling import ItemRuling, Reason, Ruling
from discretion.policy.version import POLICY_VERSION
from discretion.policy.vocabulary import Condition, Decision

__all__ = ["Finding", "Outcome", "assemble", "decide", "decide_plainly", "evaluate"]

_SEVERITY = {Decision.PERMIT: 0, Decision.REFER: 1, Decision.DENY: 2}
_CONDITION_ORDER = {c: i for i, c in enumerate(Condition)}
_MEMO_LIMIT = 1 << 16
# An engine of a built-in profile adopts the shipped tree (``prebuilt``) once it
# has met this many new classes: loading it takes 3-8 ms, about as long as the
# plain rules take for 200-500 classes (~15 us each), so a process that asks a
# question or two (``discretion ask``) never loads it, and one that goes on
# stops running the rules after its first ~1 ms of them.
ADOPT_AFTER = 64
_FACT_NAMES = frozenset(FACT_NAMES)


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that applied to an item, with what it said."""

    rule: Rule
    conditions: tuple[Condition, ...] = ()
    refer_to: Office | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The ruling on one item: its decision, the deciding finding, and added conditions."""

    decision: Decision
    deciding: Finding
    added: tuple[Finding, ...] = ()

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """Return the conditions in force on this item, in vocabulary order."""
        found = {c for f in (self.deciding, *self.added) for c in f.conditions}
        return tuple(sorted(found, key=_CONDITION_ORDER.__getitem__))


def evaluate(
    facts: Facts, profile: Profile, rules: Mapping[Effect, Sequence[Rule]] = BY_EFFECT
) -> Outcome:
    """Rule on one item: the plain rules, in precedence order.

    Args:
        facts: the item's facts.
        profile: the institution profile.
        rules: the rules by effect; the registered rules unless a test gives others.
    """
    for effect in (Effect.DEFER, Effect.BAN, Effect.REFER, Effect.PERMIT, Effect.DENY):
        for rule in rules.get(effect, ()):
            hit = rule.check(facts, profile)
            if hit is None:
                continue
            deciding = Finding(rule, hit.conditions, hit.refer_to)
            if effect is not Effect.PERMIT:
                return Outcome(effect.decision, deciding)
            added = []
            for condition_rule in rules.get(Effect.CONDITION, ()):
                extra = condition_rule.check(facts, profile)
                if extra is not None:
                    added.append(Finding(condition_rule, extra.conditions))
            return Outcome(Decision.PERMIT, deciding, tuple(added))
    return Outcome(Decision.DENY, Finding(DEFAULT))


@cache
def _reason(rule: Rule, profile: Profile) -> Reason:
    return Reason(rule.id, rule.citation, rule.explanation_for(profile))


def assemble(items: Sequence[str], outcomes: Sequence[Outcome], profile: Profile) -> Ruling:
    """Combine the outcomes of a question's items into its ruling."""
    decision = max((o.decision for o in outcomes), key=_SEVERITY.__getitem__)
    deciding = [o for o in outcomes if o.decision is decision]
    findings = [f for o in deciding for f in (o.deciding, *o.added)]
    rules = list(dict.fromkeys(f.rule for f in findings))
    conditions: tuple[Condition, ...] = ()
    remedy = None
    refer_to = None
    if decision is Decision.PERMIT:
        found = {c for o in outcomes for c in o.conditions}
        conditions = tuple(sorted(found, key=_CONDITION_ORDER.__getitem__))
    elif decision is Decision.REFER:
        # A deferral (legal process) names the office; otherwise referrals about
        # who asks (parents, legal process, media) come later in the FAQ than the
        # Registrar's degree checks, and decide the office.
        refer_to = max(
            deciding,
            key=lambda o: (
                o.deciding.rule.effect is Effect.DEFER,
                MODULES.index(o.deciding.rule.module),
            ),
        ).deciding.refer_to
    else:
        remedies = dict.fromkeys(o.deciding.rule.remedy_for(profile) for o in deciding)
        remedy = " ".join(r for r in remedies if r is not None) or None
    return Ruling(
        decision=decision,
        refer_to=refer_to,
        conditions=conditions,
        by_information={
            item: ItemRuling(o.decision, o.deciding.rule.id, o.deciding.refer_to)
            for item, o in zip(items, outcomes, strict=True)
        },
        reasons=tuple(_reason(rule, profile) for rule in rules),
        remedy=remedy,
        policy_version=POLICY_VERSION,
        profile=profile.id,
    )


class _Branch:
    """A fact the rules read next, and what follows from each of its values seen so far."""

    __slots__ = ("children", "derive", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.derive = PER_ITEM.get(name)
        self.children: dict[Any, _Branch | int] = {}


class _Reader:
    """An item's facts, each worked out when a rule first reads it; ``_read`` lists them.

    A fact once read is kept as an attribute, so reading it again costs no call.
    Its own attributes start with an underscore: no fact's name does.
    """

    def __init__(self, question: Question, item: str, profile: Profile) -> None:
        self._question, self._item, self._profile = question, item, profile
        self._read: list[tuple[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        if name not in _FACT_NAMES:
            raise AttributeError(name)  # as ``ItemFacts`` would: a rule read no fact
        value = fact_value(self._question, self._item, self._profile, name)
        self._read.append((name, value))
        setattr(self, name, value)
        return value


class _Engine:
    """Rulings for one profile, remembered: the question space is finite.

    An item's outcome is found by walking the decision tree of the rules (as
    ``compiled.explore`` builds it, a dict lookup per fact the rules read),
    grown lazily: the first item to reach a new branch is ruled by the plain
    rules through a ``_Reader``, and the facts it read, in the order read,
    become the path to its outcome. The rules read facts in an order fixed by
    the values read before, so every item that agrees on those facts gets
    that outcome. A ruling is assembled once per tuple of outcomes and items.

    After ``adopt_after`` new classes, an engine of a built-in profile swaps
    the tree grown so far for the full tree shipped with the package
    (``prebuilt``), when its file is fresh; it then never runs the rules again.
    """

    def __init__(
        self,
        profile: Profile,
        rules: Mapping[Effect, Sequence[Rule]] = BY_EFFECT,
        *,
        adopt_after: int | None = ADOPT_AFTER,
    ) -> None:
        """Start with no tree.

        Args:
            profile: the institution profile.
            rules: the rules by effect; the registered rules unless a test gives others.
            adopt_after: how many new classes to meet before adopting the shipped tree
                of a built-in profile (with the registered rules); ``None``: never.
        """
        self.profile = profile
        self.rules = rules
        self.adopt_after = adopt_after if rules is BY_EFFECT else None
        self.met = 0  # new classes met, each ruled by the plain rules
        self.complete = False  # the tree holds every class: it was adopted
        self.root: _Branch | int | None = None
        self.outcomes: list[Outcome] = []
        self.numbers: dict[Outcome, int] = {}
        self.item_rulings: list[ItemRuling] = []
        self.assembled: dict[tuple[int, ...], Ruling] = {}
        self.classes: dict[tuple[tuple[str, ...], tuple[int, ...]], Ruling] = {}
        self.rulings: dict[str, Ruling] = {}
        self.lock = threading.Lock()

    def grow(self, question: Question, item: str) -> int:
        """Rule on an item with the plain rules; add the path of facts they read to the tree."""
        with self.lock:  # rare, and numbering outcomes must not race
            return self._grow(question, item)

    def _grow(self, question: Question, item: str) -> int:
        self.met += 1
        if self.adopt_after is not None and self.met > self.adopt_after:
            self.adopt()
        reader = _Reader(question, item, self.profile)
        number = self.number(evaluate(cast(Facts, reader), self.profile, self.rules))
        if self.complete:  # the full tree needs nothing (just adopted, or a walk began before)
            return number
        parent: _Branch | None = None
        edge: Any = None  # the value that leads from ``parent`` to ``node``
        node = self.root
        for name, value in reader._read:
            if node is None:
                node = _Branch(name)
                self._attach(parent, edge, node)
            assert type(node) is _Branch and node.name == name  # INVARIANT: reads are ordered
            parent, edge, node = node, value, node.children.get(value)
        self._attach(parent, edge, number)  # (another thread may have grown it: the same)
        return number

    def number(self, outcome: Outcome) -> int:
        """Return the number of an outcome, numbering it if it is new."""
        number = self.numbers.get(outcome)
        if number is None:
            number = self.numbers[outcome] = len(self.outcomes)
            self.outcomes.append(outcome)
            self.item_rulings.append(ItemRuling(outcome.decision, outcome.deciding.rule.id,
                                         outcome.deciding.refer_to))  # fmt: skip
        return number

    def adopt(self) -> bool:
        """Replace the tree grown so far with the shipped full tree, if there is a fresh one.

        Tried once by ``decide``: a profile that is not built-in, or a missing or
        stale file, leaves the engine growing its tree. Returns whether the
        engine holds the full tree.
        """
        from discretion.policy import prebuilt  # only a process that goes on reads it

        self.adopt_after = None
        root = None if self.complete else prebuilt.load(self.profile, self.number)
        if root is not None:
            self.root, self.complete = root, True
        return self.complete

    def _attach(self, parent: _Branch | None, value: Any, child: _Branch | int) -> None:
        if parent is None:
            self.root = child
        else:
            parent.children[value] = child

    def ruling(self, items: tuple[str, ...], numbers: tuple[int, ...]) -> Ruling:
        """Assemble the ruling on ``items`` whose outcomes are ``numbers``; remember it."""
        like = self.assembled.get(numbers)
        if like is None:
            outcomes = [self.outcomes[n] for n in numbers]
            ruling = like = assemble(items, outcomes, self.profile)
            _remember(self.assembled, numbers, like)
        else:
            # only ``by_information`` names the items; the rest follows from the outcomes
            ruling = Ruling(
                decision=like.decision,
                refer_to=like.refer_to,
                conditions=like.conditions,
                by_information=dict(
                    zip(items, map(self.item_rulings.__getitem__, numbers), strict=True)
                ),
                reasons=like.reasons,
                remedy=like.remedy,
                policy_version=like.policy_version,
                profile=like.profile,
            )
        _remember(self.classes, (items, numbers), ruling)
        return ruling

    def decide(self, question: Question) -> Ruling:
        ruling = self.rulings.get(question.key)
        if ruling is not None:
            return ruling
        profile = self.profile
        known = profile.items
        stated = question.stated
        items = question.information
        numbers = []
        for item in items:  # walk the tree (the hot loop: kept inline)
            if item not in known:  # an error, whether the rules read the item or not
                profile.traits(item)
            node = self.root
            while isinstance(node, _Branch):
                derive = node.derive
                value = stated.get(node.name)
                if derive is not None:
                    value = derive(question, item, profile, value)
                node = node.children.get(value)
            numbers.append(self.grow(question, item) if node is None else node)
        key = (items, tuple(numbers))
        ruling = self.classes.get(key)
        if ruling is None:
            ruling = self.ruling(*key)
        _remember(self.rulings, question.key, ruling)
        return ruling


def _remember(memo: dict[Any, Ruling], key: Any, ruling: Ruling) -> None:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = ruling


@cache
def _engine(profile: Profile) -> _Engine:
    return _Engine(profile)


def decide(question: Question, profile: Profile | None = None) -> Ruling:
    """Rule on a question.

    Total and deterministic: every valid question gets a ruling with at least
    one reason, and the same question always gets the same ruling.

    Args:
        question: the question, e.g. from ``parse_question``.
        profile: the institution profile; MIT's by default.

    Raises:
        UnknownInformationError: the question names an item the profile does not know.
    """
    return _engine(profile or load_profile()).decide(question)


def decide_plainly(question: Question, profile: Profile | None = None) -> Ruling:
    """Rule on a question with the plain rules, item by item: no tree, no memo.

    ``decide`` must always answer exactly this; the tests hold it to it.
    """
    profile = profile or load_profile()
    outcomes = [evaluate(item_facts(question, i, profile), profile) for i in question.information]
    return assemble(question.information, outcomes, profile)
