"""Rules: small pure functions with a stable id, a citation and an effect.

A rule reads one item's ``Facts`` and the ``Profile`` and returns ``Applies``
when it applies, or ``None``. Its effect is fixed when it is registered;
``decide`` alone orders effects (see ``Effect``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from discretion.policy.clauses import CLAUSES, render_cites
from discretion.policy.errors import RuleDefinitionError
from discretion.policy.facts import Facts
from discretion.policy.profile import Office, Profile
from discretion.policy.vocabulary import Condition, Decision

__all__ = ["APPLIES", "REGISTRY", "Applies", "Check", "Effect", "Rule", "rule"]


class Effect(Enum):
    """What a rule does when it applies, strongest first.

    For each item, the first deferral decides (a request that is not staff's to
    answer at all, such as legal process: it goes to its office whatever it
    asks for or however it would travel); else the first ban; else the first
    referral; else the first permit, to which every applicable condition rule
    adds; else the first deny; else the single default rule.
    """

    DEFER = "defer"
    BAN = "ban"
    REFER = "refer"
    PERMIT = "permit"
    CONDITION = "condition"
    DENY = "deny"
    DEFAULT = "default"

    @property
    def decision(self) -> Decision:
        """Return the decision this effect gives an item."""
        return _DECISIONS[self]


_DECISIONS = {
    Effect.DEFER: Decision.REFER,
    Effect.BAN: Decision.DENY,
    Effect.REFER: Decision.REFER,
    Effect.PERMIT: Decision.PERMIT,
    Effect.CONDITION: Decision.PERMIT,
    Effect.DENY: Decision.DENY,
    Effect.DEFAULT: Decision.DENY,
}


@dataclass(frozen=True, slots=True)
class Applies:
    """A rule's answer when it applies: its conditions and, for a referral, the office."""

    conditions: tuple[Condition, ...] = ()
    refer_to: Office | None = None


APPLIES = Applies()

Check = Callable[[Facts, Profile], Applies | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """One registered rule."""

    id: str
    cites: tuple[str, ...]
    effect: Effect
    explanation: str
    remedy: str | None
    check: Check
    doc: str

    @property
    def module(self) -> str:
        """Return the rules module the rule belongs to."""
        return self.id.split(".", 1)[0]

    @property
    def citation(self) -> str:
        """Return the rendered citation of the rule."""
        return render_cites(self.cites)

    def explanation_for(self, profile: Profile) -> str:
        """Return the explanation in the profile's words ("the institution", not MIT's
        "the Institute", under the federal baseline)."""
        return profile.worded(self.explanation)

    def remedy_for(self, profile: Profile) -> str | None:
        """Return the remedy, if any, in the profile's words."""
        return None if self.remedy is None else profile.worded(self.remedy)


REGISTRY: dict[str, Rule] = {}

_ID = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


def rule(
    rule_id: str,
    *,
    cites: tuple[str, ...],
    effect: Effect,
    explanation: str,
    remedy: str | None = None,
) -> Callable[[Check], Rule]:
    """Register a rule.

    Args:
        rule_id: ``<module>.<what it decides>``; never renamed or reused.
        cites: the clause ids it implements, broadest first.
        effect: what it does when it applies.
        explanation: one plain sentence for the ruling's reason.
        remedy: what would make the act permissible, for denying effects.

    Raises:
        RuleDefinitionError: a duplicate or malformed id, an id that does not
            match its module, no or unknown clauses, no docstring, or a remedy
            on an effect that does not deny.
    """

    def register(check: Check) -> Rule:
        module = check.__module__.rsplit(".", 1)[-1]
        if not _ID.match(rule_id) or rule_id.split(".")[0] != module:
            raise RuleDefinitionError(f"rule id `{rule_id}` must read `{module}.<what>`")
        if rule_id in REGISTRY:
            raise RuleDefinitionError(f"rule id `{rule_id}` is registered twice")
        if not cites:
            raise RuleDefinitionError(f"rule `{rule_id}` cites nothing; name its clause")
        unknown = [c for c in cites if c not in CLAUSES]
        if unknown:
            raise RuleDefinitionError(f"rule `{rule_id}` cites unknown clause `{unknown[0]}`")
        doc = " ".join((check.__doc__ or "").split())
        if not doc:
            raise RuleDefinitionError(f"rule `{rule_id}` has no docstring")
        if remedy is not None and effect.decision is not Decision.DENY:
            raise RuleDefinitionError(f"rule `{rule_id}` does not deny, so it has no remedy")
        registered = Rule(rule_id, cites, effect, explanation, remedy, check, doc)
        REGISTRY[rule_id] = registered
        return registered

    return register
