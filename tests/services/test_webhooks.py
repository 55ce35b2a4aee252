"""Webhooks: signed deliveries to a real HTTP receiver, retried with backoff, then given up."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from discretion.services import (
    ConflictError,
    Context,
    InvalidRequestError,
    NotFoundError,
    disclosure_log,
)
from discretion.services.changes import rescind, suppress
from discretion.services.checkpoints import parse, signature_holds
from discretion.services.webhooks import (
    MAX_ATTEMPTS,
    backoff,
    deliver_round,
    deliveries,
    disable,
    list_webhooks,
    register,
    sign,
    verify_signature,
)
from discretion.store.models import WebhookDelivery
from tests.actors import acting
from tests.services.test_log import _fill

SECRET = "a-test-secret-of-enough-length"


class Receiver:
    """A real HTTP server on 127.0.0.1 that records requests and answers the statuses given."""

    def __init__(self) -> None:
        self.statuses: list[int] = []  # answered in order; 200 once they run out
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.requests.append((dict(self.headers.items()), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = b"internal details the sender must not keep"
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"{receiver.url}/elsewhere")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def ids(self) -> list[int]:
        """Return the delivery ids received, in order."""
        return [int(headers["X-Discretion-Delivery"]) for headers, _ in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    made.thread.start()
    try:
        yield made
    finally:
        made.server.shutdown()
        made.server.server_close()
        made.thread.join()


def _hook(context: Context, url: str, secret: str | None = SECRET) -> int:
    with context.transaction() as session:
        webhook, _ = register(session, url=url, actor="u-reg", secret=secret)
        return webhook.id


def _suppress(context: Context, item: str | None = "year", student_id: str = "u-alan") -> int:
    with context.transaction() as session:
        return suppress(
            session,
            context.profile,
            actor=acting(session, "u-reg"),
            student_id=student_id,
            item=item,
            method="written",
        ).id


def _deliveries(context: Context, webhook_id: int) -> list[WebhookDelivery]:
    with context.transaction() as session:
        return deliveries(session, webhook_id)


def _later(seconds: float = 1) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_a_delivery_is_signed_and_carries_the_change(sample: Context, receiver: Receiver) -> None:
    hook = _hook(sample, f"{receiver.url}/hooks/privacy", secret=None)
    with sample.transaction() as session:
        (webhook,) = list_webhooks(session)
    suppression_id = _suppress(sample, item=None)
    at = _later()
    assert deliver_round(sample, now=at).attempted == 1
    assert deliver_round(sample, now=at).attempted == 0
    ((headers, body),) = receiver.requests
    stamp = int(at.timestamp())
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Discretion-Signature"] == sign(webhook.secret, stamp, body)
    assert verify_signature(webhook.secret, headers["X-Discretion-Signature"], body, now=stamp)
    assert not verify_signature(SECRET, headers["X-Discretion-Signature"], body, now=stamp)
    (delivery,) = _deliveries(sample, hook)
    change = json.loads(body)
    assert change == {
        "delivery": delivery.id,
        # seq 3: the sample bundle's two suppressions came before
        "change": {"seq": 3, "at": change["change"]["at"], "student_id": "u-alan",
                   "action": "withhold", "item": None, "suppression_id": suppression_id},
    }  # fmt: skip
    assert headers["X-Discretion-Delivery"] == str(delivery.id)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert delivery.delivered_at == at and delivery.last_error is None


def test_signatures_refuse_tampering_staleness_and_nonsense() -> None:
    body = b'{"delivery":1}'
    header = sign(SECRET, 1_000_000, body)
    assert header.startswith("t=1000000,v1=") and len(header.partition(",v1=")[2]) == 64
    assert verify_signature(SECRET, header, body, now=1_000_299)
    assert not verify_signature(SECRET, header, body, now=1_000_301)  # replayed too late
    assert not verify_signature(SECRET, header, body + b" ", now=1_000_000)
    assert not verify_signature(SECRET, header.replace("t=1000000", "t=1000001"), body, 1_000_000)
    for nonsense in ("", "v1=abc", "t=x,v1=abc", "t=1,t=2,v1=abc", "garbage"):
        assert not verify_signature(SECRET, nonsense, body, now=1)


def test_failures_are_retried_with_backoff_until_delivered(
    sample: Context, receiver: Receiver
) -> None:
    receiver.statuses = [500, 302, 200]
    hook = _hook(sample, f"{receiver.url}/hook")
    _suppress(sample)
    t0 = _later()
    assert deliver_round(sample, now=t0).attempted == 1
    (delivery,) = _deliveries(sample, hook)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.last_error == "HTTP 500" and delivery.next_attempt_at == t0 + timedelta(
        seconds=30
    )  # the receiver's answer body is not kept
    assert deliver_round(sample, now=t0 + timedelta(seconds=29)).attempted == 0  # not due yet
    t1 = t0 + timedelta(seconds=30)
    assert deliver_round(sample, now=t1).attempted == 1
    (delivery,) = _deliveries(sample, hook)
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (2, 302, "HTTP 302")
    assert delivery.next_attempt_at == t1 + timedelta(seconds=60)  # the redirect not followed
    t2 = t1 + timedelta(seconds=60)
    assert deliver_round(sample, now=t2).attempted == 1
    (delivery,) = _deliveries(sample, hook)
    assert (delivery.state, delivery.attempts, delivery.delivered_at) == ("delivered", 3, t2)
    assert [h["X-Discretion-Delivery"] for h, _ in receiver.requests] == [str(delivery.id)] * 3
    assert len({body for _, body in receiver.requests}) == 1  # the same body each time


def test_a_delivery_fails_for_good_after_max_attempts(sample: Context, receiver: Receiver) -> None:
    receiver.statuses = [503] * 20
    hook = _hook(sample, receiver.url)
    _suppress(sample)
    at, waits = _later(), []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_round(sample, now=at).attempted == 1
        (delivery,) = _deliveries(sample, hook)
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            waits.append(int((delivery.next_attempt_at - at).total_seconds()))
            at = delivery.next_attempt_at
    assert waits == [30, 60, 120, 240, 480, 960, 1920]
    assert backoff(8) == backoff(30) == timedelta(hours=1)  # capped
    assert (delivery.state, delivery.last_status) == ("failed", 503)
    assert deliver_round(sample, now=at + timedelta(days=1)).attempted == 0
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_a_disabled_webhook_gets_nothing_more(sample: Context, receiver: Receiver) -> None:
    old, live = _hook(sample, f"{receiver.url}/old"), _hook(sample, f"{receiver.url}/live")
    suppression_id = _suppress(sample)
    with sample.transaction() as session:
        disable(session, webhook_id=old, actor="u-reg")
    with sample.transaction() as session:
        rescind(
            session, actor=acting(session, "u-reg"), suppression_id=suppression_id, method="written"
        )
    assert deliver_round(sample, now=_later()).attempted == 2
    assert receiver.ids() == [d.id for d in _deliveries(sample, live)]
    (pending,) = _deliveries(sample, old)  # made before it was disabled; never sent
    assert (pending.state, pending.last_error, pending.attempts) == (
        "failed",
        "webhook disabled",
        0,
    )
    with sample.transaction() as session:
        assert [w.disabled_at is None for w in list_webhooks(session)] == [False, True]
        with pytest.raises(ConflictError, match=f"webhook {old} was disabled on"):
            disable(session, webhook_id=old, actor="u-reg")
        with pytest.raises(NotFoundError, match="unknown webhook `999`"):
            disable(session, webhook_id=999, actor="u-reg")


def test_a_refused_connection_is_recorded_not_raised(sample: Context) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook = _hook(sample, f"http://127.0.0.1:{port}/hook")
    _suppress(sample)
    at = _later()
    assert deliver_round(sample, now=at, timeout=2).attempted == 1
    (delivery,) = _deliveries(sample, hook)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, None)
    assert delivery.last_error is not None and delivery.last_error.startswith("ConnectError: ")
    assert "\n" not in delivery.last_error and delivery.next_attempt_at == at + timedelta(
        seconds=30
    )


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/hook", "http://", "127.0.0.1:8000/hook", "https:///hook", "nonsense"]
)
def test_a_webhook_needs_an_http_url_with_a_host(sample: Context, url: str) -> None:
    with sample.transaction() as session, pytest.raises(InvalidRequestError) as raised:
        register(session, url=url, actor="u-reg")
    assert str(raised.value) == (
        f"webhook URL `{url}` must be http or https with a host (at most 500 characters); "
        "e.g. https://sis.example.edu/hooks/privacy"
    )


def test_a_secret_is_made_when_none_is_given(sample: Context) -> None:
    with sample.transaction() as session:
        webhook, secret = register(session, url="https://127.0.0.1/h", actor="u-reg")
        assert len(secret) >= 43 and webhook.secret == secret and webhook.created_by == "u-reg"
        with pytest.raises(InvalidRequestError, match="16 to 128 characters"):
            register(session, url="https://127.0.0.1/h", actor="u-reg", secret="short")


def test_concurrent_workers_send_each_delivery_once(sample: Context, receiver: Receiver) -> None:
    receiver.delay = 0.01
    hook = _hook(sample, receiver.url)
    for _ in range(15):
        suppression_id = _suppress(sample, item=None, student_id="u-ada")
        with sample.transaction() as session:
            rescind(
                session,
                actor=acting(session, "u-reg"),
                suppression_id=suppression_id,
                method="written",
            )
    counts: list[int] = []
    workers = [
        threading.Thread(target=lambda: counts.append(deliver_round(sample).attempted))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    made = _deliveries(sample, hook)
    assert len(made) == 30 and sum(counts) == 30
    assert sorted(receiver.ids()) == [d.id for d in made]  # each sent once, by one worker
    assert {d.state for d in made} == {"delivered"}


def test_each_checkpoint_reaches_every_webhook_as_a_witness(
    sample: Context, receiver: Receiver
) -> None:
    hook = _hook(sample, f"{receiver.url}/hooks/log")
    old = _hook(sample, f"{receiver.url}/old")
    with sample.transaction() as session:
        disable(session, webhook_id=old, actor="u-reg")
    _fill(sample, 3)
    with sample.transaction() as session:
        made, witnesses = disclosure_log.make_checkpoint(session)
    assert witnesses == 1  # the disabled webhook gets nothing
    _suppress(sample)  # a privacy change after it, delivered beside it
    at = _later()
    assert deliver_round(sample, now=at).attempted == 2
    (checkpoint_delivery, change_delivery) = _deliveries(sample, hook)
    assert (checkpoint_delivery.checkpoint_id, checkpoint_delivery.change_seq) == (1, None)
    assert change_delivery.checkpoint_id is None and change_delivery.change_seq is not None
    assert _deliveries(sample, old) == []
    (headers, body), (_, second) = receiver.requests
    assert verify_signature(
        SECRET, headers["X-Discretion-Signature"], body, now=int(at.timestamp())
    )
    assert json.loads(body) == {"delivery": checkpoint_delivery.id, "checkpoint": made.to_json()}
    assert headers["X-Discretion-Delivery"] == str(checkpoint_delivery.id)
    assert "change" in json.loads(second)
    witnessed = parse(json.loads(body)["checkpoint"])  # what the receiver keeps
    assert sample.log_key is not None and signature_holds(witnessed, sample.log_key.public_key)
    assert {d.state for d in _deliveries(sample, hook)} == {"delivered"}
