"""Every command, misused or fed hostile values, fails in one line with a documented code.

The tree of commands is read from the app itself, so a new command is
tested without being listed here. Each runs with no arguments, with an
unknown option, and with hostile values in each of its parameters, on a
migrated, empty SQLite store, with ``--by``/``--as`` naming nobody; then
again on the sample campus as its Registrar, so that hostile ids and values
get past the check of who acts. The servers' listening is stubbed: whatever
input gets past their checks does not open a socket.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from discretion.cli import service, smtp_guard
from discretion.cli.main import app
from discretion.services import Context
from tests.conftest import _sample
from tests.databases import Templates

runner = CliRunner()

HOSTILE = (
    "",
    "\x00",
    "-1",
    "9" * 40,
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "é" * 5_000,
    "\udcff\udcfe",  # bytes 0xff 0xfe, as Python decodes a non-UTF-8 argv
    "line\nbreak",
)
NOBODY = "no-such-person"
REGISTRAR = "u-reg"  # of the sample campus
SHARED = {"--database", "--profile"}  # declared once in cli/common.py; tried on the empty store
# 0 ok, 1 unavailable or refused, 2 bad input, 3/4 email-check verdicts (warn, block)
CODES = {0, 1, 2, 3, 4}
SERVERS = {("serve",)}  # run without arguments, it would serve


def _leaves(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield path, command


def _acts(command: Any) -> bool:
    """Say whether a command names who acts (``--by`` or ``--as``)."""
    return any(isinstance(p, TyperOption) and p.opts[0] in ("--by", "--as") for p in command.params)


ROOT = typer.main.get_command(app)
COMMANDS = dict(_leaves(ROOT, ()))


def _plausible(param: TyperArgument | TyperOption) -> str:
    """Return a well-formed value of the parameter's type, which names nothing in the store."""
    described = param.type_descriptor
    if described.choices:
        return str(described.choices[0].value)
    if described.annotation in (int, float):
        return "1"
    if param.name in ("listen", "relay"):
        return "127.0.0.1:1"
    return "x"


def _baseline(command: Any, url: str, actor: str = NOBODY) -> list[tuple[Any, list[str]]]:
    """Return (parameter, its arguments) for the parameters a run gives by default."""
    parts: list[tuple[Any, list[str]]] = []
    for param in command.params:
        if isinstance(param, TyperArgument):
            parts.append((param, [_plausible(param)] if param.required else []))
        elif param.is_flag:
            continue
        elif param.opts[0] == "--database":
            parts.append((param, ["--database", url]))
        elif param.opts[0] in ("--by", "--as"):
            parts.append((param, [param.opts[0], actor]))
        elif param.required:
            parts.append((param, [param.opts[0], _plausible(param)]))
    return parts


def _with(parts: list[tuple[Any, list[str]]], param: Any, value: str) -> list[str]:
    """Return the arguments with one parameter given ``value``, the others as in the baseline."""
    given = [value] if isinstance(param, TyperArgument) else [param.opts[0], value]
    args = [a for each, argv in parts for a in (given if each is param else argv)]
    if all(each is not param for each, _ in parts):
        args += given
    return args


class _Idle:
    """A stand-in for what would listen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def run(self) -> None:
        pass

    start = stop = run


@pytest.fixture
def no_listening(monkeypatch: pytest.MonkeyPatch) -> None:
    # building the command tree is most of a run's time: build it once, not per invocation
    monkeypatch.setattr(typer.testing, "_get_command", lambda typer_app: ROOT)
    monkeypatch.setattr(service, "_Announcing", _Idle)
    monkeypatch.setattr(service, "Multiprocess", _Idle)
    monkeypatch.setattr(service, "_listening_socket", lambda host, port: None)
    monkeypatch.setattr(smtp_guard, "build_controller", _Idle)
    monkeypatch.setattr(smtp_guard, "_wait_for_stop", lambda: None)


def _problems(path: tuple[str, ...], args: list[str], expected: set[int]) -> list[str]:
    result = runner.invoke(app, [*path, *args], input="")
    shown = " ".join([*path, *(repr(a[:40]) for a in args)])
    problems = []
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problems.append(f"{shown}: raised {result.exception!r}")
    if "Traceback" in result.stdout + result.stderr:
        problems.append(f"{shown}: printed a traceback")
    if result.exit_code not in expected:
        problems.append(f"{shown}: exit {result.exit_code}; {result.stderr[:300]!r}")
    lines = result.stderr.split("\n")
    if result.exit_code != 0 and not (
        len(lines) == 2 and lines[1] == "" and lines[0].startswith("discretion: ")
    ):
        problems.append(f"{shown}: exit {result.exit_code} with stderr {result.stderr[:300]!r}")
    return problems


@pytest.mark.usefixtures("no_listening")
@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_every_command_misused_fails_in_one_line(
    path: tuple[str, ...],
    templates: Templates,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # a relative or default path lands here
    monkeypatch.delenv("DISCRETION_DATABASE_URL", raising=False)
    url = templates.fresh("sqlite", "empty", _nothing, tmp_path)
    command = COMMANDS[path]
    parts = _baseline(command, url)
    problems: list[str] = []
    if path not in SERVERS:
        problems += _problems(path, [], CODES)
    problems += _problems(path, [*(a for _, argv in parts for a in argv), "--no-such-option"], {2})
    for param in command.params:
        if isinstance(param, TyperOption) and param.is_flag:
            continue
        for value in HOSTILE:
            problems += _problems(path, _with(parts, param, value), CODES)
    assert not problems, "\n".join(problems)


def _nothing(context: Context) -> None:
    return None


ACTING = [path for path, command in COMMANDS.items() if _acts(command)]


@pytest.mark.usefixtures("no_listening")
@pytest.mark.parametrize("path", ACTING, ids=" ".join)
def test_every_command_fed_hostile_values_by_the_registrar_fails_in_one_line(
    path: tuple[str, ...],
    templates: Templates,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCRETION_DATABASE_URL", raising=False)
    url = templates.fresh("sqlite", "sample", _sample, tmp_path)
    command = COMMANDS[path]
    parts = _baseline(command, url, REGISTRAR)
    problems: list[str] = []
    for param in command.params:
        if isinstance(param, TyperOption) and (param.is_flag or param.opts[0] in SHARED):
            continue
        for value in HOSTILE:
            problems += _problems(path, _with(parts, param, value), CODES)
    assert not problems, "\n".join(problems)


def test_help_shows_flags_without_a_type_or_default() -> None:
    for path in (["ask"], ["access-request", "list"]):
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, result.output
        assert "╭" not in result.stdout and "<bool>" not in result.stdout
        assert "[default: False]" not in result.stdout
        assert "  --json " in result.stdout


def test_version_names_the_package_and_the_policy() -> None:
    from discretion.policy.version import POLICY_VERSION

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("discretion ")
    assert result.stdout.endswith(f" (policy {POLICY_VERSION})\n")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["ask"], "missing argument `FILE|-`; see `discretion ask --help`"),
        (["nope"], "no such command `nope`; see `discretion --help`"),
        (
            ["access-request", "list", "--bogus"],
            "no such option `--bogus`; see `discretion access-request list --help`",
        ),
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(args: list[str], line: str) -> None:
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"discretion: {line}\n"
