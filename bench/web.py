"""Benchmark the web pages: each page's median time beside a bare endpoint's, in one run.

Builds the demo campus (500 students unless told) in a fresh SQLite file (``discretion db upgrade``
and ``discretion demo``), serves the whole app in process (Starlette's test
client, no network), and times, round after round with the pages
interleaved, ``GET /healthz`` (the bare endpoint: a constant JSON body) and
the advisor's and rule pages, and, signed in as the demo Registrar, the
desk's pages (queue, log search, journal, consents on file, charts).
Reports each page's median and p90 in milliseconds and its median as a
ratio of the bare endpoint's: what rendering a page costs on top of the app's own overhead.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

ANSWER = (
    "act=disclose&recipient=parent&information=grades&students=one&level=graduate"
    "&dependent=no&consent=none&channel=phone&emergency=no&financial-aid=no"
)
PAGES = {
    "bare: GET /healthz": "/healthz",
    "home": "/",
    "advisor start": "/advisor",
    "a question": "/advisor/level?act=disclose&recipient=parent&information=grades&students=one",
    "check your answers": "/advisor/check?" + ANSWER,
    "the answer": "/advisor/answer?" + ANSWER,
    "a rule": "/rules/parents.refer_to_dean_by_level",
    "a student's record": "/students/student-000001",
    "desk: queue": "/desk",
    "desk: log search": "/desk/log?recipient=acme",
    "desk: journal": "/desk/journal?student=student-000001",
    "desk: consents": "/desk/consents?student=student-000001",
    "desk: charts": "/desk/charts",
}
REGISTRAR = "staff-registrar-1"


def _sign_in(client: TestClient) -> None:
    """Sign in as the demo Registrar (the whole run is signed in: the desk needs it)."""
    page = client.get("/sign-in").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the sign-in page has no CSRF token"
    answer = client.post("/sign-in/demo", data={"csrf": found.group(1), "person": REGISTRAR})
    assert answer.status_code == 303, answer.text


def _discretion(*args: str, env: dict[str, str]) -> None:
    exe = str(Path(sys.executable).parent / "discretion")
    subprocess.run([exe, *args], env=env, check=True, capture_output=True, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300, help="requests per page")
    parser.add_argument("--students", type=int, default=500, help="students of the demo campus")
    args = parser.parse_args()
    rounds = args.rounds
    with tempfile.TemporaryDirectory(prefix="discretion-bench-web-") as folder:
        os.environ.update(
            {
                "DISCRETION_DATABASE_URL": f"sqlite:///{Path(folder) / 'web.sqlite3'}",
                "DISCRETION_DEMO": "1",
                "DISCRETION_COOKIE_SECURE": "0",
                "DISCRETION_SECRET_KEY": "benchmark-secret-not-for-real-use",
            }
        )
        _discretion("db", "upgrade", env=dict(os.environ))
        _discretion("demo", "--students", str(args.students), "--seed", "1", env=dict(os.environ))
        from discretion.server import create_app

        with TestClient(create_app(), follow_redirects=False) as client:
            _sign_in(client)
            times: dict[str, list[float]] = {name: [] for name in PAGES}
            for path in PAGES.values():  # warm up: templates, caches, a rule's example
                assert client.get(path).status_code == 200, path
            for _ in range(rounds):
                for name, path in PAGES.items():
                    start = time.perf_counter()
                    client.get(path)
                    times[name].append(time.perf_counter() - start)
    bare = statistics.median(times["bare: GET /healthz"])
    print(f"web pages, {rounds} requests each, in process (median, p90, median / bare)")
    for name, taken in times.items():
        p90 = statistics.quantiles(taken, n=10)[-1]
        median = statistics.median(taken)
        print(f"  {name:<22} {median * 1000:7.2f} ms  {p90 * 1000:7.2f} ms  {median / bare:5.1f}x")


if __name__ == "__main__":
    main()
