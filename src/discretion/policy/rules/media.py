"""What if a newspaper or television reporter calls? (faq.media)

Media requests about current and former students go to the News Office.
"""

from __future__ import annotations

from discretion.policy.facts import Facts
from discretion.policy.profile import Profile
from discretion.policy.registry import Applies, Effect, rule
from discretion.policy.vocabulary import RecipientKind


@rule(
    "media.refer_to_news_office",
    cites=("faq.media",),
    effect=Effect.REFER,
    explanation=(
        "Requests from the media about current or former students are answered by the "
        "News Office, even for directory information."
    ),
)
def refer_to_news_office(facts: Facts, profile: Profile) -> Applies | None:
    """Every media request goes to the News Office."""
    if facts.recipient is not RecipientKind.MEDIA:
        return None
    office = profile.referral("media")
    return None if office is None else Applies(refer_to=office)
