"""``discretion smtp-guard``: bad options are one line and exit 2; it runs and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from discretion.cli.main import app
from tests.faults.servers import free_port
from tests.mail.peers import Sink, message, start_sink

SRC = str(Path(__file__).resolve().parents[2] / "src")
ROOT = str(Path(__file__).resolve().parents[2])
# a stand-in for discretion.mail.checker with its signature, until the real one is merged
STAND_IN = """
import sys, types
from discretion.mail.verdict import Verdict
from discretion.policy import Profile
def check(raw: bytes, profile: Profile, *, people: object = None) -> Verdict:
    assert isinstance(profile, Profile) and isinstance(raw, bytes)
    return Verdict()
module = types.ModuleType("discretion.mail.checker")
module.check = check
sys.modules["discretion.mail.checker"] = module
"""
RUN = "from discretion.cli.main import app\napp(prog_name='discretion')\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--listen", "127.0.0.1", "--relay", "127.0.0.1:25"],
         "discretion: --listen wants HOST:PORT, such as 127.0.0.1:10025, not `127.0.0.1`"),
        (["--listen", "127.0.0.1:10025", "--relay", "relay:99999"],
         "discretion: --relay wants HOST:PORT, such as 127.0.0.1:10025, not `relay:99999`"),
        (["--listen", "127.0.0.1:10025", "--relay", "relay:25", "--on-warn", "reject"],
         "discretion: rejecting warned mail (--on-warn reject, or the profile's "
         "email.warn_action) needs --override-log PATH to record the overrides it allows"),
        (["--listen", "127.0.0.1:10025", "--relay", "relay:25", "--auth-file", "users"],
         "discretion: --auth-file needs --tls-cert and --tls-key: AUTH is offered only "
         "after STARTTLS"),
        (["--listen", "127.0.0.1:10025", "--relay", "relay:25", "--tls-cert", "c.pem"],
         "discretion: STARTTLS needs both --tls-cert and --tls-key"),
    ],
)  # fmt: skip
def test_smtp_guard_bad_options_are_one_line_and_exit_2(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, ["smtp-guard", *args])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [expected]


def test_smtp_guard_takes_its_warn_action_from_the_profile(tmp_path: Path) -> None:
    mit = Path(__file__).parents[2] / "src" / "discretion" / "policy" / "profiles" / "mit.toml"
    strict = tmp_path / "strict.toml"
    text = mit.read_text()
    assert 'warn_action = "header"' in text
    strict.write_text(text.replace('warn_action = "header"', 'warn_action = "reject"'))
    args = ["smtp-guard", "--listen", "127.0.0.1:10025", "--relay", "relay:25"]
    refused = CliRunner().invoke(app, [*args, "--profile", str(strict)])
    assert refused.exit_code == 2 and "rejecting warned mail" in refused.stderr
    # the option still overrides the profile
    header = CliRunner().invoke(app, [*args, "--profile", str(strict), "--on-warn", "header",
                                      "--max-size", "0"])  # fmt: skip
    assert header.exit_code == 2 and "rejecting warned mail" not in header.stderr


@pytest.fixture
def relay() -> Iterator[tuple[int, Sink]]:
    port = free_port()
    controller, sink = start_sink(port)
    yield port, sink
    controller.stop()


def run_guard(prelude: str, relay: tuple[int, Sink]) -> None:
    """Start the command, submit one message through it, stop it with SIGTERM."""
    port, (relay_port, sink) = free_port(), relay
    args = ["smtp-guard", "--listen", f"127.0.0.1:{port}", "--relay", f"127.0.0.1:{relay_port}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, ROOT])}
    code = f"{prelude}\nimport sys\nsys.argv = ['discretion', *{args!r}]\n{RUN}"
    with subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE,
                          text=True) as guard:  # fmt: skip
        assert guard.stderr is not None
        try:
            line = guard.stderr.readline()
            assert line == (
                f"Discretion SMTP guard on 127.0.0.1:{port}, relaying to 127.0.0.1:{relay_port}\n"
            )
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.sendmail("ta@mit.edu", ["prof@mit.edu"], message("Lunch"))
        finally:
            guard.send_signal(signal.SIGTERM)
            assert guard.wait(timeout=10) == 0, guard.stderr.read()
    assert len(sink.received) == 1


def test_smtp_guard_runs_with_the_checker_bound_to_the_profile(relay: tuple[int, Sink]) -> None:
    run_guard(STAND_IN, relay)


def test_smtp_guard_runs_with_the_real_checker(relay: tuple[int, Sink]) -> None:
    pytest.importorskip("discretion.mail.checker", reason="the email checker is not merged yet")
    run_guard("", relay)
