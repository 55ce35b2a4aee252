"""`discretion serve` as a child process on a free port of 127.0.0.1, started and killed at will."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import TEST_LOG_KEY

__all__ = ["Server", "free_port", "wait_until"]

# the command, run by this interpreter (the one that has the project installed)
SERVE = [sys.executable, "-c", "from discretion.cli.main import app; app()", "serve"]


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(check: Callable[[], bool], seconds: float, what: str) -> None:
    """Call ``check`` every 50 ms until it returns true; fail saying ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds:.0f} s")
        time.sleep(0.05)


class Server:
    """One ``discretion serve`` process over a database.

    Args:
        database_url: the store it serves.
        log: where its standard output and error go (read when it fails to start).
        environment: more ``DISCRETION_*`` variables.
    """

    def __init__(self, database_url: str, log: Path, **environment: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {k: v for k, v in os.environ.items() if not k.startswith("DISCRETION_")}
        env |= {
            "DISCRETION_DATABASE_URL": database_url,
            "DISCRETION_SECRET_KEY": "fault-test-key",
            "DISCRETION_PRINCIPAL_CACHE_SECONDS": "0",  # every request asks the database
            "DISCRETION_LOG_KEY": TEST_LOG_KEY,  # the key the tests' own checks use
            **environment,
        }
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [*SERVE, "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, 30, f"the server on port {self.port} starting")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the server exited at start: {self.log.read_text()[-2000:]}")
        try:
            return httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        """Kill the process outright (SIGKILL: no shutdown, no flush, no rollback)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the process if it still runs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
