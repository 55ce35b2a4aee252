"""Benchmark the email checker and the SMTP guard, and compare detection with Microsoft Presidio.

Three tables, each with a baseline measured in the same run, so the ratios
hold on a noisy machine:

1. ``check()`` over the corpus (``tests/mail/corpus``) scaled to 10,000
   messages, each with its own header line so that no two are the same
   bytes; baseline: the standard library parsing the same bytes and reading
   the body.
2. The guard end to end (aiosmtpd, the real checker, a sink relay, all on
   127.0.0.1): messages the checker lets through (pass or warn) and messages
   it blocks, each set submitted with ``smtplib`` over one connection;
   baseline: the same submissions straight to the sink.
3. Detection of students' full names, ID numbers and letter grades in the
   corpus's texts (plain-text bodies, CSV and text attachments), by
   ``discretion.mail.detect`` and by Presidio (``bench/mail_presidio.py``),
   against the labels in ``bench/mail_truth.yaml`` (``bench/mail_scoring.py``):
   precision, recall, and texts per second (baseline: Discretion). Without
   presidio-analyzer it says how to install it and skips Presidio's rows.

Run with ``PYTHONPATH=src python bench/mail.py`` (``make bench`` installs the
``bench`` extra first).
"""

from __future__ import annotations

import argparse
import email.policy
import re
import smtplib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from discretion.mail.checker import check
from discretion.mail.guard import GuardConfig, build_controller
from discretion.mail.people import RosterPeople, Student
from discretion.mail.relay import Relay
from discretion.mail.verdict import Level
from discretion.policy import Profile, load_profile
from mail_scoring import (
    TRUTH,
    Found,
    corpus_texts,
    discretion_found,
    load_truth,
    presidio_found,
    score,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "mail" / "corpus"
SENDER, RECIPIENTS = "privera@mit.edu", ["colleague@mit.edu"]
MB = 1e6


def corpus() -> list[tuple[str, bytes]]:
    """Return the corpus messages: file stem and bytes, in name order."""
    return [(path.stem, path.read_bytes()) for path in sorted(CORPUS.glob("*.eml"))]


def numbered(raw: bytes, n: int) -> bytes:
    """Return the message with an ``X-Bench-Sequence: n`` header first, so each copy differs."""
    eol = b"\r\n" if b"\r\n" in raw[:200] else b"\n"
    return b"X-Bench-Sequence: %d%s%s" % (n, eol, raw)


def scaled(messages: list[bytes], count: int, start: int = 0) -> list[bytes]:
    """Return ``count`` messages: ``messages`` repeated, each copy numbered."""
    return [numbered(messages[n % len(messages)], start + n) for n in range(count)]


def stdlib_read(raw: bytes) -> str:
    """The baseline: parse with the standard library and read the preferred body."""
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain", "html"))
    try:
        content = body.get_content() if body is not None else ""
    except LookupError:  # an unknown charset
        content = ""
    return content if isinstance(content, str) else ""


def timed(work: Callable[[], object]) -> float:
    """Return how long ``work()`` takes, in seconds."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def row(label: str, seconds: float, count: int, size: int, baseline: float | None) -> str:
    """Return a throughput row; the ratio is this time over the baseline's."""
    ratio = "1.0 (baseline)" if baseline is None else f"{seconds / baseline:,.1f}x"
    return (
        f"{label:<36}{seconds:>9.2f}{count / seconds:>11,.0f}{size / MB / seconds:>9.2f}  {ratio}"
    )


def header(title: str) -> None:
    """Print a table's title and its column names."""
    print(f"\n{title}")
    print(f"{'':<36}{'seconds':>9}{'msgs/s':>11}{'MB/s':>9}  ratio")


def bench_checker(messages: list[bytes], profile: Profile, count: int) -> None:
    """Print table 1: ``check()`` over ``count`` messages beside the stdlib baseline."""
    batch = scaled(messages, count)
    size = sum(len(raw) for raw in batch)
    baseline = timed(lambda: [stdlib_read(raw) for raw in batch])
    checker = timed(lambda: [check(raw, profile) for raw in batch])
    header(f"1. checker: {count:,} messages ({len(messages)} corpus messages repeated), "
           f"{size / MB:.1f} MB")  # fmt: skip
    print(row("stdlib parse + get_body", baseline, count, size, None))
    print(row("check()", checker, count, size, baseline))


# ---- 2. the guard end to end ----


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Sink:
    """An aiosmtpd handler that takes every message and counts it (a relay that delivers)."""

    messages: int = 0
    size: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        """Count the message and accept it."""
        self.messages += 1
        self.size += len(envelope.original_content or b"")
        return "250 OK"


def submit(port: int, batch: list[bytes]) -> tuple[int, int]:
    """Submit each message over one SMTP connection; return how many were accepted, refused."""
    accepted = refused = 0
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        for raw in batch:
            try:
                client.sendmail(SENDER, RECIPIENTS, raw)
                accepted += 1
            except smtplib.SMTPDataError:
                refused += 1
    return accepted, refused


def timed_submit(port: int, batch: list[bytes]) -> tuple[float, int, int]:
    """Return the seconds ``submit`` takes, and how many it had accepted and refused."""
    start = time.perf_counter()
    accepted, refused = submit(port, batch)
    return time.perf_counter() - start, accepted, refused


def crlf(raw: bytes) -> bytes:
    """Return the message with CRLF line endings, as a client submits it."""
    return re.sub(rb"\r?\n", b"\r\n", raw)


def bench_guard(messages: list[bytes], profile: Profile, relayed: int, blocked: int) -> None:
    """Print table 2: the guard with the real checker beside submissions straight to the sink."""
    lines = [crlf(raw) for raw in messages]
    levels = [check(raw, profile).level for raw in lines]
    through = [raw for raw, level in zip(lines, levels, strict=True) if level is not Level.BLOCK]
    stopped = [raw for raw, level in zip(lines, levels, strict=True) if level is Level.BLOCK]
    sets = {"relayed": scaled(through, relayed), "blocked": scaled(stopped, blocked, relayed)}
    sink, sink_port, guard_port = Sink(), free_port(), free_port()
    relay = Controller(sink, hostname="127.0.0.1", port=sink_port, server_hostname="sink")
    relay.start()
    guard = build_controller(
        lambda raw: check(raw, profile),
        GuardConfig(Relay("127.0.0.1", sink_port, timeout=30)),
        host="127.0.0.1",
        port=guard_port,
    )
    guard.start()
    try:
        header(f"2. guard end to end, one connection per set: {len(through)} corpus messages "
               f"it lets through, {len(stopped)} it blocks")  # fmt: skip
        for name, batch in sets.items():
            size = sum(len(raw) for raw in batch)
            direct, _, _ = timed_submit(sink_port, batch)
            before = sink.messages
            guarded, accepted, refused = timed_submit(guard_port, batch)
            print(row(f"sink directly, {len(batch)} {name}", direct, len(batch), size, None))
            print(row(f"guard, {accepted} relayed + {refused} refused", guarded, len(batch), size,
                      direct))  # fmt: skip
            if name == "relayed" and sink.messages - before != len(batch):
                print(f"  ! the sink received {sink.messages - before} of {len(batch)}")
    finally:
        guard.stop()
        relay.stop()


# ---- 3. detection beside Presidio ----


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """Return the fastest of ``repeat`` runs of ``work``, in seconds."""
    return min(timed(work) for _ in range(repeat))


def bench_detection(messages: list[tuple[str, bytes]], profile: Profile, repeat: int) -> None:
    """Print table 3: precision, recall and speed of Discretion and Presidio on the texts."""
    texts = corpus_texts(messages)
    names, truth = load_truth(texts)
    roster = RosterPeople(profile, [Student(f"s{n}", name) for n, name in enumerate(names)])
    totals = [sum(len(f.names) for f in truth.values()), sum(len(f.ids) for f in truth.values()),
              sum(f.grades for f in truth.values())]  # fmt: skip
    print(f"\n3. detection in {len(texts)} texts (plain-text bodies, CSV and text attachments; "
          f"{totals[0]} full names, {totals[1]} IDs, {totals[2]} grades labelled in "
          f"{TRUTH.name})")  # fmt: skip
    print(f"{'':<44}{'names':>12}{'IDs':>12}{'grades':>12}{'texts/s':>10}  ratio")
    print(f"{'':<44}{'P     R':>12}{'P     R':>12}{'P     R':>12}")
    rows: list[tuple[str, dict[str, Found], float]] = []
    notes: list[str] = []
    for label, people in (("Discretion detect", None), ("Discretion detect + roster", roster)):

        def run(people: RosterPeople | None = people) -> dict[str, Found]:
            return {t.key: discretion_found(t, profile, people) for t in texts}

        rows.append((label, run(), best_of(repeat, run)))
    try:
        import mail_presidio
    except ImportError:
        show(rows, truth, len(texts))
        print("Presidio not installed: pip install -e '.[bench]'")
        return
    for label, deny in (("Presidio, blank spaCy", None), ("Presidio + deny-list of names", names)):
        start = time.perf_counter()
        engine = mail_presidio.analyzer(profile, deny)
        setup = time.perf_counter() - start
        raw: dict[str, list[tuple[str, str, float]]] = {}

        def analyze(engine: Any = engine, raw: dict[str, Any] = raw) -> None:
            raw.update({t.key: mail_presidio.found(engine, t.text) for t in texts})

        seconds = best_of(repeat, analyze)
        for least, note in ((0.0, "all matches"), (0.5, "score >= 0.5")):
            found = {key: presidio_found(f, least, profile) for key, f in raw.items()}
            rows.append((f"{label}, {note}", found, seconds))
        notes.append(f"{label}: set up in {setup:.2f} s")
    show(rows, truth, len(texts))
    print("; ".join(notes))
    print(f"Presidio: {mail_presidio.version()}; entities {', '.join(mail_presidio.ENTITIES)}; "
          "a blank pipeline has no NER, so PERSON comes only from the deny-list")  # fmt: skip


def show(rows: list[tuple[str, dict[str, Found], float]], truth: dict[str, Found], n: int) -> None:
    """Print the detection rows; speed ratios are over the first row's time."""
    baseline = rows[0][2]
    for index, (label, found, seconds) in enumerate(rows):
        scores = score(found, truth)
        ratio = "1.0 (baseline)" if index == 0 else f"{seconds / baseline:,.1f}x"
        cells = "".join(scores[kind].cell() for kind in ("names", "ids", "grades"))
        print(f"{label:<44}{cells}{n / seconds:>10,.0f}  {ratio}")
    print("scoring: names and IDs as sets per text (a name found counts if it holds a labelled "
          "one), grades as counts per text")  # fmt: skip


def main() -> None:
    """Print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000, help="for the checker table")
    parser.add_argument("--relayed", type=int, default=600, help="guard: pass or warn messages")
    parser.add_argument("--blocked", type=int, default=200, help="guard: blocked messages")
    parser.add_argument("--repeat", type=int, default=10, help="detection: best of")
    args = parser.parse_args()
    profile = load_profile()
    messages = corpus()
    raws = [raw for _, raw in messages]
    bench_checker(raws, profile, args.messages)
    bench_guard(raws, profile, args.relayed, args.blocked)
    bench_detection(messages, profile, args.repeat)


if __name__ == "__main__":
    main()
