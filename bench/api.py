"""Benchmark the HTTP API under load, each route beside a bare endpoint of the same app.

Starts ``discretion serve --workers 2`` on a fresh database (PostgreSQL when
DISCRETION_TEST_DATABASE_URL or --postgres names a server, else SQLite) with
a demo campus, then drives it with wrk (Debian package ``wrk``) on 127.0.0.1:

- ``GET /healthz``: the bare endpoint, a constant JSON body, no sign-in;
- ``POST /v1/decisions``: one question with stated facts, with a service token;
- ``GET /v1/public/directory?q=...``: one public lookup (rate limit raised);
- ``GET /healthz`` again while batches of 1,000 questions are posted to the
  same two workers: a batch must not hold up everyone else.

Reports requests per second and p50/p99 latency, and each route's rate as a
ratio of the bare endpoint's in the same run (the mean of a run before and a
run after the others). Then times the public directory's answer for a
withheld student and for a name nobody has, interleaved one request at a
time on one connection, and prints both medians side by side: they must not
tell the two apart.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

QUESTION = {
    "recipient": {"kind": "employer"},
    "information": ["grades", "name"],
    "consent": {"form": "written", "specific": True},
    "purpose": "summer internship",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def discretion(*args: str, env: dict[str, str]) -> str:
    exe = str(Path(sys.executable).parent / "discretion")
    done = subprocess.run([exe, *args], env=env, check=True, capture_output=True, text=True)
    return done.stdout


def wait_ready(base: str, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not become ready")


# the benchmark's own store is keyed like any other; this key protects nothing real
BENCH_LOG_KEY = "benchmark-log-key-not-for-real-data-0123456789"
LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(
    url: str, seconds: int, connections: int, script: Path | None
) -> tuple[float, float, float]:
    """Return requests/s, p50 ms and p99 ms."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw errors for {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    found = {p: float(v) * scale[u] for p, v, u in LATENCY.findall(output)}
    return rate, found["50"], found["99"]


def batch_script(path: Path, token: str) -> Path:
    """Write a wrk script that posts batches of 1,000 questions."""
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps([QUESTION] * 1000))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    )
    return path


