"""The privacy-change feed: numbered in commit order, without gaps, read page by page."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from sqlalchemy import func, select

from discretion.services import Context, InvalidRequestError, open_context
from discretion.services.changes import rescind, suppress
from discretion.services.principals import IMPORTER
from discretion.services.privacy_feed import change_json, changes_after
from discretion.services.webhooks import register
from discretion.store.models import Counter, Person, PrivacyChange, WebhookDelivery
from tests.actors import acting

IMPORTED = 2  # the sample bundle's suppressions, fed by the import
WORKERS, STUDENTS = 3, 25  # each worker suppresses and rescinds for its students: 50 changes


def _feed(
    context: Context, cursor: int = 0, limit: int = 1000
) -> list[tuple[int, str, str, str | None]]:
    with context.transaction() as session:
        return [
            (c.seq, c.action, c.student_id, c.item) for c in changes_after(session, cursor, limit)
        ]


def test_suppress_withhold_and_rescind_come_out_in_order(sample: Context) -> None:
    with sample.transaction() as session:
        year = suppress(
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-alan",
            item="year",
            method="written",
        )
        suppress(
            session,
            sample.profile,
            actor=acting(session, "u-alan"),
            student_id="u-alan",
            item=None,
            method="online",
        )
    with sample.transaction() as session:
        rescind(session, actor=acting(session, "u-reg"), suppression_id=year.id, method="written")
    assert _feed(sample) == [
        # the sample bundle's own suppressions come first: imports feed it too
        (1, "suppress", "u-ada", "term_address"),
        (2, "withhold", "u-grace", None),
        (3, "suppress", "u-alan", "year"),
        (4, "withhold", "u-alan", None),
        (5, "rescind", "u-alan", "year"),
    ]
    with sample.transaction() as session:
        first, _, last = changes_after(session, IMPORTED, 10)
        assert session.get(Counter, "privacy_change").value == 5  # type: ignore[union-attr]
        assert change_json(first) == {
            "seq": 3,
            "at": year.requested_at.isoformat(),
            "student_id": "u-alan",
            "action": "suppress",
            "item": "year",
            "suppression_id": year.id,
        }  # names the item, never its value
        assert last.suppression_id == year.id and last.at >= first.at


def test_the_cursor_pages_through_every_change_once(sample: Context) -> None:
    with sample.transaction() as session:
        for item in ("year", "course", "email", "term_phone", "degrees"):
            suppress(
                session,
                sample.profile,
                actor=acting(session, "u-reg"),
                student_id="u-alan",
                item=item,
                method="written",
            )
    pages, cursor = [], 0
    while page := _feed(sample, cursor, 2):
        pages.append([seq for seq, *_ in page])
        cursor = page[-1][0]
    assert pages == [[1, 2], [3, 4], [5, 6], [7]]
    assert _feed(sample, 7, 10) == [] and len(_feed(sample, 0, 10**6)) == IMPORTED + 5
    with sample.transaction() as session:
        with pytest.raises(InvalidRequestError, match="cursor `-1` is negative"):
            changes_after(session, -1, 10)
        with pytest.raises(InvalidRequestError, match="limit `0` is below 1"):
            changes_after(session, 0, 0)


def test_a_rolled_back_change_leaves_no_trace_and_no_gap(sample: Context) -> None:
    register_webhook(sample)
    with pytest.raises(RuntimeError), sample.transaction() as session:
        suppress(
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-alan",
            item="year",
            method="written",
        )
        assert [c.seq for c in changes_after(session, IMPORTED, 10)] == [3]  # seen inside only
        raise RuntimeError("the request failed after the suppression")
    assert _feed(sample, IMPORTED) == []
    with sample.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        suppress(
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-alan",
            item="email",
            method="written",
        )
    assert _feed(sample, IMPORTED) == [(3, "suppress", "u-alan", "email")]


def register_webhook(context: Context) -> None:
    with context.transaction() as session:
        register(session, url="http://127.0.0.1:9/feed", actor="system")


def _students(context: Context) -> None:
    with context.transaction() as session:
        session.add_all(
            Person(
                id=f"s-{w}-{n}",
                kind="student",
                given_name="S",
                family_name=f"{w}-{n}",
                level="undergraduate",
                status="current",
            )  # fmt: skip
            for w in range(WORKERS)
            for n in range(STUDENTS)
        )


def _suppress_many(url: str, worker: int) -> int:
    """Suppress ``year`` for each of the worker's students, then rescind each: one commit each."""
    context = open_context(url)
    made: list[int] = []
    try:
        for n in range(STUDENTS):
            with context.transaction() as session:
                made.append(
                    suppress(
                        session,
                        context.profile,
                        actor=IMPORTER,
                        student_id=f"s-{worker}-{n}",
                        item="year",
                        method="online",
                    ).id  # fmt: skip
                )
        for suppression_id in made:
            with context.transaction() as session:
                rescind(session, actor=IMPORTER, suppression_id=suppression_id, method="written")
    finally:
        context.close()
    return 2 * len(made)


def test_concurrent_writers_number_without_gaps_and_readers_miss_nothing(empty: Context) -> None:
    """3 processes x 50 changes while this process pages through the feed as they commit."""
    _students(empty)
    register_webhook(empty)
    total = WORKERS * STUDENTS * 2
    seen: list[int] = []
    cursor, deadline = 0, time.monotonic() + 120
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        done = pool.starmap_async(_suppress_many, [(empty.store.url, w) for w in range(WORKERS)])
        while len(seen) < total and time.monotonic() < deadline:
            finished = done.ready()  # asked before reading, so a page read after it is the last
            page = _feed(empty, cursor, 7)
            seen += [seq for seq, *_ in page]
            cursor = seen[-1] if seen else 0
            if not page and finished:
                break  # every worker had committed, or one failed, before this empty page
            if not page:
                time.sleep(0.005)
        assert done.get(timeout=60) == [STUDENTS * 2] * WORKERS
    assert seen == list(range(1, total + 1))  # each once, in order, none skipped
    feed = _feed(empty)
    assert [seq for seq, *_ in feed] == seen
    first: dict[str, str] = {}
    for _, action, student_id, _ in feed:
        first.setdefault(student_id, action)
    assert set(first.values()) == {"suppress"}  # a rescission never precedes its suppression
    with empty.transaction() as session:
        carried = list(session.scalars(select(WebhookDelivery.change_seq)))
        assert None not in carried and sorted(s for s in carried if s is not None) == seen
        assert session.get(Counter, "privacy_change").value == total  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(PrivacyChange)) == total
