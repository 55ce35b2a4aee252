"""With whom may I share my class lists? (faq.class_lists)

The instructor in charge of a subject may share its class lists, photographs
included, only with the faculty, TAs and administrators assigned to that
subject. They may not pass them on, nor use them beyond their teaching and
administrative duties in it.
"""

from __future__ import annotations

from discretion.policy.facts import Facts, is_served_process
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Act, Condition, RecipientKind

_CONDITIONS = Applies((Condition.NO_REDISCLOSURE, Condition.STATED_PURPOSE_ONLY))


def _to_assigned_staff(facts: Facts) -> bool:
    return facts.recipient is RecipientKind.OFFICIAL and facts.assigned_to_subject


@rule(
    "class_lists.not_assigned",
    cites=("faq.class_lists",),
    effect=Effect.BAN,
    explanation=(
        "Class lists go only to faculty, TAs and administrators assigned to the subject; "
        "no consent or other role widens that."
    ),
    remedy="Share the list only with staff assigned to the subject.",
)
def not_assigned(facts: Facts, profile: Profile) -> Applies | None:
    """Nobody outside the subject's staff receives its class list.

    A subpoena or court order for it is legal process, answered as such.
    """
    if facts.act is not Act.SHARE_CLASS_LIST or is_served_process(facts):
        return None
    return None if _to_assigned_staff(facts) else APPLIES


@rule(
    "class_lists.assigned_staff_only",
    cites=("faq.class_lists",),
    effect=Effect.PERMIT,
    explanation=(
        "The recipient is assigned to the subject, so the class list may be shared, to be "
        "used only for the subject and passed on to no one."
    ),
)
def assigned_staff_only(facts: Facts, profile: Profile) -> Applies | None:
    """The subject's own staff may receive its class list."""
    if facts.act is not Act.SHARE_CLASS_LIST:
        return None
    return _CONDITIONS if _to_assigned_staff(facts) else None
