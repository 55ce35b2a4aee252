"""The plain words for the vocabulary: what pages and prompts say instead of machine names.

Every value of every closed set a person is asked about has a phrase here,
beside the vocabulary it translates (one place); a value without one fails
the tests. Information items are named by their id with ``_`` read as a
space, except for the few ``ITEM_LABELS`` spells out.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from discretion.policy.vocabulary import (
    Act,
    Channel,
    ConsentForm,
    Decision,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Status,
    Students,
)

__all__ = [
    "DECISION_ICON",
    "EFFECT_PHRASES",
    "ITEM_LABELS",
    "NO",
    "PHRASES",
    "YES",
    "decision_label",
    "item_label",
    "phrase",
    "yes_no",
]

PHRASES: Mapping[type[StrEnum], Mapping[str, str]] = {
    Act: {
        Act.DISCLOSE: "Tell, show or send someone information about a student",
        Act.POST_ON_WEB: "Put information about a student on a web page",
        Act.SHARE_CLASS_LIST: "Pass on a class list (with or without photos)",
        Act.REFERENCE: "Write a letter of recommendation or give a reference",
        Act.INSPECT_OWN_RECORD: "Let someone see a student's records (usually the student)",
    },
    RecipientKind: {
        RecipientKind.OFFICIAL: "A member of faculty or staff, acting in their job",
        RecipientKind.COMMUNITY: "Someone else inside the Institute (another student, a colleague)",
        RecipientKind.SELF: "The student themself",
        RecipientKind.PARENT: "A parent or guardian",
        RecipientKind.EMPLOYER: "An employer or prospective employer",
        RecipientKind.OTHER_INSTITUTION: "Another school, college or university",
        RecipientKind.LAW_ENFORCEMENT: "The police or another law-enforcement agency",
        RecipientKind.COURT: "A court, or whoever served a subpoena or court order",
        RecipientKind.GOVERNMENT_AGENCY: "A government agency",
        RecipientKind.MEDIA: "A journalist or the media",
        RecipientKind.PUBLIC: "Anyone else outside the Institute, or the public",
    },
    LegalProcess: {
        LegalProcess.NONE: "None: they are just asking",
        LegalProcess.ROUTINE_BACKGROUND_CHECK: "A routine background check",
        LegalProcess.SUBPOENA: "A subpoena",
        LegalProcess.COURT_ORDER: "A court order",
        LegalProcess.NON_ROUTINE: "Another kind of inquiry (not routine)",
    },
    Students: {
        Students.ONE: "One student",
        Students.MANY: "Several students (a list, an extract, a spreadsheet)",
    },
    Status: {
        Status.CURRENT: "Currently enrolled",
        Status.FORMER: "A former student",
    },
    Level: {
        Level.UNDERGRADUATE: "An undergraduate",
        Level.GRADUATE: "A graduate student",
    },
    ConsentForm: {
        ConsentForm.NONE: "No",
        ConsentForm.VERBAL: "Yes, but only by word of mouth",
        ConsentForm.EMAIL: "Yes, by email",
        ConsentForm.WRITTEN: "Yes, in a signed letter",
        ConsentForm.SIGNED_AUTHORIZATION: "Yes, on a signed authorisation form",
    },
    Channel: {
        Channel.IN_PERSON: "In person",
        Channel.PHONE: "By phone",
        Channel.LETTER: "In a letter",
        Channel.PAPER: "On paper, handed over",
        Channel.EMAIL: "By ordinary email",
        Channel.EMAIL_ENCRYPTED: "By encrypted email",
        Channel.WEB_PUBLIC: "On a web site anyone can reach",
        Channel.WEB_RESTRICTED: "On a web site only the Institute can reach",
    },
    RequestForm: {
        RequestForm.WRITTEN: "In writing",
        RequestForm.VERBAL: "Only by word of mouth",
    },
    Decision: {
        Decision.PERMIT: "Permit",
        Decision.REFER: "Refer",
        Decision.DENY: "Deny",
    },
}

# the answers of a yes-or-no question, as they travel in forms and links
YES = "yes"
NO = "no"
_YES_NO = {YES: "Yes", NO: "No"}

DECISION_ICON: Mapping[Decision, str] = {
    Decision.PERMIT: "✓",
    Decision.REFER: "→",
    Decision.DENY: "✗",
}

# what a rule does when it applies, as a rule page says it (keys: ``registry.Effect`` values)
EFFECT_PHRASES: Mapping[str, str] = {
    "defer": "Sends the request to the office that answers it, whatever else applies",
    "ban": "Forbids it, whatever else applies",
    "refer": "Sends the request to an office, unless something forbids it",
    "permit": "Allows it, unless something forbids it or sends it to an office",
    "condition": "Adds a condition to an answer that allows it",
    "deny": "Refuses it, unless something else allows it",
    "default": "Refuses it when no other rule answers",
}

# items whose id does not read well with `_` as a space
ITEM_LABELS: Mapping[str, str] = {
    "email": "email address",
    "id_number": "ID number",
    "ssn": "Social Security number",
    "course": "course (major)",
    "year": "year of study",
    "urop_internship": "UROP or internship",
    "race_ethnicity": "race or ethnicity",
    "financial": "financial information",
    "disciplinary": "disciplinary record",
    "health": "health information",
    "photo": "photograph",
    "degrees": "degrees awarded",
}


def phrase(value: StrEnum) -> str:
    """Return the plain words for a value of a closed set.

    Raises:
        KeyError: the set or the value has no phrase (a test prevents it).
    """
    return PHRASES[type(value)][value]


def yes_no(answer: str) -> str:
    """Return "Yes" or "No" for a yes-or-no answer (``YES`` or ``NO``)."""
    return _YES_NO[answer]


def decision_label(decision: Decision) -> str:
    """Return the decision as an icon and a word, e.g. ``✓ Permit``: never colour alone."""
    return f"{DECISION_ICON[decision]} {phrase(decision)}"


def item_label(item: str) -> str:
    """Return the readable name of an information item: ``term_address`` -> ``term address``."""
    return ITEM_LABELS.get(item, item.replace("_", " "))
