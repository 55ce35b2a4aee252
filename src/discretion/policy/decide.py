"""``decide``: rule on a question. All precedence lives here.

For each information item the rules are consulted by effect: the first
deferral decides (legal process, which is an office's to answer whatever it
asks); else the first ban; else the first referral; else the first permit,
with the conditions of every condition rule that applies; else the first
deny; else the default deny. Across items the strictest decides (deny, then
refer, then permit), and ``by_information`` shows each item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from discretion.policy.facts import Facts, item_facts
from discretion.policy.profile import Office, Profile, load_profile
from discretion.policy.question import Question
from discretion.policy.registry import Effect, Rule
from discretion.policy.rules import BY_EFFECT, DEFAULT, MODULES
from discretion.policy.ruling import ItemRuling, Reason, Ruling
from discretion.policy.version import POLICY_VERSION
from discretion.policy.vocabulary import Condition, Decision

__all__ = ["Finding", "Outcome", "assemble", "decide", "evaluate"]

_SEVERITY = {Decision.PERMIT: 0, Decision.REFER: 1, Decision.DENY: 2}
_CONDITION_ORDER = {c: i for i, c in enumerate(Condition)}
_MEMO_LIMIT = 1 << 16


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
def _reason(rule: Rule) -> Reason:
    return Reason(rule.id, rule.citation, rule.explanation)


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
        remedies = dict.fromkeys(o.deciding.rule.remedy for o in deciding)
        remedy = " ".join(r for r in remedies if r is not None) or None
    return Ruling(
        decision=decision,
        refer_to=refer_to,
        conditions=conditions,
        by_information={
            item: ItemRuling(o.decision, o.deciding.rule.id, o.deciding.refer_to)
            for item, o in zip(items, outcomes, strict=True)
        },
        reasons=tuple(_reason(rule) for rule in rules),
        remedy=remedy,
        policy_version=POLICY_VERSION,
        profile=profile.id,
    )


class _Engine:
    """Rulings for one profile, remembered: the question space is finite."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.outcomes: dict[object, Outcome] = {}
        self.rulings: dict[str, Ruling] = {}

    def outcome(self, question: Question, item: str) -> Outcome:
        facts = item_facts(question, item, self.profile)
        found = self.outcomes.get(facts)
        if found is None:
            if len(self.outcomes) >= _MEMO_LIMIT:
                self.outcomes.clear()
            found = self.outcomes[facts] = evaluate(facts, self.profile)
        return found

    def decide(self, question: Question) -> Ruling:
        ruling = self.rulings.get(question.key)
        if ruling is None:
            outcomes = [self.outcome(question, item) for item in question.information]
            ruling = assemble(question.information, outcomes, self.profile)
            if len(self.rulings) >= _MEMO_LIMIT:
                self.rulings.clear()
            self.rulings[question.key] = ruling
        return ruling


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
