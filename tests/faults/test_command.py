"""The command, when the database does not answer: one line, exit 1, no traceback."""

from __future__ import annotations

from typer.testing import CliRunner

from discretion.cli.main import app
from tests.faults.servers import free_port


def test_an_unreachable_database_is_one_line_and_exit_1() -> None:
    port = free_port()
    nowhere = f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/discretion"
    result = CliRunner().invoke(app, ["directory", "u-ada", "--database", nowhere])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    # it names the database it tried, never its password
    shown = f"postgresql+psycopg://postgres:***@127.0.0.1:{port}/discretion"
    assert line.startswith(f"discretion: cannot use the database {shown}: connection failed"), line
    assert "secret" not in line
