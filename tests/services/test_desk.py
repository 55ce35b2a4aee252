"""The desk's figures and log search: what the Registrar finds, and what an office may count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from discretion.services import Context, ForbiddenError, desk, disclosure_log
from discretion.services.changes import list_suppressions, rescind
from discretion.services.referrals import close_referral, open_referral
from discretion.store.models import Referral
from tests.actors import acting

MONDAY = date(2026, 11, 30)


def _disclose(sample: Context, recipient: str, at: datetime, student: str = "u-ada") -> None:
    with sample.transaction() as session:
        disclosure_log.append(
            session, actor_id="u-reg", recipient=recipient, student_id=student,
            items=["grades"], rules=["disclosure.outside_with_written_consent"], purpose=None,
            at=at,
        )  # fmt: skip


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_the_log_is_searched_by_student_recipient_and_days(sample: Context) -> None:
    _disclose(sample, "Acme Robotics", _at(MONDAY - timedelta(days=8)))
    _disclose(sample, "ACME 100% Ltd", _at(MONDAY), "u-alan")
    _disclose(sample, "Northwind", _at(MONDAY + timedelta(days=1), 23))
    with sample.transaction() as session:
        reg = acting(session, "u-reg")

        def recipients(**filters: object) -> list[str]:
            return [e.recipient for e in desk.search_log(session, reg, **filters)]  # type: ignore[arg-type]

        assert recipients() == ["Acme Robotics", "ACME 100% Ltd", "Northwind"]
        assert recipients(recipient="acme") == ["Acme Robotics", "ACME 100% Ltd"]
        assert recipients(recipient="100%") == ["ACME 100% Ltd"]  # a wildcard is a character
        assert recipients(recipient="_") == []
        assert recipients(student_id="u-alan") == ["ACME 100% Ltd"]
        assert recipients(since=MONDAY) == ["ACME 100% Ltd", "Northwind"]
        assert recipients(until=MONDAY + timedelta(days=1)) == [
            "Acme Robotics", "ACME 100% Ltd", "Northwind",
        ]  # fmt: skip
        assert recipients(since=MONDAY, until=MONDAY) == ["ACME 100% Ltd"]
        assert recipients(after=1, limit=1) == ["ACME 100% Ltd"]
        with pytest.raises(ForbiddenError):
            desk.search_log(session, acting(session, "u-ada"))


def test_disclosures_are_counted_by_week(sample: Context) -> None:
    _disclose(sample, "A", _at(MONDAY - timedelta(days=1)))  # the week before
    _disclose(sample, "B", _at(MONDAY))
    _disclose(sample, "C", _at(MONDAY + timedelta(days=6), 23))
    _disclose(sample, "D", _at(MONDAY - timedelta(weeks=5)))  # before the chart begins
    with sample.transaction() as session:
        weeks = desk.disclosures_per_week(
            session, acting(session, "u-reg"), weeks=3, today=MONDAY + timedelta(days=2)
        )
        with pytest.raises(ForbiddenError):
            desk.disclosures_per_week(session, acting(session, "u-ada"))
    assert [(w.week, w.count) for w in weeks] == [
        (MONDAY - timedelta(weeks=2), 0), (MONDAY - timedelta(weeks=1), 1), (MONDAY, 2),
    ]  # fmt: skip


def test_suppression_rates_count_students_with_one_in_force(sample: Context) -> None:
    with sample.transaction() as session:
        reg = acting(session, "u-reg")
        rates = desk.suppression_rates(session, reg)
        assert (rates.students, rates.any_item, rates.withheld) == (3, 2, 1)
        assert rates.share(rates.withheld) == pytest.approx(1 / 3)
        ada = [s for s in list_suppressions(session, reg, "u-ada") if s.rescinded_at is None]
        rescind(session, actor=reg, suppression_id=ada[0].id, method="written")
    with sample.transaction() as session:
        rates = desk.suppression_rates(session, acting(session, "u-reg"))
        assert (rates.students, rates.any_item, rates.withheld) == (3, 1, 1)
        with pytest.raises(ForbiddenError):
            desk.suppression_rates(session, acting(session, "u-ada"))
    assert desk.SuppressionRates(0, 0, 0).share(0) == 0.0


def test_the_queue_puts_overdue_first_and_counts_only_visible_offices(sample: Context) -> None:
    with sample.transaction() as session:
        reg = acting(session, "u-reg")
        made = [
            open_referral(
                session, sample.profile, actor=reg, requester=f"employer {i}",
                question={"recipient": {"kind": "employer"}, "information": ["degrees"],
                          "student": {"id": "u-ada"}},
            ).id
            for i in range(3)
        ]  # fmt: skip
        session.get(Referral, made[2]).opened_at = datetime.now(UTC) - timedelta(days=30)  # type: ignore[union-attr]
        close_referral(session, reg, referral_id=made[1], outcome="confirmed")
    with sample.transaction() as session:
        reg = acting(session, "u-reg")
        waiting = desk.queue(session, reg)
        assert [r.id for r in waiting] == [made[2], made[0]]
        assert desk.is_overdue(waiting[0]) and not desk.is_overdue(waiting[1])
        counts = desk.referrals_by_office(session, reg)
        assert [(c.office, c.open, c.assigned, c.closed, c.total) for c in counts] == [
            ("registrar", 2, 0, 1, 3)
        ]
        with pytest.raises(ForbiddenError):
            desk.referrals_by_office(session, acting(session, "u-ada"))
