"""The command, when the database does not answer: one line, exit 1, no traceback."""

from __future__ import annotations

from typer.testing import CliRunner

from discretion.cli.main import app
from tests.faults.servers import free_port


def test_an_unreachable_database_is_one_line_and_exit_1() -> None:
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/discretion"
    result = CliRunner().invoke(app, ["directory", "u-ada", "--database", nowhere])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("discretion: cannot use the database: connection failed"), line
