"""A PostgreSQL server that stops and comes back: 503 meanwhile, the same process serves again.

The test runs its own PostgreSQL (the shared one is never stopped), serves
the app on it, drives traffic, stops the database at once (as a crash would),
checks that requests get 503 with ``Retry-After`` and that ``/readyz`` says
not ready, starts the database again, and checks that the same app process
answers 200 again within a bounded wait and lost nothing it acknowledged.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from discretion.importers.bundle import import_bundle
from discretion.services import open_context
from tests.conftest import SAMPLE_BUNDLE
from tests.faults.postgres import PrivatePostgres
from tests.faults.servers import Server, wait_until
from tests.faults.traffic import READ, Traffic, check_kept, make_tokens

WRITES = 30  # acknowledged before the database stops
RECOVERY_SECONDS = 60  # a bound on the wait, not a claim about speed


def test_database_outage_gives_503_then_the_same_process_recovers(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    tokens = _campus(private_postgres.url)
    registrar = {"Authorization": f"Bearer {tokens['registrar']}"}
    server = Server(private_postgres.url, tmp_path / "server.log")
    try:
        with Traffic(server.base, tokens) as traffic:
            wait_until(lambda: traffic.done.count() >= WRITES, 60, f"{WRITES} writes")
            private_postgres.stop()
            wait_until(lambda: traffic.done.outcomes["503"] > 0, 30, "503 under traffic")
            before = traffic.done.count()
            down = httpx.get(f"{server.base}{READ}", headers=registrar, timeout=30)
            assert down.status_code == 503, down.text
            assert down.headers["Retry-After"].isdigit()
            assert down.json() == {"error": {
                "code": "unavailable",
                "message": "the database is not answering; retry in a few seconds",
                "details": {}}}  # fmt: skip
            not_ready = httpx.get(f"{server.base}/readyz", timeout=30)
            assert not_ready.status_code == 503 and "Retry-After" in not_ready.headers
            assert httpx.get(f"{server.base}/healthz").status_code == 200  # still running
            private_postgres.start()

            def answers() -> bool:
                again = httpx.get(f"{server.base}{READ}", headers=registrar, timeout=30)
                return again.status_code == 200

            wait_until(answers, RECOVERY_SECONDS, "200 from the same process")
            wait_until(lambda: traffic.done.count() > before, 30, "writes acknowledged again")
        assert server.process.poll() is None  # never restarted
        statuses = {k for k in traffic.done.outcomes if k.isdigit()}
        assert statuses <= {"200", "201", "503"}, traffic.done.outcomes  # never a 500
        assert httpx.get(f"{server.base}/readyz").status_code == 200
    finally:
        server.stop()
    context = open_context(private_postgres.url)
    try:
        check_kept(context, traffic.done)
    finally:
        context.close()


def _campus(url: str) -> dict[str, str]:
    """Migrate the private database, import the sample bundle, and make the tokens."""
    context = open_context(url, migrated=False)
    try:
        context.upgrade()
        with context.transaction() as session:
            import_bundle(session, context.profile, SAMPLE_BUNDLE)
        return make_tokens(context)
    finally:
        context.close()
