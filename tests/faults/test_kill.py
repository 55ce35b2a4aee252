"""A server killed with SIGKILL while clients write loses nothing it acknowledged.

On SQLite and on PostgreSQL: ``discretion serve`` runs as a child process,
clients record consents and read a record whose release is logged, the
server is killed mid-traffic, and a new server on the same database must
hold every acknowledged write, with the disclosure log's chain intact.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from discretion.services import Context
from tests.faults.servers import Server, wait_until
from tests.faults.traffic import Traffic, check_kept, make_tokens

WRITES = 40  # acknowledged before the kill


def test_kill_9_loses_no_acknowledged_write(sample: Context, tmp_path: Path) -> None:
    tokens = make_tokens(sample)
    server = Server(sample.store.url, tmp_path / "killed.log")
    try:
        with Traffic(server.base, tokens) as traffic:
            wait_until(lambda: traffic.done.count() >= WRITES, 60, f"{WRITES} acknowledged writes")
            server.kill()
            # the clients were still writing: they meet the dead server
            wait_until(lambda: traffic.done.outcomes["ConnectError"] > 0, 10, "a refused write")
    finally:
        server.stop()
    done = traffic.done
    assert done.consents and done.disclosures, done.outcomes
    assert {k for k in done.outcomes if k.isdigit()} <= {"200", "201"}, done.outcomes

    restarted = Server(sample.store.url, tmp_path / "restarted.log")
    try:
        check_kept(sample, done)
        registrar = {"Authorization": f"Bearer {tokens['registrar']}"}
        checked = httpx.get(f"{restarted.base}/v1/disclosures/verification", headers=registrar)
        assert checked.status_code == 200, checked.text
        assert checked.json()["ok"] and checked.json()["entries"] >= len(done.disclosures)
        with Traffic(restarted.base, tokens) as again:  # and it takes writes again
            wait_until(lambda: again.done.count() >= 4, 30, "writes after the restart")
        check_kept(sample, again.done)
    finally:
        restarted.stop()
