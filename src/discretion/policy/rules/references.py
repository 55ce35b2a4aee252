"""May letters of recommendation and references use the record? (faq.references)

Yes, with the student's specific written consent. Asking for a separate signed
form for every letter is a burden, so a short email from the student naming
the purpose, the information and the recipient is enough for references.
"""

from __future__ import annotations

from discretion.policy.facts import (
    Facts,
    has_need_to_know,
    has_written_consent,
    is_open_directory,
    is_plain,
)
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Act, Condition, ConsentForm

_CONDITIONS = Applies((Condition.STATED_PURPOSE_ONLY, Condition.NO_REDISCLOSURE))


def _needs_consent(facts: Facts) -> bool:
    if not is_plain(facts, Act.REFERENCE) or has_need_to_know(facts):
        return False
    return not is_open_directory(facts)


@rule(
    "references.specific_written_consent",
    cites=("faq.references", "cfr.99.30.a", "cfr.99.30.b"),
    effect=Effect.PERMIT,
    explanation=(
        "The student's specific written consent covers using this information in the "
        "reference, for the purpose and recipient it names."
    ),
)
def specific_written_consent(facts: Facts, profile: Profile) -> Applies | None:
    """A reference may use the record with the student's specific written consent."""
    return _CONDITIONS if _needs_consent(facts) and has_written_consent(facts) else None


@rule(
    "references.email_consent_suffices",
    cites=("faq.references",),
    effect=Effect.PERMIT,
    explanation=(
        "For a reference, the student's email naming the purpose, the information and "
        "the recipient counts as their specific written consent."
    ),
)
def email_consent_suffices(facts: Facts, profile: Profile) -> Applies | None:
    """Exception: a specific email from the student is consent enough for references."""
    if not _needs_consent(facts) or facts.consent is not ConsentForm.EMAIL:
        return None
    return _CONDITIONS if facts.specific else None


@rule(
    "references.consent_missing",
    cites=("faq.references", "cfr.99.30.a"),
    effect=Effect.DENY,
    explanation=(
        "A reference may draw on the student's record only with their specific written "
        "consent, which is missing here."
    ),
    remedy=(
        "Ask the student for a brief email saying what they are applying for, which "
        "information you may use, and to whom it goes."
    ),
)
def consent_missing(facts: Facts, profile: Profile) -> Applies | None:
    """Without specific consent, a reference uses open directory information only."""
    return APPLIES if _needs_consent(facts) else None
