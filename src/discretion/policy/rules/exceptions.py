"""What federal law allows without consent, beyond the FAQ's own cases (cfr.99.31, cfr.99.36)

The FAQ answers the requests staff meet every week. The law allows a few
more disclosures without the student's consent: in a health or safety
emergency, to a school the student is enrolling in, in connection with
financial aid, to the parents of a tax-dependent student, and to comply with
a subpoena or court order. None of them is staff's to decide alone where the
institution names an office for it: the MIT profile sends each to the dean's
office for the student's level (as the FAQ does with parents and legal
process). A profile with no such office, like the federal baseline, permits
the disclosure under the conditions the law sets.

An exception is for what nothing else allows: an official who needs the
item, an open directory item or the student's own consent is answered as on
any other day. No exception reaches the public, the media or a web posting,
and none turns a listing of students into something that may leave (the
directory rules' bans outrank every exception).
"""

from __future__ import annotations

from discretion.policy.facts import (
    Facts,
    has_explicit_consent,
    has_need_to_know,
    has_written_consent,
    is_listing,
    is_open_directory,
    is_outside,
    is_plain,
    is_posting,
    is_served_process,
    legal_process_office,
)
from discretion.policy.profile import Office, Profile
from discretion.policy.registry import Applies, Effect, rule
from discretion.policy.vocabulary import Act, Condition, RecipientKind

# who no exception reaches: telling them is publishing
_NOT_A_PARTY = frozenset({RecipientKind.PUBLIC, RecipientKind.MEDIA, RecipientKind.SELF})

_EMERGENCY = (
    Condition.NO_REDISCLOSURE,
    Condition.RECORD_DISCLOSURE,
    Condition.NECESSARY_ONLY,
    Condition.RECORD_THREAT,
)
_TRANSFER = (Condition.RECORD_DISCLOSURE, Condition.NOTIFY_STUDENT_OF_TRANSFER)
_AID = (Condition.RECORD_DISCLOSURE, Condition.NECESSARY_ONLY)
_DEPENDENT = (Condition.RECORD_DISCLOSURE,)
_COMPLIANCE = (
    Condition.RECORD_DISCLOSURE,
    Condition.NECESSARY_ONLY,
    Condition.NOTIFY_STUDENT_FIRST,
)
# a subpoena whose existence may not be told: no notice, and no entry the student reads
_SILENT_COMPLIANCE = (Condition.NECESSARY_ONLY,)


def _otherwise_allowed(facts: Facts) -> bool:
    """Return whether the item may go without an exception: need, open directory, consent."""
    if has_need_to_know(facts) or is_open_directory(facts):
        return True
    return has_written_consent(facts) if is_outside(facts) else has_explicit_consent(facts)


def _candidate(facts: Facts) -> bool:
    """Return whether an exception could be what allows this: a plain disclosure to a party."""
    if not is_plain(facts, Act.DISCLOSE) or facts.recipient in _NOT_A_PARTY:
        return False
    return not _otherwise_allowed(facts)


def _is_emergency(facts: Facts) -> bool:
    return _candidate(facts) and facts.emergency


def _is_enrolment(facts: Facts) -> bool:
    if facts.recipient is not RecipientKind.OTHER_INSTITUTION or is_listing(facts):
        return False
    return _candidate(facts) and facts.student_enrolling


def _is_aid(facts: Facts) -> bool:
    if is_listing(facts) or not _candidate(facts):
        return False
    return facts.for_financial_aid


def _refer(office: Office | None) -> Applies | None:
    return None if office is None else Applies(refer_to=office)


def _permit_without(office: Office | None, conditions: tuple[Condition, ...]) -> Applies | None:
    return Applies(conditions) if office is None else None


@rule(
    "exceptions.emergency_to_dean",
    cites=("cfr.99.36.a", "cfr.99.31.a.10"),
    effect=Effect.REFER,
    explanation=(
        "In a health or safety emergency the law allows telling those who must act what they "
        "need to protect the student or others; the dean's office for the student's level "
        "decides what is necessary and records why."
    ),
)
def emergency_to_dean(facts: Facts, profile: Profile) -> Applies | None:
    """An emergency goes to the dean's office, which weighs the threat, not to a consent form."""
    if not _is_emergency(facts):
        return None
    return _refer(profile.referral("emergency", facts.level))


