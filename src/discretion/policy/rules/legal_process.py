"""Requests from government agencies, subpoenas and court orders (faq.government_requests)

Law-enforcement agents running routine background checks (the FBI, say) get
information only when they present a form the student signed authorising
that investigation. Subpoenas and court orders go to the dean's office for
the student's level. Non-routine law-enforcement requests, such as those
about international students, go to the Registrar.
"""

from __future__ import annotations

from discretion.policy.facts import (
    Facts,
    has_written_consent,
    is_background_check,
    is_plain,
    legal_process_office,
)
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Act, Condition, LegalProcess

_COURT = (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER)


@rule(
    "legal_process.background_check_needs_signed_authorization",
    cites=("faq.government_requests",),
    effect=Effect.BAN,
    explanation=(
        "Information goes to a routine background check only when the agent presents a "
        "form the student signed authorising that investigation."
    ),
    remedy="Ask the agent for the form, signed by the student, that authorises the investigation.",
)
def background_check_needs_signed_authorization(facts: Facts, profile: Profile) -> Applies | None:
    """No signed authorisation, no information, not even directory items.

    A signed, dated written consent naming the investigation is such a form.
    """
    if not is_background_check(facts):
        return None
    return None if has_written_consent(facts) else APPLIES


@rule(
    "legal_process.background_check_with_signed_authorization",
    cites=("faq.government_requests", "cfr.99.30.a"),
    effect=Effect.PERMIT,
    explanation=(
        "The agent presented a form signed by the student authorising this investigation, "
        "so the information it covers may be given for that purpose."
    ),
)
def background_check_with_signed_authorization(facts: Facts, profile: Profile) -> Applies | None:
    """A signed authorisation opens the record to the investigation it names."""
    if not is_background_check(facts) or not is_plain(facts, Act.DISCLOSE):
        return None
    return Applies((Condition.NO_REDISCLOSURE, Condition.STATED_PURPOSE_ONLY))


@rule(
    "legal_process.subpoena_or_court_order_to_dean",
    cites=("faq.government_requests", "cfr.99.31.a.9"),
    effect=Effect.REFER,
    explanation=(
        "Subpoenas and court orders are handled by the dean's office for the student's "
        "level, not answered by individual faculty or staff."
    ),
)
def subpoena_or_court_order_to_dean(facts: Facts, profile: Profile) -> Applies | None:
    """Subpoenas and court orders go to the dean's office by level."""
    if facts.legal_process not in _COURT:
        return None
    office = legal_process_office(facts, profile)
    return None if office is None else Applies(refer_to=office)


@rule(
    "legal_process.non_routine_to_registrar",
    cites=("faq.government_requests",),
    effect=Effect.REFER,
    explanation=(
        "Non-routine requests from law enforcement, such as those about international "
        "students, are handled by the Registrar."
    ),
)
def non_routine_to_registrar(facts: Facts, profile: Profile) -> Applies | None:
    """Non-routine law-enforcement requests go to the Registrar."""
    if facts.legal_process is not LegalProcess.NON_ROUTINE:
        return None
    office = legal_process_office(facts, profile)
    return None if office is None else Applies(refer_to=office)
