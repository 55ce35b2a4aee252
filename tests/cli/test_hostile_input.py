"""`discretion ask` on files built to hurt: exit 2 and one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context

runner = CliRunner()


def test_a_file_that_is_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "question.json"
    path.write_bytes(b'\xff\xfe{"recipient": {}}')
    result = runner.invoke(app, ["ask", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"discretion: {path} is not UTF-8 text; save it as UTF-8 JSON\n"


def test_json_nested_too_deeply_exits_2() -> None:
    deep = "[" * 100_000 + "]" * 100_000  # the JSON decoder recursed into a RecursionError
    result = runner.invoke(app, ["ask", "-"], input=deep)
    assert result.exit_code == 2
    assert result.stderr == (
        "discretion: standard input nests lists or objects too deeply; a question nests three "
        "levels\n"
    )


def test_an_expiry_past_year_9999_in_utc_exits_2(empty: Context) -> None:
    args = ["token", "create", "--name", "sync", "--roles", "service", "--by", "u-admin",
            "--expires", "9999-12-31T23:59:59-01:00", "--database", empty.store.url]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "discretion: `9999-12-31T23:59:59-01:00` is outside the years 1 to 9999 in UTC; "
        "give a date in between\n"
    )
