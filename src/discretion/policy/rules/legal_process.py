"""Requests from government agencies, subpoenas and court orders (faq.government_requests)

Law-enforcement agents running routine background checks (the FBI, say) get
information only when they present a form the student signed authorising
that investigation: that is the one routine case. Subpoenas and court orders
go to the dean's office for the student's level. Every other request from law
enforcement is non-routine (those about international students, say, and any
without the signed form, directory items included) and goes to the Registrar.

Legal process is not staff's to answer at all: these referrals are
deferrals, which outrank every rule about what may be sent or how (a class
list, a batch by email), so staff never act on it themselves.
"""

from __future__ import annotations

from discretion.policy.facts import (
    Facts,
    is_court_process,
    is_non_routine,
    is_plain,
    is_routine_law_enforcement,
    legal_process_office,
)
from discretion.policy.profile import Profile
from discretion.policy.registry import Applies, Effect, rule
from discretion.policy.vocabulary import Act, Condition


@rule(
    "legal_process.background_check_with_signed_authorization",
    cites=("faq.government_requests", "cfr.99.30.a"),
    effect=Effect.PERMIT,
    explanation=(
        "The agent presented a form signed by the student specifically authorising this "
        "investigation, so the information it covers may be given for that purpose."
    ),
)
def background_check_with_signed_authorization(facts: Facts, profile: Profile) -> Applies | None:
    """A signed authorisation opens the record to the investigation it names.

    A signed, dated written consent specific to the investigation is such a form.
    """
    if not is_routine_law_enforcement(facts) or not is_plain(facts, Act.DISCLOSE):
        return None
    return Applies((Condition.NO_REDISCLOSURE, Condition.STATED_PURPOSE_ONLY))


@rule(
    "legal_process.subpoena_or_court_order_to_dean",
    cites=("faq.government_requests", "cfr.99.31.a.9"),
    effect=Effect.DEFER,
    explanation=(
        "Subpoenas and court orders are handled by the dean's office for the student's "
        "level, not answered by individual faculty or staff."
    ),
)
def subpoena_or_court_order_to_dean(facts: Facts, profile: Profile) -> Applies | None:
    """Subpoenas and court orders go to the dean's office by level, whatever they ask for."""
    if not is_court_process(facts):
        return None
    office = legal_process_office(facts, profile)
    return None if office is None else Applies(refer_to=office)


@rule(
    "legal_process.non_routine_to_registrar",
    cites=("faq.government_requests",),
    effect=Effect.DEFER,
    explanation=(
        "A request from law enforcement other than a background check with the student's "
        "signed authorisation is not routine (those about international students, say), "
        "and the Registrar handles it, directory information included."
    ),
)
def non_routine_to_registrar(facts: Facts, profile: Profile) -> Applies | None:
    """Non-routine law-enforcement requests go to the Registrar."""
    if not is_non_routine(facts):
        return None
    office = legal_process_office(facts, profile)
    return None if office is None else Applies(refer_to=office)