def healthz_under_batches(base: str, seconds: int, script: Path) -> tuple[float, float, float]:
    """Return /healthz's rate and latency while 4 connections post batches of 1,000."""
    load = subprocess.Popen(
        ["wrk", "-t", "1", "-c", "4", "-d", f"{seconds + 2}s", "-s", str(script),
         f"{base}/v1/decisions"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(1)
        return wrk(f"{base}/healthz", seconds, 8, None)
    finally:
        load.wait(seconds + 30)


def withheld_and_unknown(port: int, withheld: str, rounds: int) -> tuple[float, float]:
    """Return the median ms of the public lookup of a withheld name and of an unknown one.

    One connection, one request at a time, the two names alternating, so both
    meet the same machine; each must answer 404.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times: dict[str, list[float]] = {"withheld": [], "unknown": []}
    names = {"withheld": withheld, "unknown": "Nobody Whoever Atall"}
    for round_ in range(rounds + 20):
        for label in ("withheld", "unknown") if round_ % 2 else ("unknown", "withheld"):
            path = "/v1/public/directory?q=" + urllib.parse.quote(names[label])
            start = time.perf_counter()
            connection.request("GET", path)
            answer = connection.getresponse()
            answer.read()
            elapsed = (time.perf_counter() - start) * 1000
            if answer.status != 404:
                raise SystemExit(f"the public lookup of {label} answered {answer.status}")
            if round_ >= 20:  # the first rounds warm up
                times[label].append(elapsed)
    connection.close()
    return statistics.median(times["withheld"]), statistics.median(times["unknown"])


def withheld_name(url: str) -> str:
    """Return the full name of a student who withheld everything."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT p.given_name || ' ' || p.family_name FROM person p "
                    "JOIN suppression s ON s.student_id = p.id "
                    "WHERE s.item IS NULL AND s.rescinded_at IS NULL ORDER BY p.id LIMIT 1"
                )
            ).first()
    finally:
        engine.dispose()
    if row is None:
        raise SystemExit("the demo campus has no withheld student")
    return str(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("DISCRETION_TEST_DATABASE_URL"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=400, help="withheld/unknown pairs timed")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/api.py needs wrk: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="discretion-bench-api-"))
    admin, name = None, None
    if args.postgres:
        name = f"discretion_bench_api_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        db_url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        kind = "PostgreSQL"
    else:
        db_url, kind = f"sqlite:///{tmp / 'bench.sqlite3'}", "SQLite"
    env = {**os.environ, "DISCRETION_DATABASE_URL": db_url, "DISCRETION_SECRET_KEY": "bench",
           "DISCRETION_LOG_KEY": os.environ.get("DISCRETION_LOG_KEY", BENCH_LOG_KEY),
           "DISCRETION_PUBLIC_RATE": "1000000000/60"}  # fmt: skip
    server = None
    try:
        discretion("db", "upgrade", env=env)
        discretion("demo", "--students", str(args.students), "--seed", "1", env=env)
        made = json.loads(discretion("token", "create", "--name", "bench", "--roles", "service",
                                     "--json", "--by", "staff-admin-1", env=env))  # fmt: skip
        lookup = discretion("directory", "student-000002", "--json", env=env)
        name_of = json.loads(lookup)["items"]["name"]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        exe = str(Path(sys.executable).parent / "discretion")
        server = subprocess.Popen([exe, "serve", "--port", str(port), "--workers", "2"], env=env,
                                  start_new_session=True)  # fmt: skip
        wait_ready(base)
        post = tmp / "post.lua"
        post.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(json.dumps(QUESTION))}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {made["token"]}"\n'
        )
        query = urllib.parse.quote(name_of)
        runs = [
            ("GET /healthz (bare, constant JSON)", f"{base}/healthz", None),
            ("POST /v1/decisions (one question, token)", f"{base}/v1/decisions", post),
            ("GET /v1/public/directory (one lookup)", f"{base}/v1/public/directory?q={query}",
             None),
        ]  # fmt: skip
        # warm up: both workers up, every route's code paths and caches touched
        for _, url, script in runs:
            wrk(url, 3, args.connections, script)
        results = [(label, *wrk(u, args.seconds, args.connections, s)) for label, u, s in runs]
        batches = batch_script(tmp / "batch.lua", made["token"])
        results.append(
            ("GET /healthz while batches of 1,000 are posted",
             *healthz_under_batches(base, args.seconds, batches))
        )  # fmt: skip
        # the bare endpoint again last: the baseline is the mean of before and after
        label, url, script = runs[0]
        results.append((f"{label}, again", *wrk(url, args.seconds, args.connections, script)))
        bare = (results[0][1] + results[-1][1]) / 2
        print(f"\nAPI on {kind}, 2 workers; wrk -t2 -c{args.connections} -d{args.seconds}s "
              f"on 127.0.0.1 (same machine)\n")  # fmt: skip
        print("| route | requests/s | p50 ms | p99 ms | rate / bare |")
        print("|---|---:|---:|---:|---:|")
        for label, rate, p50, p99 in results:
            print(f"| {label} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {rate / bare:.2f} |")
        held, unknown = withheld_and_unknown(port, withheld_name(db_url), args.rounds)
        print(f"\nPublic directory, 404 for a withheld student and for an unknown name, "
              f"{args.rounds} interleaved requests each on one connection:\n")  # fmt: skip
        print("| answer | median ms |\n|---|---:|")
        print(f"| withheld | {held:.3f} |\n| unknown | {unknown:.3f} |")
        print(f"| withheld / unknown | {held / unknown:.3f} |")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(20)
        if admin is not None and name is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
