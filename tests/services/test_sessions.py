"""Sign-in sessions live in the store: ended, timed out, void without the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from discretion.services import Context, ForbiddenError, InvalidRequestError, sessions
from tests.actors import acting

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LIMITS = sessions.Limits(absolute=timedelta(hours=8), idle=timedelta(minutes=30))


def _who(context: Context, secret: str, at: datetime, demo_on: bool = True) -> str | None:
    with context.transaction() as session:
        principal = sessions.principal_for_session(
            session, secret, limits=LIMITS, demo_on=demo_on, at=at
        )
        return None if principal is None else principal.person_id


def _start(context: Context, person_id: str = "u-ada", via: str = "oidc") -> str:
    with context.transaction() as session:
        return sessions.start(session, person_id=person_id, via=via, at=T0)


def test_a_session_stands_for_its_person_until_it_is_ended(sample: Context) -> None:
    secret = _start(sample)
    assert _who(sample, secret, T0 + timedelta(minutes=1)) == "u-ada"
    with sample.transaction() as session:
        assert sessions.end(session, secret) is True
        assert sessions.end(session, secret) is False
    assert _who(sample, secret, T0 + timedelta(minutes=2)) is None
    assert _who(sample, "not-a-secret", T0) is None


def test_an_idle_session_lapses_and_use_keeps_it_alive(sample: Context) -> None:
    secret = _start(sample)
    for minutes in (20, 40, 60):  # each use within 30 minutes of the last one
        assert _who(sample, secret, T0 + timedelta(minutes=minutes)) == "u-ada"
    assert _who(sample, secret, T0 + timedelta(minutes=91)) is None


def test_no_session_outlives_the_absolute_limit(sample: Context) -> None:
    secret = _start(sample)
    for step in range(1, 24):  # used every 20 minutes, up to 7 h 40 min after sign-in
        assert _who(sample, secret, T0 + step * timedelta(minutes=20)) == "u-ada"
    assert _who(sample, secret, T0 + timedelta(hours=8)) is None


def test_a_demo_session_opens_nothing_when_the_demo_is_off(sample: Context) -> None:
    secret = _start(sample, via="demo")
    assert _who(sample, secret, T0, demo_on=True) == "u-ada"
    assert _who(sample, secret, T0, demo_on=False) is None
    with sample.transaction() as session, pytest.raises(InvalidRequestError, match="sign-in"):
        sessions.start(session, person_id="u-ada", via="password")


def test_an_administrator_ends_every_session_of_a_person(sample: Context) -> None:
    first, second = _start(sample, "u-reg"), _start(sample, "u-reg", via="demo")
    other = _start(sample, "u-ada")
    with sample.transaction() as session, pytest.raises(ForbiddenError, match="administrator"):
        sessions.end_all(session, actor=acting(session, "u-ada"), person_id="u-reg")
    with sample.transaction() as session:
        from discretion.services.principals import grant_role

        grant_role(session, person_id="u-emmy", role="administrator")
    with sample.transaction() as session:
        ended = sessions.end_all(session, actor=acting(session, "u-emmy"), person_id="u-reg")
        rows = sessions.list_sessions(session, actor=acting(session, "u-reg"), person_id="u-reg")
    assert ended == 2 and {r["ended_by"] for r in rows} == {"u-emmy"}
    assert _who(sample, first, T0) is None and _who(sample, second, T0) is None
    assert _who(sample, other, T0) == "u-ada"
