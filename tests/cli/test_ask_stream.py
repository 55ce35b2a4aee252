"""``discretion ask``: arrays in words and in JSON, and ``--ndjson``, a question per line."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import orjson
import pytest
from typer.testing import CliRunner

from discretion.cli import ask_stream
from discretion.cli.main import app
from discretion.policy import decide, load_profile, parse_question
from discretion.services import Context

runner = CliRunner()
ROOT = Path(__file__).parents[2]
PUBLIC = {"recipient": {"kind": "public"}, "information": ["name"]}
PARENT = {"recipient": {"kind": "parent"}, "information": ["grades"]}
ALIEN = {"recipient": {"kind": "alien"}, "information": ["name"]}


def _ask(*args: str, stdin: str | bytes | None = None) -> Any:
    return runner.invoke(app, ["ask", *args], input=stdin)


def _ruling(question: dict[str, Any]) -> dict[str, Any]:
    profile = load_profile("mit")
    return decide(parse_question(question, profile), profile).to_json()


def _lines(*questions: Any) -> str:
    return "".join(q if isinstance(q, str) else json.dumps(q) + "\n" for q in questions)


def test_ndjson_answers_each_line_with_one_compact_ruling() -> None:
    result = _ask("--ndjson", "-", stdin=_lines(PUBLIC, PARENT, PUBLIC))
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == [_ruling(q) for q in (PUBLIC, PARENT, PUBLIC)]
    assert all(": " not in line.split('"explanation"')[0] for line in lines)  # compact


def test_ndjson_answers_a_bad_line_in_its_place_and_exits_2_at_the_end() -> None:
    stdin = _lines(PUBLIC, "{nope\n", "\n", ALIEN, PARENT, "[]\n") + json.dumps(PUBLIC)
    result = _ask("--ndjson", "-", stdin=stdin)
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 7  # one output line per input line, the last without its newline too
    assert out[0] == out[6] == _ruling(PUBLIC) and out[4] == _ruling(PARENT)
    errors = {n: out[n - 1]["error"] for n in (2, 3, 4, 6)}
    assert [errors[n]["code"] for n in (2, 3, 4, 6)] == [
        "bad_request",
        "bad_request",
        "invalid_question",
        "invalid_question",
    ]
    for number, error in errors.items():
        assert error["details"] == {"line": number}
        assert error["message"].startswith(f"line {number}: ")
    assert errors[2]["message"].startswith("line 2: the line is not JSON")
    assert errors[3]["message"] == "line 3: the line is blank; send one question per line"
    assert "invalid question at `recipient.kind`" in errors[4]["message"]
    stderr = result.stderr.splitlines()
    assert stderr[:4] == [f"discretion: {errors[n]['message']}" for n in (2, 3, 4, 6)]
    assert stderr[4:] == [
        "discretion: 4 of 7 lines could not be answered; each has an error in place of its ruling"
    ]


def test_ndjson_reads_a_file_and_its_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "questions.ndjson"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(PUBLIC).encode() + b"\r\n" + b"{}\r\n")
    result = _ask("--ndjson", str(path))
    assert result.exit_code == 2
    first, second = result.stdout.splitlines()
    assert json.loads(first) == _ruling(PUBLIC)
    assert json.loads(second)["error"]["details"] == {"line": 2}
    missing = _ask("--ndjson", str(tmp_path / "none.ndjson"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_ndjson_takes_ids_from_the_store_opened_once(
    sample: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str | None] = []
    real = ask_stream._open_store

    def counted(database: str | None, profile_name: str) -> Context:
        opened.append(database)
        return real(database, profile_name)

    monkeypatch.setattr(ask_stream, "_open_store", counted)
    named = {"recipient": {"id": "u-kurt"}, "student": {"id": "u-ada"}, "information": ["grades"]}
    unknown = {**named, "student": {"id": "u-0"}}
    stdin = _lines(PUBLIC, named, unknown, named)
    result = runner.invoke(
        app, ["ask", "--ndjson", "-", "--database", sample.store.url], input=stdin
    )
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0] == _ruling(PUBLIC)
    assert out[1]["decision"] == out[3]["decision"] == "permit"
    assert out[1]["facts"]["question"]["recipient"]["relations"] == ["teaching_assistant"]
    assert out[2]["error"]["code"] == "not_found"
    assert "unknown person `u-0`" in out[2]["error"]["message"]
    assert result.stderr.startswith("discretion: line 3: ")
    assert opened == [sample.store.url]  # once, when the first question named an id


def test_ndjson_without_a_store_stops_at_the_first_question_naming_an_id(tmp_path: Path) -> None:
    named = {"recipient": {"id": "u-kurt"}, "student": {"id": "u-ada"}, "information": ["grades"]}
    url = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    result = runner.invoke(
        app, ["ask", "--ndjson", "-", "--database", url], input=_lines(PUBLIC, named, PUBLIC)
    )
    assert result.exit_code == 2
    assert [json.loads(line) for line in result.stdout.splitlines()] == [_ruling(PUBLIC)]
    assert result.stderr.startswith("discretion: no database at ")
    assert not (tmp_path / "none.sqlite3").exists()


class _Trickle:
    """Bytes given a few at a time, as a slow pipe gives them."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step = data, step

    def read1(self, size: int) -> bytes:
        taken, self.data = self.data[: self.step], self.data[self.step :]
        return taken


