"""May we post students' information on a web page? (faq.web_posting)

Students may keep directory and other personal information from public or
community distribution, so each student's permission is needed before their
information goes on any web site, open or restricted. The permission is
itself consent: spoken counts for nothing; a page the public can reach needs
it in writing (and specific, for non-directory items), as does a student who
withheld everything. Reading one's own record, or an official reading what
their duties need, in a restricted system is no posting (see
``facts.is_posting``). A listing of several students never goes on an open
site: see directory.
"""

from __future__ import annotations

from discretion.policy.facts import Facts, has_posting_permission, is_listing, is_posting
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
    """A posting needs, and is allowed by, the student's permission in a form that counts."""
    if not is_posting(facts) or not has_posting_permission(facts):
        return None
    return _LISTING if is_listing(facts) else APPLIES


@rule(
    "web_posting.permission_missing",
    cites=("faq.web_posting",),
    effect=Effect.DENY,
    explanation=(
        "Posting a student's information on any web site, open or restricted, needs that "
        "student's permission, given in a form that counts: never just spoken."
    ),
    remedy=(
        "Get each student's written permission to post (for a page only the Institute "
        "community can reach, an email will do, unless the student withheld everything)."
    ),
)
def permission_missing(facts: Facts, profile: Profile) -> Applies | None:
    """Without permission in a form that counts, nothing about a student is posted."""
    return APPLIES if is_posting(facts) and not has_posting_permission(facts) else None
