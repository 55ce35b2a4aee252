"""Readable text for rulings and rules (the CLI's default output)."""

from __future__ import annotations

from collections.abc import Sequence

from discretion.policy.clauses import CLAUSES
from discretion.policy.conditions import CONDITION_TEXT
from discretion.policy.profile import Profile
from discretion.policy.registry import Rule
from discretion.policy.ruling import Ruling
from discretion.policy.vocabulary import Decision

__all__ = ["render_answer", "render_rule", "render_ruling"]

_HEADLINE = {
    Decision.PERMIT: "PERMIT: this may be shared",
    Decision.DENY: "DENY: this may not be shared",
    Decision.REFER: "REFER: send this request on",
}


def render_ruling(ruling: Ruling) -> str:
    """Return a ruling as text a person can act on."""
    lines = [_HEADLINE[ruling.decision]]
    if ruling.refer_to is not None:
        office = ruling.refer_to
        where = f", {office.location}" if office.location else ""
        lines.append(f"Refer to: {office.name}{where}")
    if ruling.conditions:
        lines.append("Conditions:")
        lines += [f"  - {c.value}: {CONDITION_TEXT[c]}" for c in ruling.conditions]
    lines.append("Why:")
    for reason in ruling.reasons:
        lines.append(f"  - {reason.explanation}")
        lines.append(f"    rule {reason.rule}; cites {reason.cites}")
    if ruling.remedy:
        lines.append(f"What would make it permissible: {ruling.remedy}")
    elif ruling.decision is Decision.DENY:
        lines.append("What would make it permissible: nothing; this is never allowed.")
    if len(ruling.by_information) > 1:
        lines.append("By item:")
        for item, item_ruling in ruling.by_information.items():
            lines.append(f"  {item}: {item_ruling.decision.value} ({item_ruling.rule})")
    return "\n".join(lines)


def render_answer(ruling: Ruling, notes: Sequence[str] = ()) -> str:
    """Return a ruling, and the notes of a store-backed answer, as text a person can act on."""
    text = render_ruling(ruling)
    if notes:
        text += "\nNote:\n" + "\n".join(f"  - {note}" for note in notes)
    return text


def render_rule(rule: Rule, profile: Profile) -> str:
    """Return a rule in the profile's words: id, effect, what it implements, its citations."""
    remedy = rule.remedy_for(profile)
    lines = [
        f"{rule.id}  [{rule.effect.value}]",
        f"Policy point: {profile.worded(rule.doc)}",
        f"In a ruling: {rule.explanation_for(profile)}",
    ]
    if remedy:
        lines.append(f"Remedy: {remedy}")
    lines.append("Cites:")
    for clause_id in rule.cites:
        clause = CLAUSES[clause_id]
        lines.append(f"  - {clause.id}: {clause.locator} ({clause.source})")
        lines.append(f"    {clause.summary}")
    return "\n".join(lines)