@rule(
    "exceptions.health_or_safety_emergency",
    cites=("cfr.99.36.a", "cfr.99.31.a.10", "cfr.99.32.a.5"),
    effect=Effect.PERMIT,
    explanation=(
        "Knowing the information is necessary to protect the health or safety of the student "
        "or others, so what is necessary may go to those who must act, without consent."
    ),
)
def health_or_safety_emergency(facts: Facts, profile: Profile) -> Applies | None:
    """Where no office decides emergencies, what is necessary goes, with the threat recorded."""
    if not _is_emergency(facts):
        return None
    return _permit_without(profile.referral("emergency", facts.level), _EMERGENCY)


@rule(
    "exceptions.enrolling_school_to_dean",
    cites=("cfr.99.31.a.2", "cfr.99.34.a"),
    effect=Effect.REFER,
    explanation=(
        "A school where the student seeks or intends to enrol may receive records for that "
        "enrolment without consent; the dean's office for the student's level sends them."
    ),
)
def enrolling_school_to_dean(facts: Facts, profile: Profile) -> Applies | None:
    """A school the student is enrolling in is answered by the dean's office."""
    if not _is_enrolment(facts):
        return None
    return _refer(profile.referral("enrolling_school", facts.level))


@rule(
    "exceptions.school_where_student_enrols",
    cites=("cfr.99.31.a.2", "cfr.99.34.a"),
    effect=Effect.PERMIT,
    explanation=(
        "The recipient is an official of a school where the student seeks or intends to "
        "enrol, asking for that enrolment, so the records may go without consent and the "
        "student is told."
    ),
)
def school_where_student_enrols(facts: Facts, profile: Profile) -> Applies | None:
    """A school the student is enrolling in may have the records, the student told of it."""
    if not _is_enrolment(facts):
        return None
    return _permit_without(profile.referral("enrolling_school", facts.level), _TRANSFER)


@rule(
    "exceptions.financial_aid_to_dean",
    cites=("cfr.99.31.a.4",),
    effect=Effect.REFER,
    explanation=(
        "Information needed for financial aid the student applied for or received may be "
        "disclosed without consent; the dean's office for the student's level decides what."
    ),
)
def financial_aid_to_dean(facts: Facts, profile: Profile) -> Applies | None:
    """Requests in connection with the student's financial aid go to the dean's office."""
    if not _is_aid(facts):
        return None
    return _refer(profile.referral("financial_aid", facts.level))


@rule(
    "exceptions.financial_aid",
    cites=("cfr.99.31.a.4",),
    effect=Effect.PERMIT,
    explanation=(
        "The disclosure is in connection with financial aid the student applied for or "
        "received, so what is needed to decide or enforce the aid may go without consent."
    ),
)
def financial_aid(facts: Facts, profile: Profile) -> Applies | None:
    """What the student's aid needs may go to those deciding or enforcing it."""
    if not _is_aid(facts):
        return None
    return _permit_without(profile.referral("financial_aid", facts.level), _AID)


@rule(
    "exceptions.parents_of_dependent_student",
    cites=("cfr.99.31.a.8",),
    effect=Effect.PERMIT,
    explanation=(
        "The student is the parents' dependent for federal income tax, so the parents may be "
        "told without the student's consent."
    ),
)
def parents_of_dependent_student(facts: Facts, profile: Profile) -> Applies | None:
    """A tax dependent's parents may be told, where no office answers parents.

    At MIT parents are always sent to the dean's office (faq.parents), which
    applies this exception itself.
    """
    if facts.recipient is not RecipientKind.PARENT or is_listing(facts):
        return None
    if not _candidate(facts) or not facts.dependent:
        return None
    return _permit_without(profile.referral("parents", facts.level), _DEPENDENT)


@rule(
    "exceptions.subpoena_compliance",
    cites=("cfr.99.31.a.9", "cfr.99.32.a"),
    effect=Effect.PERMIT,
    explanation=(
        "A lawfully issued subpoena or a court order may be complied with without consent, "
        "after a reasonable effort to tell the student first unless it forbids that."
    ),
)
def subpoena_compliance(facts: Facts, profile: Profile) -> Applies | None:
    """Where no office answers legal process, the institution complies with it.

    A subpoena that forbids telling the student is complied with without
    notice, and the release is not entered where the student would read it.
    """
    if not is_served_process(facts) or is_posting(facts):
        return None
    if facts.act not in (Act.DISCLOSE, Act.SHARE_CLASS_LIST):
        return None
    if legal_process_office(facts, profile) is not None:
        return None
    return Applies(_SILENT_COMPLIANCE if facts.notice_forbidden else _COMPLIANCE)
