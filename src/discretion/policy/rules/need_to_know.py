"""What is a need to know? (faq.need_to_know)

Officials (people employed in an administrative, academic, research,
supervisory or support role) with a legitimate educational interest may see
the particular information their duties require, without the student's
consent. Suppression and withholding do not bind them.
"""

from __future__ import annotations

from discretion.policy.facts import Facts, has_need_to_know, is_plain
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Act, RecipientKind


@rule(
    "need_to_know.official_with_need",
    cites=("faq.need_to_know", "cfr.99.31.a.1"),
    effect=Effect.PERMIT,
    explanation=(
        "The recipient is an Institute official who needs this information for their "
        "duties, so no consent is required."
    ),
)
def official_with_need(facts: Facts, profile: Profile) -> Applies | None:
    """An official with a legitimate educational interest may see what the duty needs."""
    if not (is_plain(facts, Act.DISCLOSE) or is_plain(facts, Act.REFERENCE)):
        return None
    return APPLIES if has_need_to_know(facts) else None


@rule(
    "need_to_know.official_without_need",
    cites=("faq.need_to_know", "cfr.99.31.a.1"),
    effect=Effect.DENY,
    explanation=(
        "Being an Institute official is not enough: non-directory information goes only "
        "to officials whose duties need it."
    ),
    remedy=(
        "Establish that the recipient needs this information for their duties, or get the "
        "student's explicit consent."
    ),
)
def official_without_need(facts: Facts, profile: Profile) -> Applies | None:
    """An official without a need to know is treated like anyone else inside."""
    if not is_plain(facts, Act.DISCLOSE) or facts.recipient is not RecipientKind.OFFICIAL:
        return None
    if facts.item.directory or facts.need_to_know:
        return None
    return APPLIES
