"""What about information that is not directory information? (faq.non_directory)

The rest of the record is non-directory information: it leaves the Institute
only with the student's prior written consent.
"""

from __future__ import annotations

from discretion.policy.facts import Facts, is_outside, is_plain
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Act


@rule(
    "non_directory.outside_needs_written_consent",
    cites=("faq.non_directory", "cfr.99.30.a"),
    effect=Effect.DENY,
    explanation=(
        "Non-directory information may leave the Institute only with the student's prior, "
        "written consent; an email or a spoken agreement is not enough."
    ),
    remedy=(
        "Get the student's signed and dated written consent naming the records, the "
        "purpose and the recipient."
    ),
)
def outside_needs_written_consent(facts: Facts, profile: Profile) -> Applies | None:
    """Non-directory information needs prior written consent to leave."""
    if not is_plain(facts, Act.DISCLOSE) or facts.item.directory:
        return None
    return APPLIES if is_outside(facts) else None
