"""Clients that write while a fault strikes, and what they were told was written.

The Registrar records consents (``POST .../consents``, 201 with the row's id)
and an employer reads Ada's record under her consent (``GET .../record``, 200
naming the disclosure-log entry the release appended). Only an answer of 2xx
counts as acknowledged; after the fault every acknowledged write must be in
the store and the log's chain must verify.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from discretion.services import Context, disclosure_log
from discretion.services.changes import list_consents
from discretion.services.principals import IMPORTER
from discretion.services.tokens import create_token

__all__ = ["Acknowledged", "Traffic", "check_kept", "make_tokens"]

STUDENTS = ("u-ada", "u-alan")
READ = "/v1/students/u-ada/record"
PURPOSE = "summer internship"  # Ada's consent to c-acme in the sample bundle


def make_tokens(context: Context) -> dict[str, str]:
    """Make the traffic's tokens on a store holding the sample bundle; return their secrets.

    ``registrar`` acts for u-reg (the Registrar); ``employer`` for the outside
    contact c-acme, who holds no role: reading a record needs only a person,
    and the policy decides what they see.
    """
    expires = datetime(2100, 1, 1, tzinfo=UTC)
    made = {}
    with context.transaction() as session:
        for name, person_id, roles in (
            ("registrar", "u-reg", ["official", "office_member", "registrar"]),
            ("employer", "c-acme", []),
        ):
            _, made[name] = create_token(
                session, actor=IMPORTER, name=f"fault {name}", roles=roles,
                person_id=person_id, expires_at=expires,
            )  # fmt: skip
    return made


@dataclass
class Acknowledged:
    """Every write a server acknowledged, and every other outcome, counted."""

    consents: dict[int, str] = field(default_factory=dict)  # id -> purpose
    disclosures: set[int] = field(default_factory=set)  # log sequence numbers
    outcomes: Counter[str] = field(default_factory=Counter)  # "201", "503", "ConnectError", ...
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        """Return how many writes were acknowledged."""
        with self.lock:
            return len(self.consents) + len(self.disclosures)


class Traffic:
    """Threads that write to a server until stopped; ``base`` may change between servers."""

    def __init__(self, base: str, tokens: dict[str, str], clients: int = 2) -> None:
        self.base, self.tokens, self.clients = base, tokens, clients
        self.done = Acknowledged()
        self.halt = threading.Event()
        self.threads = [
            threading.Thread(target=work, args=(n,), daemon=True)
            for n in range(clients)
            for work in (self._record_consents, self._read_records)
        ]

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop every client and wait for it."""
        self.halt.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def _send(self, client: httpx.Client, method: str, path: str, **options: object) -> object:
        """Send one request; return its JSON on 2xx, else None (counting what happened)."""
        try:
            answer = client.request(method, self.base + path, **options)  # type: ignore[arg-type]
        except httpx.TransportError as error:
            with self.done.lock:
                self.done.outcomes[type(error).__name__] += 1
            time.sleep(0.02)  # the server is gone or restarting: do not spin
            return None
        with self.done.lock:
            self.done.outcomes[str(answer.status_code)] += 1
        return answer.json() if answer.is_success else None

    def _record_consents(self, n: int) -> None:
        with httpx.Client(timeout=10) as client:
            sent = 0
            while not self.halt.is_set():
                sent += 1
                purpose = f"fault client {n} write {sent}"
                body = {"recipient_id": "c-acme", "purpose": purpose, "items": ["grades"],
                        "form": "email", "message_id": f"<{n}.{sent}@fault.test>"}  # fmt: skip
                student = STUDENTS[sent % 2]
                row = self._send(client, "POST", f"/v1/students/{student}/consents",
                                 json=body, headers=self._headers("registrar"))  # fmt: skip
                if isinstance(row, dict):
                    with self.done.lock:
                        self.done.consents[int(row["id"])] = purpose

    def _read_records(self, n: int) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.halt.is_set():
                released = self._send(client, "GET", READ, params={"purpose": PURPOSE},
                                      headers=self._headers("employer"))  # fmt: skip
                if isinstance(released, dict):
                    assert released["logged"] is not None, released  # the law asks for a log
                    with self.done.lock:
                        self.done.disclosures.add(int(released["logged"]))


def check_kept(context: Context, done: Acknowledged) -> None:
    """Assert that every acknowledged write is in the store and the log's chain verifies."""
    with context.transaction() as session:
        kept = {
            row.id: row.purpose for s in STUDENTS for row in list_consents(session, IMPORTER, s)
        }
        logged = {entry.seq for entry in disclosure_log.entries_for(session, "u-ada")}
        verification = disclosure_log.verify(session)
    lost = {i: p for i, p in done.consents.items() if kept.get(i) != p}
    assert not lost, f"acknowledged consents lost: {lost}"
    assert done.disclosures <= logged, f"logged releases lost: {done.disclosures - logged}"
    assert verification.ok, verification.problems
