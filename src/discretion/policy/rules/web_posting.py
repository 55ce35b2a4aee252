"""May we post students' information on a web page? (faq.web_posting)

Students may keep directory and other personal information from public or
community distribution, so each student's permission is needed before their
information goes on any web site, open or restricted. (A listing of several
students never goes on an open site: see directory.)
"""

from __future__ import annotations

from discretion.policy.facts import Facts, is_listing, is_posting
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Condition

_LISTING = Applies((Condition.ONLY_PERMITTING_STUDENTS,))


@rule(
    "web_posting.permission_from_each_student",
    cites=("faq.web_posting",),
    effect=Effect.PERMIT,
    explanation="The student gave permission for their information to be posted on this site.",
)
def permission_from_each_student(facts: Facts, profile: Profile) -> Applies | None:
    """A posting needs, and is allowed by, the student's permission."""
    if not is_posting(facts) or not facts.web_posting:
        return None
    return _LISTING if is_listing(facts) else APPLIES


@rule(
    "web_posting.permission_missing",
    cites=("faq.web_posting",),
    effect=Effect.DENY,
    explanation=(
        "Posting a student's information on any web site, open or restricted, needs that "
        "student's permission."
    ),
    remedy="Get permission from each student whose information would be posted.",
)
def permission_missing(facts: Facts, profile: Profile) -> Applies | None:
    """Without permission, nothing about a student is posted."""
    return APPLIES if is_posting(facts) and not facts.web_posting else None
