"""The clauses rules cite: questions of the FAQ and sections of the federal rule.

A ruling's ``cites`` text is rendered from these entries, never typed by hand.
Summaries are our own words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CLAUSES", "Clause", "render_cites"]

_ECFR = "https://www.ecfr.gov/current/title-34/subtitle-A/part-99/section-"


@dataclass(frozen=True, slots=True)
class Clause:
    """One citable clause of the policy or the law."""

    id: str
    source: str
    locator: str
    title: str
    summary: str
    url: str | None = None


def _faq(slug: str, title: str, summary: str) -> Clause:
    return Clause(f"faq.{slug}", "MIT FAQ: Use of Student Information", title, title, summary)


def _cfr(section: str, paragraph: str, title: str, summary: str) -> Clause:
    dotted = ".".join(filter(None, [section, *paragraph.strip("()").split(")(")]))
    return Clause(
        f"cfr.{dotted}",
        "34 CFR Part 99 (FERPA regulations)",
        f"34 CFR § {section}{paragraph}",
        title,
        summary,
        f"{_ECFR}{section}",
    )


_ALL = (
    _faq(
        "disclosure",
        "When may information about a student be disclosed?",
        "Inside MIT, to officials who need it, or as directory information, or with the "
        "student's explicit consent; outside MIT, only with prior written consent or as "
        "directory information the student has not withheld.",
    ),
    _faq(
        "need_to_know",
        "What is a need to know?",
        "MIT officials with a legitimate educational interest may see the particular "
        "information their duties require, without the student's consent.",
    ),
    _faq(
        "directory_information",
        "What is directory information?",
        "Directory items may be released unless the student suppressed them or withheld "
        "everything; degree and attendance inquiries go to the Registrar; the directory "
        "and any listing of several students never leave MIT or go on a public web site.",
    ),
    _faq(
        "non_directory",
        "What about information that is not directory information?",
        "Everything else in the record is non-directory and leaves MIT only with the "
        "student's prior written consent.",
    ),
    _faq(
        "references",
        "May letters of recommendation and references use the student's record?",
        "Yes, with the student's specific written consent; a short email from the "
        "student naming the purpose, the information and the recipient is enough.",
    ),
    _faq(
        "parents",
        "What if a student's parents ask about the student's record?",
        "Parents asking for non-directory information are sent to the dean's office for "
        "the student's level, which tells them what the law allows.",
    ),
    _faq(
        "government_requests",
        "What about requests from government agencies, subpoenas and court orders?",
        "Routine background checks get information only with a form the student signed "
        "authorising them; subpoenas and court orders go to the dean's office by level; "
        "non-routine law-enforcement requests go to the Registrar.",
    ),
    _faq(
        "media",
        "What if a reporter calls?",
        "Media requests about current or former students go to the News Office.",
    ),
    _faq(
        "own_records",
        "Which of my files may a student see?",
        "A student who asks in writing may see the records that identify them, except "
        "parts about other students, notes their maker never shares, and records whose "
        "access the student waived.",
    ),
    _faq(
        "web_posting",
        "May we post students' information on a department web page?",
        "Only with each student's permission, whether the site is open or restricted.",
    ),
    _faq(
        "class_lists",
        "With whom may I share my class lists?",
        "Only with faculty, TAs and administrators assigned to the subject, who may not "
        "pass them on or use them for anything but their duties in it.",
    ),
    _faq(
        "email",
        "May I email student information I am permitted to disclose?",
        "Yes, with care proportionate to its sensitivity: encrypt, identify the student "
        "as little as possible, keep sensitive words out of the subject, and never email "
        "batches of grades or ID numbers.",
    ),
    _cfr(
        "99.3",
        "",
        "Definitions: education records and directory information",
        "Notes kept in the sole possession of their maker and shown to no one are not "
        "education records.",
    ),
    _cfr(
        "99.10",
        "(b)",
        "Right to inspect and review education records",
        "The institution must let an eligible student inspect their records within 45 "
        "days of the request.",
    ),
    _cfr(
        "99.12",
        "(a)",
        "Limits on the right to inspect",
        "When a record names several students, each may see only the part about themself.",
    ),
    _cfr(
        "99.12",
        "(c)",
        "Waiver of the right to inspect",
        "A student may waive the right to see confidential letters of recommendation.",
    ),
    _cfr(
        "99.30",
        "(a)",
        "Prior written consent",
        "Personally identifiable information leaves the institution only with the "
        "student's signed and dated consent, unless an exception applies.",
    ),
    _cfr(
        "99.30",
        "(b)",
        "What a written consent names",
        "The consent names the records, the purpose and the recipients of the disclosure.",
    ),
    _cfr(
        "99.31",
        "(a)(1)",
        "School officials with a legitimate educational interest",
        "Officials inside the institution may receive what they need for their duties "
        "without consent.",
    ),
    _cfr(
        "99.31",
        "(a)(2)",
        "Officials of another school",
        "Information may go to officials of a school where the student seeks or intends to "
        "enrol, or is enrolled, for purposes of that enrolment or transfer.",
    ),
    _cfr(
        "99.31",
        "(a)(4)",
        "Financial aid",
        "Information may be disclosed in connection with financial aid the student applied "
        "for or received, as needed to decide eligibility, amount or conditions, or to "
        "enforce its terms.",
    ),
    _cfr(
        "99.31",
        "(a)(8)",
        "Parents of a dependent student",
        "Parents may receive information about a student who is their dependent for federal "
        "income tax.",
    ),
    _cfr(
        "99.31",
        "(a)(10)",
        "Health or safety emergency",
        "Information may be disclosed in connection with a health or safety emergency, under "
        "the conditions of 99.36.",
    ),
    _cfr(
        "99.31",
        "(a)(9)",
        "Subpoenas and court orders",
        "Information may be released to comply with a lawful subpoena or court order, "
        "after reasonable effort to notify the student, unless the subpoena or order "
        "forbids telling them.",
    ),
    _cfr(
        "99.32",
        "(a)",
        "Record of requests and disclosures",
        "The institution keeps, with the student's records, a record of each disclosure "
        "that the student may inspect.",
    ),
    _cfr(
        "99.32",
        "(a)(5)",
        "Record of an emergency disclosure",
        "After an emergency disclosure the institution records the articulable and "
        "significant threat that led to it and the parties who received the information.",
    ),
    _cfr(
        "99.33",
        "(a)",
        "Limits on redisclosure",
        "A recipient may not pass the information on without the student's consent.",
    ),
    _cfr(
        "99.34",
        "(a)",
        "Disclosure to another school",
        "A school that sends records to one where the student is enrolling makes a reasonable "
        "attempt to tell the student, unless its annual notice says it does so, and gives "
        "the student a copy on request.",
    ),
    _cfr(
        "99.36",
        "(a)",
        "Conditions of a health or safety emergency disclosure",
        "To appropriate parties, parents included, when knowing the information is necessary "
        "to protect the health or safety of the student or others, weighing the totality of "
        "the circumstances.",
    ),
    _cfr(
        "99.37",
        "(a)",
        "Directory information and the right to opt out",
        "Directory information may be released unless the student opted out of it.",
    ),
    _cfr(
        "99.37",
        "(b)",
        "Opt-outs of former students",
        "An opt-out made while enrolled stays in force after the student leaves, until rescinded.",
    ),
)

CLAUSES: dict[str, Clause] = {clause.id: clause for clause in _ALL}


def render_cites(clause_ids: Iterable[str]) -> str:
    """Return the human-readable citation of the given clauses, narrowest last.

    Args:
        clause_ids: ids of ``CLAUSES``.

    Returns:
        One line such as ``faq.parents (What if ...?); cfr.99.30.a (34 CFR § 99.30(a))``.
    """
    parts = []
    for clause_id in clause_ids:
        clause = CLAUSES[clause_id]
        label = clause.title if clause.id.startswith("faq.") else clause.locator
        parts.append(f"{clause.id} ({label})")
    return "; ".join(parts)
