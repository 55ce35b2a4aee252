"""The facts a rule may read about one information item of a question.

Rules see an item only through ``Facts``: its traits, never its name, and the
question's facts flattened. That is what lets the invariant tests and the
compiled fast path explore every question: whatever a rule does not read
cannot change its answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from discretion.policy.profile import ItemTraits, Office, Profile
from discretion.policy.question import Question
from discretion.policy.vocabulary import (
    OUTSIDE,
    Act,
    Channel,
    ConsentForm,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Status,
    Students,
)

__all__ = [
    "FACT_NAMES",
    "Facts",
    "ItemFacts",
    "has_explicit_consent",
    "has_need_to_know",
    "has_written_consent",
    "is_background_check",
    "is_listing",
    "is_open_directory",
    "is_outside",
    "is_plain",
    "is_posting",
    "is_public_web",
    "item_facts",
    "legal_process_office",
]

_WEB = frozenset({Channel.WEB_PUBLIC, Channel.WEB_RESTRICTED})
_EMAIL_OR_STRONGER = frozenset(
    {ConsentForm.EMAIL, ConsentForm.WRITTEN, ConsentForm.SIGNED_AUTHORIZATION}
)
_WRITTEN = frozenset({ConsentForm.WRITTEN, ConsentForm.SIGNED_AUTHORIZATION})


class Facts(Protocol):
    """Read-only view of one item of a question; see ``ItemFacts``."""

    @property
    def act(self) -> Act: ...
    @property
    def recipient(self) -> RecipientKind: ...
    @property
    def need_to_know(self) -> bool: ...
    @property
    def assigned_to_subject(self) -> bool: ...
    @property
    def legal_process(self) -> LegalProcess: ...
    @property
    def students(self) -> Students: ...
    @property
    def status(self) -> Status: ...
    @property
    def level(self) -> Level: ...
    @property
    def item(self) -> ItemTraits: ...
    @property
    def suppressed(self) -> bool: ...
    @property
    def withheld(self) -> bool: ...
    @property
    def consent(self) -> ConsentForm: ...
    @property
    def specific(self) -> bool: ...
    @property
    def web_posting(self) -> bool: ...
    @property
    def channel(self) -> Channel: ...
    @property
    def request(self) -> RequestForm: ...
    @property
    def identifies_other_students(self) -> bool: ...
    @property
    def sole_possession_note(self) -> bool: ...
    @property
    def access_waived(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """The facts of one item of a question.

    ``need_to_know`` is the recipient's need for this item: stated in the
    question, or given by a relation that the profile's matrix says needs it.
    ``suppressed`` says whether the student suppressed this item.
    """

    act: Act
    recipient: RecipientKind
    need_to_know: bool
    assigned_to_subject: bool
    legal_process: LegalProcess
    students: Students
    status: Status
    level: Level
    item: ItemTraits
    suppressed: bool
    withheld: bool
    consent: ConsentForm
    specific: bool
    web_posting: bool
    channel: Channel
    request: RequestForm
    identifies_other_students: bool
    sole_possession_note: bool
    access_waived: bool


FACT_NAMES: tuple[str, ...] = tuple(ItemFacts.__dataclass_fields__)


def item_facts(question: Question, item: str, profile: Profile) -> ItemFacts:
    """Return the facts of ``item`` in ``question``.

    Raises:
        UnknownInformationError: the profile does not know the item.
    """
    recipient, student, consent, record = (
        question.recipient,
        question.student,
        question.consent,
        question.record,
    )
    return ItemFacts(
        act=question.act,
        recipient=recipient.kind,
        need_to_know=recipient.need_to_know or profile.covers(recipient.relations, item),
        assigned_to_subject=recipient.assigned_to_subject,
        legal_process=recipient.legal_process,
        students=question.students,
        status=student.status,
        level=student.level,
        item=profile.traits(item),
        suppressed=item in student.suppressed,
        withheld=student.withheld,
        consent=consent.form if consent.covers(item) else ConsentForm.NONE,
        specific=consent.specific and consent.covers(item),
        web_posting=consent.permits_posting(item),
        channel=question.channel,
        request=record.request_form,
        identifies_other_students=record.identifies_other_students,
        sole_possession_note=record.sole_possession_note,
        access_waived=record.access_waived,
    )


# Predicates shared by the rules. Each reads only what it must, in an order
# that keeps the explored question space small.


def is_outside(facts: Facts) -> bool:
    """Return whether the recipient is outside the Institute."""
    return facts.recipient in OUTSIDE


def is_listing(facts: Facts) -> bool:
    """Return whether the act concerns several students (a class list always does)."""
    return facts.act is Act.SHARE_CLASS_LIST or facts.students is Students.MANY


def is_posting(facts: Facts) -> bool:
    """Return whether the act puts information on a web page."""
    if facts.act is Act.POST_ON_WEB:
        return True
    return facts.act in (Act.DISCLOSE, Act.REFERENCE) and facts.channel in _WEB


def is_plain(facts: Facts, act: Act) -> bool:
    """Return whether the act is ``act`` and not a posting."""
    return facts.act is act and facts.channel not in _WEB


def is_public_web(facts: Facts) -> bool:
    """Return whether the information would go on an open web site.

    A posting that does not say its site is restricted counts as open.
    """
    if facts.channel is Channel.WEB_PUBLIC:
        return True
    return facts.act is Act.POST_ON_WEB and facts.channel is not Channel.WEB_RESTRICTED


def is_background_check(facts: Facts) -> bool:
    """Return whether the request is a routine background check (its own rules decide it)."""
    return facts.legal_process is LegalProcess.ROUTINE_BACKGROUND_CHECK


def legal_process_office(facts: Facts, profile: Profile) -> Office | None:
    """Return the office that answers the request's legal process, if it has one."""
    if facts.legal_process in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER):
        return profile.referral("legal_process", facts.level)
    if facts.legal_process is LegalProcess.NON_ROUTINE:
        return profile.referral("non_routine_law_enforcement")
    return None


def has_need_to_know(facts: Facts) -> bool:
    """Return whether the recipient is an official who needs this item."""
    return facts.recipient is RecipientKind.OFFICIAL and facts.need_to_know


def is_open_directory(facts: Facts) -> bool:
    """Return whether the item is directory information the student left open."""
    return facts.item.directory and not facts.withheld and not facts.suppressed


def _is_specific(facts: Facts) -> bool:
    # A signed authorisation names its investigation: it is specific by nature.
    return facts.consent is ConsentForm.SIGNED_AUTHORIZATION or facts.specific


def has_written_consent(facts: Facts) -> bool:
    """Return whether the student gave specific, written consent."""
    return facts.consent in _WRITTEN and _is_specific(facts)


def has_explicit_consent(facts: Facts) -> bool:
    """Return whether the student explicitly consented, as needed inside the Institute.

    An email is explicit; a withheld student's directory item needs writing.
    """
    if facts.consent not in _EMAIL_OR_STRONGER or not _is_specific(facts):
        return False
    if facts.item.directory and facts.withheld:
        return facts.consent in _WRITTEN
    return True
