"""The "May I share this?" advisor's questions, as data: one ``Step`` per question page.

``STEPS`` lists them in the order they are asked. Each sets one path of the
question's JSON form and says, from the answers before it, whether it
applies: a question the earlier answers make irrelevant is skipped, and its
fact takes the schema's default (a class list is always about several
students, so it is not asked how many). The web pages and ``discretion advise``
both walk these steps; ``advising`` holds the functions that do.

Answers are a mapping from step id to the option value chosen: one string
(yes-or-no questions answer ``yes`` or ``no``), or, for information items, a
tuple of item ids (a list in JSON). They travel as they are in forms and
links (``advising.to_query``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from discretion.policy.phrases import NO, YES, phrase, yes_no
from discretion.policy.profile import Profile
from discretion.policy.vocabulary import (
    Act,
    Channel,
    ConsentForm,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Students,
)

__all__ = ["STEPS", "STEP_IDS", "Answers", "Kind", "Option", "Step", "Value", "recipient"]

Value = str | tuple[str, ...]
Answers = Mapping[str, Value]
# whether a step applies, given the answers before it and the profile
Applies = Callable[[Answers, Profile], bool]


class Kind(StrEnum):
    """How a step is answered."""

    ONE = "one"  # one of its options
    YES_NO = "yes_no"  # yes or no
    ITEMS = "items"  # information items of the profile, as many as apply


@dataclass(frozen=True, slots=True)
class Option:
    """One answer a step offers: the value it travels as, and its plain words."""

    value: str
    phrase: str


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the advisor.

    ``sets`` is the dotted path of the question's JSON form the answer goes
    to; ``error`` is what a page says when no valid answer was given;
    ``options`` are empty for an ``ITEMS`` step, whose options come from the
    profile; ``required`` is False only for an ``ITEMS`` step that may be
    answered with none; ``default`` is the answer a terminal prompt offers;
    ``applies`` says from the answers before it (and the profile, which knows
    the directory items) whether the step is asked.
    """

    id: str
    question: str
    hint: str
    kind: Kind
    sets: str
    error: str
    options: tuple[Option, ...] = ()
    default: str | None = None
    required: bool = True
    applies: Applies = lambda answers, profile: True


def _choices(values: type[StrEnum]) -> tuple[Option, ...]:
    return tuple(Option(value.value, phrase(value)) for value in values)


_YES_NO_OPTIONS = (Option(YES, yes_no(YES)), Option(NO, yes_no(NO)))


def recipient(answers: Answers) -> str | None:
    """Return who would receive the information, if that is answered."""
    value = answers.get("recipient")
    return value if isinstance(value, str) else None


def _recipient_is(*kinds: RecipientKind) -> Applies:
    return lambda answers, profile: recipient(answers) in kinds


def _own(answers: Answers, profile: Profile) -> bool:
    # the student asking to see their own records (anyone else asking is answered as a disclosure)
    return answers.get("act") == Act.INSPECT_OWN_RECORD and recipient(answers) == RecipientKind.SELF


def _assigned(answers: Answers, profile: Profile) -> bool:
    return answers.get("act") == Act.SHARE_CLASS_LIST and recipient(answers) == "official"


def _served(answers: Answers, profile: Profile) -> bool:
    return answers.get("legal-process") in (LegalProcess.SUBPOENA, LegalProcess.COURT_ORDER)


def _asks_students(answers: Answers, profile: Profile) -> bool:
    return answers.get("act") not in (Act.SHARE_CLASS_LIST, Act.INSPECT_OWN_RECORD)


def _given_consent(answers: Answers, profile: Profile) -> bool:
    return answers.get("consent") not in (
        None,
        ConsentForm.NONE,
        ConsentForm.VERBAL,
    )


def _on_web(answers: Answers) -> bool:
    web = (Channel.WEB_PUBLIC, Channel.WEB_RESTRICTED)
    return answers.get("act") == Act.POST_ON_WEB or answers.get("channel") in web


def _posting(answers: Answers, profile: Profile) -> bool:
    # permission to post counts only with a consent by email or stronger
    return _given_consent(answers, profile) and _on_web(answers)


def _asks_directory(answers: Answers, profile: Profile) -> bool:
    asked = answers.get("information", ())
    return recipient(answers) != RecipientKind.SELF and any(
        name in asked for name in profile.directory_items
    )


def _withheld(answers: Answers, profile: Profile) -> bool:
    # withholding everything also asks more of a permission to post any item
    if recipient(answers) == RecipientKind.SELF:
        return False
    return _asks_directory(answers, profile) or _on_web(answers)


# who could rely on a federal exception: a party to a plain disclosure, never the public
_PARTIES = frozenset(RecipientKind) - {
    RecipientKind.PUBLIC,
    RecipientKind.MEDIA,
    RecipientKind.SELF,
}


def _emergency(answers: Answers, profile: Profile) -> bool:
    return answers.get("act") == Act.DISCLOSE and recipient(answers) in _PARTIES


def _about_one(answers: Answers, profile: Profile) -> bool:
    return _emergency(answers, profile) and answers.get("students") == Students.ONE


def _enrolling(answers: Answers, profile: Profile) -> bool:
    return _about_one(answers, profile) and recipient(answers) == RecipientKind.OTHER_INSTITUTION


def _dependent(answers: Answers, profile: Profile) -> bool:
    return _emergency(answers, profile) and recipient(answers) == RecipientKind.PARENT


