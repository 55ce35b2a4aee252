"""Words the pages share: dates as people write them, and how a consent on file stands."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["consent_status", "day"]


def day(moment: datetime | None) -> str:
    """Return a date as people write it: 1 December 2026."""
    return "" if moment is None else f"{moment.day} {moment:%B %Y}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def consent_status(
    revoked_at: datetime | None, expires_at: datetime | None, at: datetime
) -> tuple[str, bool]:
    """Return how a consent or authorisation stands at ``at``, and if it is in force.

    The rule is the one questions are decided by (``services.facts``): revoked,
    or past its end (the moment itself counts as past), and it no longer counts.
    """
    if revoked_at is not None:
        return f"Revoked on {day(revoked_at)}", False
    if expires_at is not None and _aware(expires_at) <= at:
        return f"Expired on {day(expires_at)}", False
    if expires_at is not None:
        return f"In force until {day(expires_at)}", True
    return "In force", True
