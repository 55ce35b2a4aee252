"""A ruling in plain words, as the advisor's answer page and the terminal show it.

``explain`` turns a ``Ruling`` into a headline, the office to send the
request to, the conditions as a checklist, each reason with the clauses it
rests on (the FAQ question, the section of the law with its link), what
would change the answer, and a line per information item.
"""

from __future__ import annotations

from dataclasses import dataclass

from discretion.policy.clauses import CLAUSES
from discretion.policy.conditions import CONDITION_TEXT
from discretion.policy.phrases import decision_label, item_label
from discretion.policy.profile import Office, Profile
from discretion.policy.rules import RULES
from discretion.policy.ruling import Ruling
from discretion.policy.vocabulary import Decision

__all__ = ["Citation", "Explanation", "ItemLine", "ReasonLine", "explain", "office_line"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A clause a reason rests on: its id, title, where it is, and a link for the law's."""

    id: str
    title: str
    locator: str
    url: str | None


@dataclass(frozen=True, slots=True)
class ReasonLine:
    """One reason: the rule, its explanation, and the clauses it cites."""

    rule: str
    explanation: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class ItemLine:
    """The answer for one information item."""

    item: str
    label: str
    decision: Decision
    decision_label: str
    office: str | None


@dataclass(frozen=True, slots=True)
class Explanation:
    """The answer page: the decision in words and icon, then why and what to do."""

    decision: Decision
    decision_label: str
    headline: str
    office: str | None
    conditions: tuple[str, ...]
    reasons: tuple[ReasonLine, ...]
    remedy: str | None
    items: tuple[ItemLine, ...]
    profile: str


def office_line(office: Office) -> str:
    """Return an office with its room, e.g. ``Registrar's Office, 5-119``."""
    return office.name if office.location is None else f"{office.name}, {office.location}"


def _headline(ruling: Ruling) -> str:
    if ruling.decision is Decision.REFER:
        assert ruling.refer_to is not None  # INVARIANT: a referral names its office
        return f"Send this request to the {office_line(ruling.refer_to)}"
    if ruling.decision is Decision.DENY:
        return "No, not like this"
    if ruling.conditions:
        return "Yes, you may share this, on the conditions below"
    return "Yes, you may share this"


_CITES = {rule.id: rule.cites for rule in RULES}


def _citations(rule: str) -> tuple[Citation, ...]:
    return tuple(
        Citation(clause.id, clause.title, clause.locator, clause.url)
        for clause in (CLAUSES[clause_id] for clause_id in _CITES.get(rule, ()))
    )


def explain(ruling: Ruling, profile: Profile) -> Explanation:
    """Return the ruling in plain words, its items in the profile's order."""
    order = {name: position for position, name in enumerate(profile.items)}
    items = sorted(ruling.by_information.items(), key=lambda pair: order.get(pair[0], len(order)))
    return Explanation(
        decision=ruling.decision,
        decision_label=decision_label(ruling.decision),
        headline=_headline(ruling),
        office=None if ruling.refer_to is None else office_line(ruling.refer_to),
        conditions=tuple(CONDITION_TEXT[condition] for condition in ruling.conditions),
        reasons=tuple(
            ReasonLine(reason.rule, reason.explanation, _citations(reason.rule))
            for reason in ruling.reasons
        ),
        remedy=ruling.remedy,
        items=tuple(
            ItemLine(
                item=name,
                label=item_label(name),
                decision=line.decision,
                decision_label=decision_label(line.decision),
                office=None if line.refer_to is None else office_line(line.refer_to),
            )
            for name, line in items
        ),
        profile=profile.name,
    )
