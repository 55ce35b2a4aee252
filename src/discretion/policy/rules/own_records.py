"""Which records may a student see? (faq.own_records)

A student who asks in writing may see any record kept about them, copies of
correspondence included, within 45 days, unless they waived that right. The
right does not reach the parts that identify other students, nor personal
notes their maker keeps to themself and never shows anyone (not even an
assistant). The Committee on Student Information Policy can help.
"""

from __future__ import annotations

from discretion.policy.facts import Facts, is_plain
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Act, Condition, RecipientKind, RequestForm, Students


def _is_inspection(facts: Facts) -> bool:
    return facts.act is Act.INSPECT_OWN_RECORD


def _by_student(facts: Facts) -> bool:
    return _is_inspection(facts) and facts.recipient is RecipientKind.SELF


@rule(
    "own_records.self_disclosure",
    cites=("faq.own_records", "cfr.99.10.b"),
    effect=Effect.PERMIT,
    explanation="The student may be told their own information.",
)
def self_disclosure(facts: Facts, profile: Profile) -> Applies | None:
    """A student may learn what the Institute holds about them."""
    if not is_plain(facts, Act.DISCLOSE) or facts.recipient is not RecipientKind.SELF:
        return None
    return APPLIES if facts.students is Students.ONE else None


@rule(
    "own_records.access_waived",
    cites=("faq.own_records", "cfr.99.12.c"),
    effect=Effect.BAN,
    explanation=(
        "The student waived the right to see this record (as for confidential letters of "
        "recommendation), so it is not shown to them."
    ),
)
def access_waived(facts: Facts, profile: Profile) -> Applies | None:
    """A record whose access the student waived stays closed to them."""
    return APPLIES if _by_student(facts) and facts.access_waived else None


@rule(
    "own_records.written_request",
    cites=("faq.own_records", "cfr.99.10.b", "cfr.99.12.a", "cfr.99.3"),
    effect=Effect.PERMIT,
    explanation=(
        "A student who asks in writing has the right to see the records about them within "
        "45 days, without the parts about other students or the maker's private notes; "
        "the Committee on Student Information Policy can help."
    ),
)
def written_request(facts: Facts, profile: Profile) -> Applies | None:
    """A written request opens the student's own records."""
    if not _by_student(facts) or facts.request is not RequestForm.WRITTEN:
        return None
    conditions = [Condition.WITHIN_45_DAYS]
    # (i) parts that identify other students are left out
    if facts.identifies_other_students or facts.students is Students.MANY:
        conditions.append(Condition.EXCLUDE_OTHER_STUDENTS)
    # (ii) notes kept in their maker's sole possession are not education records
    if facts.sole_possession_note:
        conditions.append(Condition.EXCLUDE_SOLE_POSSESSION_NOTES)
    return Applies(tuple(conditions))


@rule(
    "own_records.verbal_request_not_enough",
    cites=("faq.own_records",),
    effect=Effect.DENY,
    explanation=(
        "The right to see one's records starts with a written request; a spoken one is not enough."
    ),
    remedy="Ask the student to make the request in writing; the 45 days run from then.",
)
def verbal_request_not_enough(facts: Facts, profile: Profile) -> Applies | None:
    """A verbal request does not start the right of access."""
    return APPLIES if _by_student(facts) and facts.request is RequestForm.VERBAL else None


@rule(
    "own_records.only_the_student",
    cites=("faq.own_records",),
    effect=Effect.DENY,
    explanation="Only the student may ask to inspect their own records.",
    remedy="The student must make the request, in writing.",
)
def only_the_student(facts: Facts, profile: Profile) -> Applies | None:
    """The right of access belongs to the student alone."""
    return APPLIES if _is_inspection(facts) and facts.recipient is not RecipientKind.SELF else None
