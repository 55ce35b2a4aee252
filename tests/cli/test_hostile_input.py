"""`discretion ask` on files built to hurt: exit 2 and one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from discretion.cli.main import app

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