def _yes_no(
    step_id: str,
    sets: str,
    question: str,
    hint: str,
    error: str,
    applies: Applies = lambda answers, profile: True,
) -> Step:
    return Step(
        step_id, question, hint, Kind.YES_NO, sets, error, _YES_NO_OPTIONS, NO, applies=applies
    )


STEPS: tuple[Step, ...] = (
    Step("act", "What do you want to do?", "Choose the closest.", Kind.ONE, "act",
         "Choose what you want to do", _choices(Act), Act.DISCLOSE.value),
    Step("recipient", "Who would receive the information?",
         "For a web page, whoever can read it.", Kind.ONE, "recipient.kind",
         "Choose who would receive the information", _choices(RecipientKind)),
    Step("information", "Which information?", "Choose every item you would share.",
         Kind.ITEMS, "information", "Choose at least one item of information"),
    _yes_no("need-to-know", "recipient.need_to_know",
            "Do they need this information to do their job?",
            "A legitimate need for this particular information, not curiosity.",
            "Say whether they need this information for their job",
            applies=_recipient_is(RecipientKind.OFFICIAL)),
    _yes_no("assigned", "recipient.assigned_to_subject",
            "Are they assigned to teach or run the subject?",
            "Faculty, teaching assistants and administrators of the subject.",
            "Say whether they are assigned to the subject", applies=_assigned),
    Step("legal-process", "Do they have a subpoena, a court order or another legal basis?",
         "Look at the paperwork they sent.", Kind.ONE, "recipient.legal_process",
         "Choose the legal basis of the request, or none", _choices(LegalProcess),
         LegalProcess.NONE.value,
         applies=_recipient_is(
             RecipientKind.LAW_ENFORCEMENT, RecipientKind.COURT, RecipientKind.GOVERNMENT_AGENCY
         )),
    _yes_no("notice-forbidden", "recipient.notice_forbidden",
            "Does it forbid telling the student about it?",
            "Some subpoenas and orders say the student may not be told.",
            "Say whether the student may be told", applies=_served),
    Step("students", "Is it about one student or several?", "A list counts as several.",
         Kind.ONE, "students", "Choose one student or several", _choices(Students),
         Students.ONE.value, applies=_asks_students),
    Step("level", "Is the student an undergraduate or a graduate student?",
         "It decides which dean's office answers.", Kind.ONE, "student.level",
         "Choose the student's level", _choices(Level), Level.UNDERGRADUATE.value),
    _yes_no("dependent", "student.dependent",
            "Is the student their dependent for federal income tax?",
            "Only the parents can tell you; their tax return shows it.",
            "Say whether the student is their tax dependent", applies=_dependent),
    Step("consent", "Has the student agreed to this?", "Their agreement, and how they gave it.",
         Kind.ONE, "consent.form", "Choose whether and how the student agreed",
         _choices(ConsentForm), ConsentForm.NONE.value, applies=lambda a, p: not _own(a, p)),
    _yes_no("specific", "consent.specific",
            "Does their agreement name this recipient, the purpose and the information?",
            "A general permission is not enough.",
            "Say whether the agreement names all three", applies=_given_consent),
    Step("channel", "How would the information travel?", "Choose the closest.", Kind.ONE,
         "channel", "Choose how the information would travel", _choices(Channel),
         Channel.IN_PERSON.value),
    _yes_no("web-posting", "consent.web_posting",
            "Did the student agree to having it on this web page?",
            "Permission to post, as well as to share.",
            "Say whether the student agreed to the posting", applies=_posting),
    Step("suppressed", "Did the student hide any of these from the directory?",
         "If they hid none, choose none.", Kind.ITEMS, "student.suppressed",
         "Choose only items from the list", required=False, applies=_asks_directory),
    _yes_no("withheld", "student.withheld",
            "Did the student withhold all their directory information?",
            "The directory then shows nothing about them.",
            "Say whether the student withheld everything", applies=_withheld),
    _yes_no("emergency", "emergency",
            "Is it needed now to protect someone's health or safety?",
            "An emergency: they must act on it to protect the student or others.",
            "Say whether this is a health or safety emergency", applies=_emergency),
    _yes_no("enrolling", "recipient.student_enrolling",
            "Is the student enrolling or seeking to enrol there?",
            "Or already enrolled there, and they ask for that reason.",
            "Say whether the student is enrolling there", applies=_enrolling),
    _yes_no("financial-aid", "for_financial_aid",
            "Is it about financial aid the student applied for or received?",
            "To decide or enforce the aid.",
            "Say whether this is about the student's financial aid", applies=_about_one),
    Step("request-form", "How did the student ask to see their records?", "", Kind.ONE,
         "record.request_form", "Choose how the student asked", _choices(RequestForm),
         RequestForm.WRITTEN.value, applies=_own),
    _yes_no("other-students", "record.identifies_other_students",
            "Do the records identify other students?", "",
            "Say whether the records identify other students", applies=_own),
    _yes_no("own-notes", "record.sole_possession_note",
            "Do they include personal notes you never showed anyone?", "",
            "Say whether they include such notes", applies=_own),
    _yes_no("access-waived", "record.access_waived",
            "Did the student give up their right to see them?",
            "For example, for letters of recommendation.",
            "Say whether the student gave up access", applies=_own),
)  # fmt: skip

STEP_IDS: tuple[str, ...] = tuple(step.id for step in STEPS)
