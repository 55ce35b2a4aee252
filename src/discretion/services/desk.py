"""The registrar's desk: searching the disclosure log, and the figures behind the desk's charts.

The whole log, its search and the suppression figures are the Registrar's
(``access.require_registrar``); the referral figures count only the queues
the caller may see (``referrals.list_referrals``), so a dean's office counts
its own referrals and learns nothing of another office's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from discretion.services.access import require_registrar
from discretion.services.context import now
from discretion.services.disclosure_log import Entry
from discretion.services.principals import Principal
from discretion.services.referrals import STATUSES, list_referrals
from discretion.store.models import Disclosure, Person, Referral, Suppression

__all__ = [
    "MAX_PAGE",
    "OVERDUE_AFTER",
    "OfficeCount",
    "SuppressionRates",
    "WeekCount",
    "disclosures_per_week",
    "is_overdue",
    "queue",
    "referrals_by_office",
    "search_log",
    "start_of",
    "suppression_rates",
]

MAX_PAGE = 200
# the desk's own reminder for a referral nobody has closed: not a deadline of law
OVERDUE_AFTER = timedelta(days=10)


def start_of(day: date) -> datetime:
    """Return the first moment of a day (UTC)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def search_log(
    session: Session,
    principal: Principal,
    *,
    student_id: str | None = None,
    recipient: str | None = None,
    since: date | None = None,
    until: date | None = None,
    after: int = 0,
    limit: int = 50,
) -> list[Entry]:
    """Return log entries matching every filter given, oldest first, after entry ``after``.

    ``recipient`` matches any part of the recipient, in any case; ``since``
    and ``until`` are whole days (UTC), both included.

    Raises:
        ForbiddenError: the searcher is not the Registrar.
    """
    require_registrar(principal)
    query = select(Disclosure).where(Disclosure.seq > after)
    if student_id:
        query = query.where(Disclosure.student_id == student_id)
    if recipient:
        query = query.where(
            func.lower(Disclosure.recipient).contains(recipient.lower(), autoescape=True)
        )
    if since is not None:
        query = query.where(Disclosure.at >= start_of(since))
    if until is not None:
        query = query.where(Disclosure.at < start_of(until + timedelta(days=1)))
    rows = session.scalars(query.order_by(Disclosure.seq).limit(max(1, min(limit, MAX_PAGE))))
    return [
        Entry(row.seq, row.at, row.actor_id, row.recipient, row.student_id, list(row.items),
              list(row.rules), row.purpose, row.prev_hash, row.hash, row.scheme, row.key_id)
        for row in rows
    ]  # fmt: skip


def is_overdue(referral: Referral, at: datetime | None = None) -> bool:
    """Return whether a referral still open was opened longer ago than ``OVERDUE_AFTER``."""
    opened = referral.opened_at
    if opened.tzinfo is None:
        opened = opened.replace(tzinfo=UTC)
    return referral.status != "closed" and (at or now()) - opened > OVERDUE_AFTER


def queue(session: Session, principal: Principal) -> list[Referral]:
    """Return the caller's offices' referrals not yet closed: overdue first, then oldest first.

    Raises:
        ForbiddenError: the caller works in no office and is no administrator.
    """
    moment = now()
    waiting = [r for r in list_referrals(session, principal) if r.status != "closed"]
    return sorted(waiting, key=lambda r: (not is_overdue(r, moment), r.opened_at, r.id))


@dataclass(frozen=True)
class WeekCount:
    """How many disclosures were recorded in the week starting ``week`` (a Monday)."""

    week: date
    count: int


def disclosures_per_week(
    session: Session, principal: Principal, *, weeks: int = 12, today: date | None = None
) -> list[WeekCount]:
    """Return the disclosures recorded in each of the last ``weeks`` weeks, oldest first.

    Raises:
        ForbiddenError: the caller is not the Registrar.
    """
    require_registrar(principal)
    today = today or now().date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=max(1, weeks) - 1)
    counts = {first + timedelta(weeks=i): 0 for i in range(max(1, weeks))}
    moments = session.scalars(select(Disclosure.at).where(Disclosure.at >= start_of(first)))
    for moment in moments:
        day = moment.date()
        monday = day - timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += 1
    return [WeekCount(week, count) for week, count in counts.items()]


@dataclass(frozen=True)
class OfficeCount:
    """An office's referrals by status."""

    office: str
    open: int
    assigned: int
    closed: int

    @property
    def total(self) -> int:
        """Return every referral of the office."""
        return self.open + self.assigned + self.closed


def referrals_by_office(session: Session, principal: Principal) -> list[OfficeCount]:
    """Return the referrals of each office the caller may see, by status, by office id.

    Raises:
        ForbiddenError: the caller works in no office and is no administrator.
    """
    counts: dict[str, dict[str, int]] = {}
    for referral in list_referrals(session, principal):
        row = counts.setdefault(referral.office, dict.fromkeys(STATUSES, 0))
        row[referral.status] += 1
    return [
        OfficeCount(office, row["open"], row["assigned"], row["closed"])
        for office, row in sorted(counts.items())
    ]


@dataclass(frozen=True)
class SuppressionRates:
    """How many students keep something from the directory, and how many withhold everything."""

    students: int
    any_item: int  # keep at least one item private, or withhold everything
    withheld: int  # withhold everything

    def share(self, part: int) -> float:
        """Return ``part`` as a share of the students (0 when there are none)."""
        return part / self.students if self.students else 0.0


def suppression_rates(session: Session, principal: Principal) -> SuppressionRates:
    """Return the share of students with a suppression in force, and with everything withheld.

    Raises:
        ForbiddenError: the caller is not the Registrar.
    """
    require_registrar(principal)
    students = (
        session.scalar(select(func.count()).select_from(Person).where(Person.kind == "student"))
        or 0
    )
    in_force = (
        select(func.count(distinct(Suppression.student_id)))
        .join(Person, Person.id == Suppression.student_id)
        .where(Person.kind == "student", Suppression.rescinded_at.is_(None))
    )
    any_item = session.scalar(in_force) or 0
    withheld = session.scalar(in_force.where(Suppression.item.is_(None))) or 0
    return SuppressionRates(int(students), int(any_item), int(withheld))
