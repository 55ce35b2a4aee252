"""The engine's answer: ``Ruling`` and its parts, and their JSON form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from discretion.policy.profile import Office
from discretion.policy.vocabulary import Condition, Decision

__all__ = ["ItemRuling", "Reason", "Ruling"]


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule that decided, with its citation and a plain explanation."""

    rule: str
    cites: str
    explanation: str

    def to_json(self) -> dict[str, str]:
        """Return the schema form."""
        return {"rule": self.rule, "cites": self.cites, "explanation": self.explanation}


@dataclass(frozen=True, slots=True)
class ItemRuling:
    """The ruling for one information item."""

    decision: Decision
    rule: str
    refer_to: Office | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the schema form."""
        return {
            "decision": self.decision.value,
            "rule": self.rule,
            "refer_to": None if self.refer_to is None else self.refer_to.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Ruling:
    """Permit, deny or refer, with why, under which conditions, and what would cure it."""

    decision: Decision
    refer_to: Office | None
    conditions: tuple[Condition, ...]
    by_information: Mapping[str, ItemRuling]
    reasons: tuple[Reason, ...]
    remedy: str | None
    policy_version: str
    profile: str

    # the JSON form, built on first asking: one ruling serves every question of its class
    _json: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def rules(self) -> tuple[str, ...]:
        """Return the ids of the rules that decided, in reason order."""
        return tuple(reason.rule for reason in self.reasons)

    def to_json(self, *, remember: bool = True) -> dict[str, Any]:
        """Return exactly the form of ``ruling.schema.json``.

        Built once per ruling; each call returns a new outer dict, whose nested
        parts are shared and must not be changed. ``remember=False`` builds it
        without keeping it: a stream of rulings serialised once each (``ask
        --ndjson``) would otherwise keep a form on every ruling decide remembers
        (about 100 MiB over a million random questions).
        """
        form = self._json
        if form is None:
            form = {
                "decision": self.decision.value,
                "refer_to": None if self.refer_to is None else self.refer_to.to_json(),
                "conditions": [c.value for c in self.conditions],
                "by_information": {k: v.to_json() for k, v in self.by_information.items()},
                "reasons": [r.to_json() for r in self.reasons],
                "remedy": self.remedy,
                "policy_version": self.policy_version,
                "profile": self.profile,
            }
            if remember:
                object.__setattr__(self, "_json", form)
        return dict(form)
