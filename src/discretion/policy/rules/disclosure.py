"""When may information about a student be disclosed? (faq.disclosure)

Inside the Institute: to officials who need it (see need_to_know), as
directory information (see directory), or with the student's explicit
consent. Outside: as directory information the student left open, or with the
student's prior written consent.
"""

from __future__ import annotations

from discretion.policy.facts import (
    Facts,
    has_explicit_consent,
    has_need_to_know,
    has_written_consent,
    is_background_check,
    is_listing,
    is_open_directory,
    is_outside,
    is_plain,
)
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Act, Condition, RecipientKind, Students

_CONSENTED = (Condition.NO_REDISCLOSURE, Condition.STATED_PURPOSE_ONLY)
_CONSENTED_LISTING = (*_CONSENTED, Condition.ONLY_PERMITTING_STUDENTS)


def _consented(facts: Facts) -> Applies:
    return Applies(_CONSENTED_LISTING if is_listing(facts) else _CONSENTED)


@rule(
    "disclosure.inside_with_explicit_consent",
    cites=("faq.disclosure",),
    effect=Effect.PERMIT,
    explanation=(
        "The student explicitly agreed to this disclosure to someone inside the Institute, "
        "so it may go ahead for the purpose they agreed to."
    ),
)
def inside_with_explicit_consent(facts: Facts, profile: Profile) -> Applies | None:
    """Inside the Institute, explicit consent opens what directory rules do not."""
    if not is_plain(facts, Act.DISCLOSE) or is_outside(facts) or has_need_to_know(facts):
        return None
    if facts.recipient is RecipientKind.SELF and facts.students is Students.ONE:
        return None  # the student hears about themself without consenting (own_records)
    if is_open_directory(facts) or not has_explicit_consent(facts):
        return None
    return _consented(facts)


@rule(
    "disclosure.outside_with_written_consent",
    cites=("faq.disclosure", "cfr.99.30.a", "cfr.99.30.b", "cfr.99.33.a"),
    effect=Effect.PERMIT,
    explanation=(
        "The student gave prior written consent naming this recipient, purpose and "
        "information, so it may leave the Institute for that purpose only."
    ),
)
def outside_with_written_consent(facts: Facts, profile: Profile) -> Applies | None:
    """Outside the Institute, prior written consent opens any item."""
    if not is_plain(facts, Act.DISCLOSE) or not is_outside(facts) or is_background_check(facts):
        return None
    if is_open_directory(facts) or not has_written_consent(facts):
        return None
    return _consented(facts)


@rule(
    "disclosure.inside_without_consent",
    cites=("faq.disclosure",),
    effect=Effect.DENY,
    explanation=(
        "Inside the Institute, non-directory information goes only to officials who need "
        "it, or to others with the student's explicit consent."
    ),
    remedy=(
        "Get the student's explicit consent (an email or a signed note naming the "
        "recipient, the purpose and the information)."
    ),
)
def inside_without_consent(facts: Facts, profile: Profile) -> Applies | None:
    """Students and staff acting outside their duties get no non-directory information."""
    if not is_plain(facts, Act.DISCLOSE):
        return None
    if facts.recipient not in (RecipientKind.COMMUNITY, RecipientKind.SELF):
        return None
    return None if facts.item.directory else APPLIES


@rule(
    "disclosure.record_outside_release",
    cites=("cfr.99.32.a",),
    effect=Effect.CONDITION,
    explanation=(
        "A release of non-directory information outside the Institute is entered in the "
        "student's disclosure record, which the student may inspect."
    ),
)
def record_outside_release(facts: Facts, profile: Profile) -> Applies | None:
    """Every release of non-directory information outside is recorded.

    The federal rule exempts consented releases; a profile may record them too.
    """
    if not profile.record_consented_releases or not is_outside(facts):
        return None
    return None if facts.item.directory else Applies((Condition.RECORD_DISCLOSURE,))


@rule(
    "disclosure.nothing_permits",
    cites=("faq.disclosure",),
    effect=Effect.DEFAULT,
    explanation="No provision of the policy allows this, and what is not allowed is denied.",
    remedy=(
        "Ask the office responsible for student records, or get the student's specific "
        "written consent."
    ),
)
def nothing_permits(facts: Facts, profile: Profile) -> Applies | None:
    """Deny what no rule permits, refers or explains."""
    return APPLIES
