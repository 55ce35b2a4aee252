"""What if a student's parents ask about their child's record? (faq.parents)

The Institute speaks with students, not their parents, about academic, health
and advising matters. A parent asking for anything beyond open directory
information is sent to the dean's office for the student's level, which gives
them as much as the law allows.
"""

from __future__ import annotations

from discretion.policy.facts import Facts, is_open_directory, is_posting
from discretion.policy.profile import Profile
from discretion.policy.registry import Applies, Effect, rule
from discretion.policy.vocabulary import Act, RecipientKind


@rule(
    "parents.refer_to_dean_by_level",
    cites=("faq.parents",),
    effect=Effect.REFER,
    explanation=(
        "Parents asking for non-directory information are referred to the dean's office "
        "for the student's level, which tells them what the law permits."
    ),
)
def refer_to_dean_by_level(facts: Facts, profile: Profile) -> Applies | None:
    """Parents go to the dean's office for anything but open directory items.

    A parent who asks to inspect the student's records is asking for the record
    itself, directory items included.
    """
    if facts.recipient is not RecipientKind.PARENT:
        return None
    inspection = facts.act is Act.INSPECT_OWN_RECORD
    if not inspection and (
        is_posting(facts) or facts.act is Act.SHARE_CLASS_LIST or is_open_directory(facts)
    ):
        return None
    office = profile.referral("parents", facts.level)
    return None if office is None else Applies(refer_to=office)
