"""Access requests: filed in writing, answered within the profile's days, paused on the record."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from discretion.services import (
    ConflictError,
    Context,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from discretion.services import access_requests as requests
from tests.actors import acting

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """The services' clock, moved by hand."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at

    def advance(self, days: float) -> None:
        self.at += timedelta(days=days)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    made = Clock()
    monkeypatch.setattr(requests, "now", made)
    yield made


def _file(context: Context, by: str, student: str = "u-alan", **kwargs: object) -> int:
    with context.transaction() as session:
        filed = requests.file_request(
            session,
            actor=acting(session, by),
            student_id=student,
            **kwargs,  # type: ignore[arg-type]
        )
        return filed.id


def _show(context: Context, by: str, request_id: int) -> requests.RequestView:
    with context.transaction() as session:
        return requests.show(session, context.profile, acting(session, by), request_id)


def test_a_spoken_request_is_refused_with_how_to_make_it_in_writing(sample: Context) -> None:
    with pytest.raises(InvalidRequestError, match="must be in writing: the student files it"):
        _file(sample, "u-reg", method="verbal", received_at=START)
    with pytest.raises(InvalidRequestError, match="unknown request method `fax`"):
        _file(sample, "u-reg", method="fax", received_at=START)


def test_the_student_files_online_and_it_is_due_in_45_days(sample: Context, clock: Clock) -> None:
    request_id = _file(sample, "u-alan", method="online")
    view = _show(sample, "u-alan", request_id)
    assert (view.state, view.method, view.received_at, view.recorded_by) == (
        "open", "online", START, "u-alan",
    )  # fmt: skip
    assert view.due_at == view.effective_due_at == START + timedelta(days=45)
    assert (view.overdue, view.due_soon, view.paused_days) == (False, False, 0)
    with pytest.raises(InvalidRequestError, match="received when filed"):
        _file(sample, "u-alan", method="online", received_at=START)


def test_a_letter_is_recorded_with_the_day_it_came(sample: Context, clock: Clock) -> None:
    received = START - timedelta(days=40)
    request_id = _file(sample, "u-reg", method="paper", received_at=received)
    view = _show(sample, "u-reg", request_id)
    assert view.due_at == received + timedelta(days=45) and view.due_soon and not view.overdue
    with pytest.raises(InvalidRequestError, match="by email needs the date it was received"):
        _file(sample, "u-reg", method="email")
    with pytest.raises(InvalidRequestError, match="cannot be received in the future"):
        _file(sample, "u-reg", method="email", received_at=START + timedelta(days=1))


def test_a_46_day_old_request_is_overdue(sample: Context, clock: Clock) -> None:
    request_id = _file(sample, "u-reg", method="email", received_at=START - timedelta(days=46))
    view = _show(sample, "u-reg", request_id)
    assert view.overdue and not view.due_soon
    with sample.transaction() as session:
        listed = requests.list_requests(session, sample.profile, acting(session, "u-reg"))
    assert [(v.id, v.overdue) for v in listed] == [(request_id, True)]


def test_a_pause_moves_the_due_date_by_its_days(sample: Context, clock: Clock) -> None:
    request_id = _file(sample, "u-alan", method="online")
    with sample.transaction() as session:
        requests.pause(session, actor=acting(session, "u-reg"), request_id=request_id,
                       reason="verifying the student's identity")  # fmt: skip
    clock.advance(3)
    view = _show(sample, "u-alan", request_id)  # an open pause counts up to now
    assert (view.state, view.paused_days) == ("paused", 3)
    assert view.effective_due_at == START + timedelta(days=48)
    clock.advance(2)
    with sample.transaction() as session:
        requests.resume(session, actor=acting(session, "u-reg"), request_id=request_id)
    clock.advance(10)
    view = _show(sample, "u-alan", request_id)  # resuming stops the count
    assert (view.state, view.paused_days) == ("open", 5)
    assert view.effective_due_at == START + timedelta(days=50)
    with sample.transaction() as session, pytest.raises(ConflictError, match="is not paused"):
        requests.resume(session, actor=acting(session, "u-reg"), request_id=request_id)
    with sample.transaction() as session, pytest.raises(InvalidRequestError, match="says why"):
        requests.pause(session, actor=acting(session, "u-reg"), request_id=request_id, reason=" ")


def test_every_step_is_recorded_with_who_and_when(sample: Context, clock: Clock) -> None:
    request_id = _file(sample, "u-alan", method="online")
    clock.advance(1)
    with sample.transaction() as session:
        requests.pause(session, actor=acting(session, "u-reg"), request_id=request_id,
                       reason="identity")  # fmt: skip
    clock.advance(1)
    with sample.transaction() as session:
        requests.fulfil(session, actor=acting(session, "u-reg"), request_id=request_id)
    view = _show(sample, "u-alan", request_id)
    assert [(t.at, t.actor, t.action) for t in view.transitions] == [
        (START, "u-alan", "file"),
        (START + timedelta(days=1), "u-reg", "pause"),
        (START + timedelta(days=2), "u-reg", "fulfil"),
    ]
    assert (view.state, view.ended_by, view.paused_days) == ("fulfilled", "u-reg", 1)
    assert not view.overdue and not view.due_soon
    assert view.to_json()["transitions"][0]["action"] == "file"


