"""May I email student information I am permitted to disclose? (faq.email)

There is no clear answer: unencrypted email is a postcard, not a sealed
letter, yet it is convenient and common. Use care in proportion to what is
sent: encrypt, identify the student as little as possible, keep sensitive
words out of the subject, ideally have the student accept the risk first, and
never email batches of sensitive data such as lists of grades or ID numbers.
"""

from __future__ import annotations

from discretion.policy.facts import Facts, is_listing, is_open_directory
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, Applies, Effect, rule
from discretion.policy.vocabulary import Channel, Condition

_EMAIL = (Channel.EMAIL, Channel.EMAIL_ENCRYPTED)
_ENCRYPTED = (
    Condition.MINIMIZE_IDENTIFIABILITY,
    Condition.NO_SENSITIVE_WORDS_IN_SUBJECT,
    Condition.NO_BATCHES_BY_EMAIL,
)
_UNENCRYPTED = (Condition.ENCRYPT, *_ENCRYPTED, Condition.STUDENT_ACCEPTS_EMAIL_RISK)


def _without_batches(conditions: tuple[Condition, ...]) -> tuple[Condition, ...]:
    # a listing allowed by email is the batch; the warning against batches is moot
    return tuple(c for c in conditions if c is not Condition.NO_BATCHES_BY_EMAIL)


@rule(
    "email.no_batches_of_sensitive_data",
    cites=("faq.email",),
    effect=Effect.BAN,
    explanation=(
        "Batches of sensitive data, such as lists of grades or ID numbers, should not go "
        "by email at all, encrypted or not."
    ),
    remedy=(
        "Send the list another way: by hand, on paper, or through a protected Institute system."
    ),
)
def no_batches_of_sensitive_data(facts: Facts, profile: Profile) -> Applies | None:
    """No lists of sensitive items by email."""
    if facts.channel not in _EMAIL or not facts.item.sensitive:
        return None
    return APPLIES if is_listing(facts) else None


@rule(
    "email.unencrypted_caution",
    cites=("faq.email",),
    effect=Effect.CONDITION,
    explanation=(
        "Unencrypted email is as private as a postcard: encrypt non-directory information, "
        "identify the student as little as possible, keep sensitive words out of the "
        "subject, and first make sure the student accepts the risk."
    ),
)
def unencrypted_caution(facts: Facts, profile: Profile) -> Applies | None:
    """Information that is not open directory, by plain email, carries every precaution."""
    if facts.channel is not Channel.EMAIL or is_open_directory(facts):
        return None
    return Applies(_without_batches(_UNENCRYPTED) if is_listing(facts) else _UNENCRYPTED)


@rule(
    "email.encrypted_caution",
    cites=("faq.email",),
    effect=Effect.CONDITION,
    explanation=(
        "Even encrypted, an email should identify the student as little as possible and "
        "keep sensitive words out of its unencrypted subject line."
    ),
)
def encrypted_caution(facts: Facts, profile: Profile) -> Applies | None:
    """Encrypted email of what is not open directory still needs care in the headers."""
    if facts.channel is not Channel.EMAIL_ENCRYPTED or is_open_directory(facts):
        return None
    return Applies(_without_batches(_ENCRYPTED) if is_listing(facts) else _ENCRYPTED)
