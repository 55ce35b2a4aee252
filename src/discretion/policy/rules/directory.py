"""What is directory information? (faq.directory_information)

Directory items may be released unless the student suppressed them, or
withheld everything (then nothing is released without written consent).
Degree and attendance inquiries go to the Registrar. The directory itself and
any listing of several students never leave the Institute and never go on an
open web site.
"""

from __future__ import annotations

from discretion.policy.facts import (
    Facts,
    has_need_to_know,
    is_listing,
    is_open_directory,
    is_outside,
    is_plain,
    is_posting,
    is_public_web,
    is_routine_law_enforcement,
    is_served_process,
    legal_process_office,
)
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Act, Condition, RecipientKind, Students

_LISTING = Applies((Condition.OMIT_SUPPRESSED_STUDENTS,))


def _is_self(facts: Facts) -> bool:
    # the student asking about themself (own_records decides that)
    return facts.recipient is RecipientKind.SELF and facts.students is Students.ONE


@rule(
    "directory.listing_never_outside",
    cites=("faq.directory_information",),
    effect=Effect.BAN,
    explanation=(
        "The student directory and any list of several students may never be given to "
        "anyone outside the Institute, whatever consent or request accompanies it."
    ),
)
def listing_never_outside(facts: Facts, profile: Profile) -> Applies | None:
    """A listing of several students never leaves the Institute.

    Legal process for several students is not this rule's: subpoenas and court
    orders are answered by the office for them, or under the law's own
    exception where the profile names none (see legal_process, exceptions),
    and non-routine law enforcement goes to its office.
    """
    if not is_listing(facts) or not is_outside(facts) or is_served_process(facts):
        return None
    return None if legal_process_office(facts, profile) is not None else APPLIES


@rule(
    "directory.listing_never_on_public_web",
    cites=("faq.directory_information",),
    effect=Effect.BAN,
    explanation="A list of several students may never be put on an open web site.",
)
def listing_never_on_public_web(facts: Facts, profile: Profile) -> Applies | None:
    """A listing of several students never goes on a public web site."""
    return APPLIES if is_listing(facts) and is_public_web(facts) else None


@rule(
    "directory.degree_and_attendance_to_registrar",
    cites=("faq.directory_information",),
    effect=Effect.REFER,
    explanation=(
        "Questions about degrees and dates of attendance are answered by the Registrar, "
        "who also checks whether the student suppressed them."
    ),
)
def degree_and_attendance_to_registrar(facts: Facts, profile: Profile) -> Applies | None:
    """Degree and attendance verification is the Registrar's.

    Requests that go elsewhere whatever they ask (legal process, the media, a
    parent asking for what is not open) are left to their own rules.
    """
    if not is_plain(facts, Act.DISCLOSE) or not facts.item.verified_by_registrar:
        return None
    if has_need_to_know(facts) or _is_self(facts) or facts.recipient is RecipientKind.MEDIA:
        return None
    if facts.recipient is RecipientKind.PARENT and not is_open_directory(facts):
        return None
    office = profile.referral("degree_verification")
    return None if office is None else Applies(refer_to=office)


@rule(
    "directory.unsuppressed_item",
    cites=("faq.directory_information", "cfr.99.37.a"),
    effect=Effect.PERMIT,
    explanation=(
        "This is directory information the student has not suppressed, so it may be "
        "released without consent."
    ),
)
def unsuppressed_item(facts: Facts, profile: Profile) -> Applies | None:
    """Open directory items may be released to anyone.

    (A listing of them stays inside and leaves out the students who suppressed
    them; officials who need them, the student, and an investigator holding the
    student's signed form have their own rules.)
    """
    if not (is_plain(facts, Act.DISCLOSE) or is_plain(facts, Act.REFERENCE)):
        return None
    if not is_open_directory(facts) or has_need_to_know(facts):
        return None
    if facts.act is Act.DISCLOSE and (_is_self(facts) or is_routine_law_enforcement(facts)):
        return None
    return _LISTING if is_listing(facts) else APPLIES


@rule(
    "directory.date_of_birth_legitimate_need",
    cites=("faq.directory_information",),
    effect=Effect.CONDITION,
    explanation=(
        "Date of birth is directory information that the Institute releases only to "
        "those with a legitimate need for it."
    ),
)
def date_of_birth_legitimate_need(facts: Facts, profile: Profile) -> Applies | None:
    """Some directory items go only to those with a legitimate need.

    (Not a condition on telling the student, nor on a posting they permitted.)
    """
    if not facts.item.legitimate_need_only or facts.recipient is RecipientKind.SELF:
        return None
    return None if is_posting(facts) else Applies((Condition.LEGITIMATE_NEED_ONLY,))


@rule(
    "directory.suppressed_item",
    cites=("faq.directory_information", "cfr.99.37.a", "cfr.99.37.b"),
    effect=Effect.DENY,
    explanation=(
        "The student suppressed this directory item, and the suppression stands, even "
        "after they leave, until they rescind it in writing."
    ),
    remedy=(
        "Get the student's consent for this disclosure (written, for anyone outside the "
        "Institute), or ask an official who needs the item for their duties."
    ),
)
def suppressed_item(facts: Facts, profile: Profile) -> Applies | None:
    """A suppressed item is released to no one without need to know or consent."""
    if not is_plain(facts, Act.DISCLOSE):
        return None
    return APPLIES if facts.item.directory and facts.suppressed else None


@rule(
    "directory.withheld_student",
    cites=("faq.directory_information", "cfr.99.37.a", "cfr.99.37.b"),
    effect=Effect.DENY,
    explanation=(
        "The student withheld all their information from the directory, so none of it "
        "is released without their written consent."
    ),
    remedy="Get the student's specific written consent for this disclosure.",
)
def withheld_student(facts: Facts, profile: Profile) -> Applies | None:
    """A withheld student's directory items are released to no one without consent."""
    if not is_plain(facts, Act.DISCLOSE):
        return None
    return APPLIES if facts.item.directory and facts.withheld else None
