"""A private PostgreSQL server for one test: its own folder, its own port, stopped at will.

The shared server the other tests use is never touched. PostgreSQL refuses
to run as root, so under root (as in CI) its programs run as the user
``postgres`` (``runuser``), in a folder that user owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.faults.servers import free_port

__all__ = ["PrivatePostgres", "postgres_programs"]

SEARCHED = "PATH, then /usr/lib/postgresql/*/bin"


def postgres_programs() -> Path | None:
    """Return the folder holding initdb and pg_ctl, or None if there is none."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return versions[-1].parent if versions else None


class PrivatePostgres:
    """A PostgreSQL server in a temporary folder on a free port of 127.0.0.1.

    Args:
        programs: the folder of ``initdb`` and ``pg_ctl``.
    """

    def __init__(self, programs: Path) -> None:
        self.programs = programs
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            # under /tmp, which the user postgres can reach (a root's TMPDIR may not be)
            self.folder = Path(tempfile.mkdtemp(prefix="discretion-pg-", dir="/tmp"))
            owner = pwd.getpwnam("postgres")  # KeyError: no such user; CI's Debian has one
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        else:
            self.folder = Path(tempfile.mkdtemp(prefix="discretion-pg-"))
        self.data = self.folder / "data"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-sync", "--no-instructions")  # fmt: skip

    @property
    def url(self) -> str:
        """Return the URL of its database ``postgres``."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_user, str(self.programs / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise AssertionError(f"{program} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=50")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once, as a crash would (no checkpoint; recovery at next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