@pytest.mark.parametrize("step", [1, 3, 7, 1000])
def test_lines_are_cut_the_same_whatever_the_reads(step: int) -> None:
    data = b'{"a":1}\n\nxxxxxxxxxxxxxxxxxxxx\n[2]\nyyyyyyyyyyy\n{"b"'
    lines = [
        line for batch in ask_stream._lines(_Trickle(data, step).read1, limit=10) for line in batch
    ]
    # a line over the limit is None: dropped as it is read, answered as too long
    assert lines == [b'{"a":1}', b"", None, b"[2]", None, b'{"b"']


def test_a_line_over_the_limit_is_answered_as_too_long(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ask_stream, "MAX_BYTES", 100)
    long_line = json.dumps({**PUBLIC, "purpose": "x" * 200})
    result = _ask("--ndjson", "-", stdin=_lines(long_line + "\n", PUBLIC))
    assert result.exit_code == 2
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["error"]["message"] == (
        "line 1: the line is larger than 100 bytes; send one question per line"
    )
    assert second == _ruling(PUBLIC)


def _reader(stream: IO[bytes]) -> queue.Queue[bytes]:
    lines: queue.Queue[bytes] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put(b"")

    threading.Thread(target=read, daemon=True).start()
    return lines


def test_ndjson_writes_each_ruling_before_the_next_question_comes() -> None:
    # the pipe stays open: a ruling held back in a buffer would never arrive
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    command = [sys.executable, "-c", "from discretion.cli.main import app; app()"]
    with subprocess.Popen(
        [*command, "ask", "--ndjson", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**environ, "PYTHONPATH": str(ROOT / "src")},
    ) as child:
        assert child.stdin is not None and child.stdout is not None
        out = _reader(child.stdout)
        try:
            for question in (PUBLIC, PARENT):
                child.stdin.write(_lines(question).encode())
                child.stdin.flush()
                # a generous bound that only stops a hang; no timing is asserted
                assert json.loads(out.get(timeout=120)) == _ruling(question)
            child.stdin.close()
            assert out.get(timeout=120) == b""
            assert child.wait(timeout=120) == 0
        finally:
            if child.poll() is None:
                child.kill()


def test_an_array_in_words_has_a_heading_per_question() -> None:
    result = _ask("-", stdin=json.dumps([PUBLIC, PARENT, PUBLIC]))
    assert result.exit_code == 0, result.output
    blocks = result.stdout.split("\n\n")
    assert [block.splitlines()[0] for block in blocks] == [
        "Question 0 (1 of 3)",
        "Question 1 (2 of 3)",
        "Question 2 (3 of 3)",
    ]
    assert blocks[0].splitlines()[1].startswith("PERMIT")
    assert blocks[1].splitlines()[1].startswith("REFER")
    single = _ask("-", stdin=json.dumps(PUBLIC))
    assert single.stdout.startswith("PERMIT")  # one question needs no heading


def test_an_empty_array_is_refused_as_the_api_refuses_an_empty_batch() -> None:
    for args in (("-",), ("-", "--json")):
        result = _ask(*args, stdin="[]")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            "discretion: the array holds no questions; give at least one "
            "(the API refuses an empty batch)\n"
        )


def test_ask_json_writes_utf8_and_the_same_json_as_before() -> None:
    questions = [PUBLIC, PARENT, {**PUBLIC, "purpose": "café ☕"}]
    result = runner.invoke(app, ["ask", "-", "--json"], input=json.dumps(questions))
    assert result.exit_code == 0, result.output
    assert "§" in result.stdout  # the cites, written as UTF-8 rather than \u00a7
    rulings = [_ruling(q) for q in questions]
    assert json.loads(result.stdout) == rulings
    # the layout of json.dumps(indent=2), written a ruling at a time
    assert result.stdout == json.dumps(rulings, indent=2, ensure_ascii=False) + "\n"
    assert result.stdout_bytes == orjson.dumps(rulings, option=orjson.OPT_INDENT_2) + b"\n"
    single = runner.invoke(app, ["ask", "-", "--json"], input=json.dumps(questions[2]))
    assert single.stdout == json.dumps(rulings[2], indent=2, ensure_ascii=False) + "\n"


def test_ask_json_writes_a_long_array_in_parts_as_one() -> None:
    questions = [PUBLIC, PARENT, ALIEN | {"recipient": {"kind": "self"}}] * 700
    result = runner.invoke(app, ["ask", "-", "--json"], input=json.dumps(questions))
    assert result.exit_code == 0, result.output
    rulings = [_ruling(q) for q in questions[:3]] * 700
    assert result.stdout_bytes == orjson.dumps(rulings, option=orjson.OPT_INDENT_2) + b"\n"