@pytest.mark.parametrize("end", ["fulfil", "refuse", "withdraw"])
def test_an_ended_request_is_final(sample: Context, clock: Clock, end: str) -> None:
    request_id = _file(sample, "u-alan", method="online")
    with sample.transaction() as session:
        registrar = acting(session, "u-reg")
        if end == "refuse":
            requests.refuse(session, actor=registrar, request_id=request_id,
                            reason="the records named are not education records")  # fmt: skip
        elif end == "withdraw":
            requests.withdraw(session, actor=acting(session, "u-alan"), request_id=request_id)
        else:
            requests.fulfil(session, actor=registrar, request_id=request_id)
    with sample.transaction() as session:
        registrar = acting(session, "u-reg")
        steps: list[Callable[[], object]] = [
            partial(requests.pause, session, actor=registrar, request_id=request_id, reason="x"),
            partial(requests.fulfil, session, actor=registrar, request_id=request_id),
            partial(requests.withdraw, session, actor=registrar, request_id=request_id),
        ]
        for step in steps:
            with pytest.raises(ConflictError, match="it is final: file a new one instead"):
                step()
    with sample.transaction() as session:
        listed = requests.list_requests(
            session, sample.profile, acting(session, "u-alan"), open_only=True
        )
    assert listed == []


def test_a_refusal_says_why(sample: Context) -> None:
    request_id = _file(sample, "u-alan", method="online")
    with sample.transaction() as session, pytest.raises(InvalidRequestError, match="says why"):
        requests.refuse(session, actor=acting(session, "u-reg"), request_id=request_id, reason="")


def test_to_a_student_another_students_request_looks_like_none(sample: Context) -> None:
    request_id = _file(sample, "u-alan", method="online")
    with pytest.raises(ForbiddenError) as theirs:
        _show(sample, "u-ada", request_id)
    with pytest.raises(ForbiddenError) as missing:
        _show(sample, "u-ada", 9999)
    assert str(theirs.value) == str(missing.value)
    with pytest.raises(NotFoundError, match="unknown access request `9999`"):
        _show(sample, "u-reg", 9999)
    with sample.transaction() as session:
        ada = acting(session, "u-ada")
        assert requests.list_requests(session, sample.profile, ada) == []
        with pytest.raises(ForbiddenError):
            requests.list_requests(session, sample.profile, ada, "u-alan")
        with pytest.raises(ForbiddenError):
            requests.withdraw(session, actor=ada, request_id=request_id)
    with pytest.raises(ForbiddenError):
        _file(sample, "u-ada", "u-alan", method="online")


@pytest.mark.parametrize("staff", ["u-emmy", "u-kurt"])
def test_staff_other_than_the_registrar_are_refused(sample: Context, staff: str) -> None:
    request_id = _file(sample, "u-alan", method="online")
    with pytest.raises(ForbiddenError):
        _file(sample, staff, method="paper", received_at=START)
    with pytest.raises(ForbiddenError):
        _show(sample, staff, request_id)
    with sample.transaction() as session:
        actor = acting(session, staff)
        with pytest.raises(ForbiddenError):
            requests.list_requests(session, sample.profile, actor)
        with pytest.raises(ForbiddenError):
            requests.fulfil(session, actor=actor, request_id=request_id)


def test_only_the_registrar_pauses_fulfils_and_records_letters(sample: Context) -> None:
    request_id = _file(sample, "u-alan", method="online")
    with sample.transaction() as session:
        alan = acting(session, "u-alan")
        with pytest.raises(ForbiddenError):
            requests.pause(session, actor=alan, request_id=request_id, reason="x")
        with pytest.raises(ForbiddenError):
            requests.fulfil(session, actor=alan, request_id=request_id)
    with pytest.raises(ForbiddenError):
        _file(sample, "u-alan", method="paper", received_at=START)
    with pytest.raises(ForbiddenError, match="only the student files online"):
        _file(sample, "u-reg", method="online")


def test_the_desk_works_overdue_then_nearly_due_then_the_rest(
    sample: Context, clock: Clock
) -> None:
    filed = {}
    for student, age in (("u-ada", 10), ("u-alan", 46), ("u-grace", 40)):
        filed[student] = _file(sample, "u-reg", student=student, method="paper",
                               received_at=START - timedelta(days=age))  # fmt: skip
    later = _file(sample, "u-reg", student="u-ada", method="email",
                  received_at=START - timedelta(days=1))  # fmt: skip
    with sample.transaction() as session:
        views = requests.list_requests(session, sample.profile, acting(session, "u-reg"),
                                       open_only=True)  # fmt: skip
    ordered = [view.id for view in requests.by_urgency(views)]
    assert ordered == [filed["u-alan"], filed["u-grace"], filed["u-ada"], later]
