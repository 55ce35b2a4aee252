"""Another process holding an SQLite file's write lock, for as long as a block runs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["locked"]

LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""


@contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold ``BEGIN EXCLUSIVE`` on the file from another process until the block ends."""
    command = [sys.executable, "-c", LOCKER, path]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as locker:
        assert locker.stdin is not None and locker.stdout is not None
        try:
            assert locker.stdout.readline().strip() == "locked"
            yield
        finally:
            locker.stdin.write("\n")
            locker.stdin.flush()
        assert locker.wait(timeout=30) == 0
