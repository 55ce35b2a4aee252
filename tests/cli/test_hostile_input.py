"""`discretion ask` on files built to hurt: exit 2 and one line, never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.policy.jsontext import MAX_BYTES
from discretion.services import Context

runner = CliRunner()
PUBLIC = {"recipient": {"kind": "public"}, "information": ["name"]}


def _ask(stdin: bytes | str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["ask", "-", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _refused(stdin: bytes | str, *args: str) -> str:
    """Return the one line an input is refused with, checking it exits 2 and prints nothing."""
    code, out, err = _ask(stdin, *args)
    assert (code, out) == (2, ""), (code, out, err)
    assert err.startswith("discretion: ") and err.count("\n") == 1, err
    return err.removeprefix("discretion: ").rstrip("\n")


def test_a_file_that_is_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "question.json"
    path.write_bytes(b'\xff\xfe{"recipient": {}}')
    result = runner.invoke(app, ["ask", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (f"discretion: {path} is not UTF-8 (byte 0); JSON must be UTF-8\n")


def test_standard_input_that_is_not_utf8_exits_2() -> None:
    # the same bytes on standard input were decoded leniently and ruled on
    body = b'{"recipient": {"kind": "public"}, "information": ["name"], "purpose": "caf\xe9"}'
    assert _refused(body) == "standard input is not UTF-8 (byte 74); JSON must be UTF-8"


@pytest.mark.parametrize("depth", [33, 990, 1_000, 100_000])
def test_json_nested_too_deeply_exits_2(tmp_path: Path, depth: int) -> None:
    deep = "[" * depth + "]" * depth  # the JSON decoder recursed into a RecursionError
    assert _refused(deep) == "standard input nests deeper than 32 levels; flatten it"
    path = tmp_path / "deep.json"
    path.write_text('{"x": ' + deep + "}")
    result = runner.invoke(app, ["ask", str(path)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"discretion: {path} nests deeper than 32 levels; flatten it\n"


def test_nesting_at_the_limit_is_the_schema_s_to_judge() -> None:
    purpose = "[" * 31 + "]" * 31  # the question itself is the 32nd level
    message = _refused(json.dumps(PUBLIC)[:-1] + f', "purpose": {purpose}}}')
    assert message.startswith("invalid question at `purpose`")


@pytest.mark.parametrize(
    "text",
    [
        '{"recipient": {"kind": "employer"}, "information": ["name"], '
        '"recipient": {"kind": "official", "need_to_know": true}}',
        '{"recipient": {"kind": "public", "kind": "official"}, "information": ["name"]}',
        '[{"recipient": {"kind": "public"}, "information": ["name"]}, '
        '{"recipient": {"kind": "public"}, "information": ["name"], "information": ["email"]}]',
    ],
)
def test_a_key_given_twice_is_refused_at_any_depth(text: str) -> None:
    # the last one silently won: ruled as an official, while a front end showed an employer
    message = _refused(text)
    assert message.startswith("standard input repeats the key `")
    assert message.endswith("` in one object; give each key once")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_a_number_that_is_not_finite_is_refused(number: str) -> None:
    message = _refused(json.dumps(PUBLIC)[:-1] + f', "purpose": {number}}}')
    assert message.startswith("standard input holds a number that is not finite (`")


def test_an_integer_too_long_to_read_is_refused_not_a_traceback() -> None:
    # json.loads raises a plain ValueError past 4,300 digits, which nobody caught
    message = _refused(json.dumps(PUBLIC)[:-1] + f', "purpose": {"9" * 5000}}}')
    assert message == "standard input holds a number longer than 4300 digits; send a shorter one"


def test_a_lone_surrogate_is_refused() -> None:
    # it decodes to text that cannot be printed or stored as UTF-8
    message = _refused(json.dumps(PUBLIC)[:-1] + ', "purpose": "\\ud800"}')
    assert (
        message == "standard input holds a lone UTF-16 surrogate (`\\ud800`); send whole characters"
    )


def test_an_input_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(json.dumps(PUBLIC).encode() + b" " * MAX_BYTES)
    result = runner.invoke(app, ["ask", str(path)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"discretion: {path} is larger than {MAX_BYTES} bytes; send fewer questions at once\n"
    )


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    text = "\ufeff" + json.dumps(PUBLIC)
    code, out, err = _ask(text.encode(), "--json")
    assert (code, err) == (0, ""), err
    assert json.loads(out)["decision"] == "permit"
    path = tmp_path / "bom.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["ask", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["decision"] == "permit"


def test_every_bad_question_of_a_batch_is_named_by_its_position() -> None:
    batch = [PUBLIC, {"recipient": {"kind": "alien"}, "information": ["name"]}, PUBLIC,
             {"recipient": {"kind": "public"}, "information": ["grade"]}, {}]  # fmt: skip
    code, out, err = _ask(json.dumps(batch))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert [line.split(":")[1] for line in lines] == [" question 1", " question 3", " question 4"]
    assert lines[0].startswith("discretion: question 1: invalid question at `recipient.kind`")
    assert lines[1].startswith("discretion: question 3: unknown information item `grade`")


def test_ask_about_a_student_in_an_empty_folder_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # it created ./var/discretion.sqlite3, then failed with "has no schema"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCRETION_DATABASE_URL", raising=False)
    question = {**PUBLIC, "student": {"id": "u-ada"}}
    message = _refused(json.dumps(question))
    assert message == (
        "no database at var/discretion.sqlite3 to take `student.id` or `recipient.id` from; "
        "create it with `discretion db upgrade`, then fill it with `discretion import FOLDER` "
        "(or `discretion demo`), or name another with --database"
    )
    assert list(tmp_path.iterdir()) == []


def test_ask_about_a_student_in_a_database_without_schema_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "blank.sqlite3"
    sqlite3.connect(path).close()
    question = {**PUBLIC, "recipient": {"id": "u-ada"}}
    message = _refused(json.dumps(question), "--database", f"sqlite:///{path}")
    assert message.startswith(f"the database sqlite:///{path} has not been set up yet")
    assert "run `discretion db upgrade`, then `discretion demo`" in message


def test_an_expiry_past_year_9999_in_utc_exits_2(empty: Context) -> None:
    args = ["token", "create", "--name", "sync", "--roles", "service", "--by", "u-admin",
            "--expires", "9999-12-31T23:59:59-01:00", "--database", empty.store.url]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "discretion: `9999-12-31T23:59:59-01:00` is outside the years 1 to 9999 in UTC; "
        "give a date in between\n"
    )
