"""A live server for the browser tests: ``discretion serve`` on a fresh demo database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.faults.servers import free_port, wait_until

STUDENTS, SEED = 30, 1
CHROMIUM = Path("/usr/bin/chromium")
ADMINISTRATOR, REGISTRAR = "staff-admin-1", "staff-registrar-1"


@dataclass(frozen=True)
class Live:
    """The running server: its address, a registrar's API token, and what it said."""

    base: str
    token: str
    said: Path


def _discretion(*args: str, env: dict[str, str]) -> str:
    command = [str(Path(sys.executable).parent / "discretion"), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(args)}: {done.stderr}"
    return done.stdout


@contextmanager
def live_server(folder: Path) -> Iterator[Live]:
    """Build a small demo campus in ``folder``, serve it on a free port, and stop it after."""
    env = {
        **os.environ,
        "DISCRETION_DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "DISCRETION_DEMO": "1",
        "DISCRETION_COOKIE_SECURE": "0",
        "DISCRETION_SECRET_KEY": "browser-test-secret",
    }
    _discretion("db", "upgrade", env=env)
    _discretion("demo", "--students", str(STUDENTS), "--seed", str(SEED), env=env)
    token = _discretion(
        "token", "create", "--name", "browser test", "--roles", "registrar",
        "--by", ADMINISTRATOR, "--person", REGISTRAR, env=env,
    ).strip().splitlines()[-1]  # fmt: skip
    port = free_port()
    said = folder / "serve.log"
    with said.open("w") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "discretion"), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _ready(base), 60, f"the server at {base}")
        yield Live(base, token, said)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
