"""The words of a question and a ruling.

Every enum's values are exactly the strings of ``ask-question.schema.json`` and
``ruling.schema.json``; members are declared in schema order, which is also
the order conditions are listed in a ruling.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "INSIDE",
    "OUTSIDE",
    "Act",
    "Channel",
    "Condition",
    "ConsentForm",
    "Decision",
    "LegalProcess",
    "Level",
    "RecipientKind",
    "RequestForm",
    "Status",
    "Students",
]


class Act(StrEnum):
    """What the asker intends to do with the information."""

    DISCLOSE = "disclose"
    POST_ON_WEB = "post_on_web"
    SHARE_CLASS_LIST = "share_class_list"
    REFERENCE = "reference"
    INSPECT_OWN_RECORD = "inspect_own_record"


class RecipientKind(StrEnum):
    """Who would receive the information."""

    OFFICIAL = "official"
    COMMUNITY = "community"
    SELF = "self"
    PARENT = "parent"
    EMPLOYER = "employer"
    OTHER_INSTITUTION = "other_institution"
    LAW_ENFORCEMENT = "law_enforcement"
    COURT = "court"
    GOVERNMENT_AGENCY = "government_agency"
    MEDIA = "media"
    PUBLIC = "public"


INSIDE = frozenset({RecipientKind.OFFICIAL, RecipientKind.COMMUNITY, RecipientKind.SELF})
OUTSIDE = frozenset(RecipientKind) - INSIDE


class LegalProcess(StrEnum):
    """The legal footing of a request, if any."""

    NONE = "none"
    ROUTINE_BACKGROUND_CHECK = "routine_background_check"
    SUBPOENA = "subpoena"
    COURT_ORDER = "court_order"
    NON_ROUTINE = "non_routine"


class Students(StrEnum):
    """One student, or a listing of several."""

    ONE = "one"
    MANY = "many"


class Status(StrEnum):
    """Whether the student is still enrolled."""

    CURRENT = "current"
    FORMER = "former"


class Level(StrEnum):
    """The student's level, which picks the dean's office."""

    UNDERGRADUATE = "undergraduate"
    GRADUATE = "graduate"


class ConsentForm(StrEnum):
    """The form of the student's consent, weakest first."""

    NONE = "none"
    VERBAL = "verbal"
    EMAIL = "email"
    WRITTEN = "written"
    SIGNED_AUTHORIZATION = "signed_authorization"

    @property
    def strength(self) -> int:
        """Return the rank of this form: a later form is at least as strong."""
        return _CONSENT_ORDER.index(self)


_CONSENT_ORDER = tuple(ConsentForm)


class Channel(StrEnum):
    """How the information would travel."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    LETTER = "letter"
    PAPER = "paper"
    EMAIL = "email"
    EMAIL_ENCRYPTED = "email_encrypted"
    WEB_PUBLIC = "web_public"
    WEB_RESTRICTED = "web_restricted"


class RequestForm(StrEnum):
    """How a student asked to see their records."""

    WRITTEN = "written"
    VERBAL = "verbal"


class Decision(StrEnum):
    """The answer, mildest first."""

    PERMIT = "permit"
    REFER = "refer"
    DENY = "deny"


class Condition(StrEnum):
    """Conditions in force when an act is permitted."""

    NO_REDISCLOSURE = "no_redisclosure"
    STATED_PURPOSE_ONLY = "stated_purpose_only"
    ENCRYPT = "encrypt"
    MINIMIZE_IDENTIFIABILITY = "minimize_identifiability"
    NO_SENSITIVE_WORDS_IN_SUBJECT = "no_sensitive_words_in_subject"
    NO_BATCHES_BY_EMAIL = "no_batches_by_email"
    STUDENT_ACCEPTS_EMAIL_RISK = "student_accepts_email_risk"
    RECORD_DISCLOSURE = "record_disclosure"
    LEGITIMATE_NEED_ONLY = "legitimate_need_only"
    EXCLUDE_OTHER_STUDENTS = "exclude_other_students"
    EXCLUDE_SOLE_POSSESSION_NOTES = "exclude_sole_possession_notes"
    WITHIN_45_DAYS = "within_45_days"
    OMIT_SUPPRESSED_STUDENTS = "omit_suppressed_students"
    ONLY_PERMITTING_STUDENTS = "only_permitting_students"
    NECESSARY_ONLY = "necessary_only"
    RECORD_THREAT = "record_threat"
    NOTIFY_STUDENT_FIRST = "notify_student_first"
    NOTIFY_STUDENT_OF_TRANSFER = "notify_student_of_transfer"
