"""What each condition of a permit asks of the person who acts on it."""

from __future__ import annotations

from discretion.policy.vocabulary import Condition

__all__ = ["CONDITION_TEXT"]

CONDITION_TEXT: dict[Condition, str] = {
    Condition.NO_REDISCLOSURE: "The recipient may not pass the information on to anyone else.",
    Condition.STATED_PURPOSE_ONLY: "Use it only for the stated purpose.",
    Condition.ENCRYPT: "Encrypt the message.",
    Condition.MINIMIZE_IDENTIFIABILITY: (
        "Identify the student as little as possible (initials or first name, or not at all "
        "if the recipient knows whom it is about)."
    ),
    Condition.NO_SENSITIVE_WORDS_IN_SUBJECT: (
        "Keep sensitive words (grades, academic difficulty, financial hold, disciplinary "
        "action, ...) out of the subject line."
    ),
    Condition.NO_BATCHES_BY_EMAIL: "Do not send batches of such data by email.",
    Condition.STUDENT_ACCEPTS_EMAIL_RISK: (
        "Best first make sure the student understands and accepts the risks of email."
    ),
    Condition.RECORD_DISCLOSURE: "Record the disclosure in the student's disclosure log.",
    Condition.LEGITIMATE_NEED_ONLY: "Release it only to someone with a legitimate need for it.",
    Condition.EXCLUDE_OTHER_STUDENTS: "Leave out the parts that identify other students.",
    Condition.EXCLUDE_SOLE_POSSESSION_NOTES: (
        "Leave out personal notes kept by their maker and never shown to anyone."
    ),
    Condition.WITHIN_45_DAYS: "Give access within 45 days of the written request.",
    Condition.OMIT_SUPPRESSED_STUDENTS: (
        "Leave out the students who suppressed these items or withheld everything."
    ),
    Condition.ONLY_PERMITTING_STUDENTS: "Include only the students who gave permission.",
    Condition.NECESSARY_ONLY: "Give only what the purpose needs, and nothing more.",
    Condition.RECORD_THREAT: (
        "Record the articulable and significant threat that called for the disclosure, and "
        "who received the information."
    ),
    Condition.NOTIFY_STUDENT_FIRST: (
        "Make a reasonable effort to tell the student before complying, so they can seek "
        "protection."
    ),
    Condition.NOTIFY_STUDENT_OF_TRANSFER: (
        "Make a reasonable effort to tell the student (unless the annual notice says records "
        "are sent on request), and give them a copy if they ask."
    ),
}
