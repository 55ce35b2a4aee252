"""``discretion ask``: one question, an array of them (all or nothing), or a stream of lines.

A question or an array is read whole (at most ``MAX_BYTES``) and answered at
once. An array is all or nothing: every invalid question is named on a line
of standard error by its index, counting from 0 as the API's batch errors
do, and nothing is ruled. An empty array is refused, as the API refuses an
empty batch.

``--ndjson`` reads one question per line and writes one ruling per line as it
goes, in compact JSON; memory stays flat whatever the input's length. Output
lines match input lines one to one: a line that cannot be answered (not JSON,
blank, too long, an invalid question, an id the store does not know) is named
on standard error as ``discretion: line N: ...``, lines counting from 1, and
its output line is the API's one error shape, with the line number in
``details``. The output is flushed whenever the input has no more lines
ready, so a reader of a pipe gets each ruling before the next question is
written. The first question that names ``student.id`` or ``recipient.id``
opens the store, once for the whole stream; each such question is ruled in a
transaction of its own. A store that is missing, old or not answering stops
the stream as it stops the other forms.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson
import typer

from discretion.cli.common import fail, failing
from discretion.cli.render import render_answer, render_ruling
from discretion.policy import DiscretionError, Profile, decide, parse_question
from discretion.policy.errors import MalformedJsonError
from discretion.policy.jsontext import MAX_BYTES, load_json

if TYPE_CHECKING:  # the services (and the store under them) load only for a question with ids
    from discretion.services import Context

__all__ = ["ask_each_line", "ask_whole"]

# an exit status for input with bad questions or lines (as for all bad input: cli/common.fail)
BAD_INPUT = 2
_CHUNK = 1 << 16  # bytes read at a time from a stream of lines


def _open(source: str) -> BinaryIO:
    """Return the binary stream of a file, or of standard input for ``-``."""
    if source == "-":
        return typer.get_binary_stream("stdin")
    try:
        return Path(source).open("rb")
    except FileNotFoundError:
        fail(f"no such file `{source}`; give a JSON file, or - for standard input")
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        reason = getattr(error, "strerror", None) or "not a possible file name"
        fail(f"cannot read `{source}`: {reason}; give a JSON file, or - for standard input")


def _read_json(source: str) -> Any:
    """Return the JSON value of a file, or of standard input for ``-``, read as bytes once."""
    stream = _open(source)
    try:
        data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        fail(f"cannot read `{source}`: {error.strerror}; give a JSON file, or - for standard input")
    finally:
        if source != "-":
            stream.close()
    try:
        return load_json(data, what="standard input" if source == "-" else source)
    except MalformedJsonError as error:
        fail(str(error))


def _open_store(database: str | None, profile_name: str) -> Context:
    """Open the store a question's ids are looked up in; never create one (exit 2 if missing)."""
    from discretion.services import NoDatabaseError, NotMigratedError, open_context

    try:
        return open_context(database, profile_name, create=False)
    except NoDatabaseError as error:
        fail(
            f"no database at {error.path} to take `student.id` or `recipient.id` from; "
            "create it with `discretion db upgrade`, then fill it with `discretion import FOLDER` "
            "(or `discretion demo`), or name another with --database"
        )
    except NotMigratedError as error:
        fail(str(error))


def _needs_store(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    ids = [entry.get(key) for key in ("student", "recipient")]
    return any(isinstance(part, dict) and part.get("id") for part in ids)


def _collect_less() -> None:
    """Make the cyclic garbage collector cheaper for the many small objects of many questions.

    The objects of start-up (the profile, the rules, the schemas) are frozen out
    of every collection, and the youngest generation is collected every 50,000
    allocations rather than 700: about a fifth faster on 100,000 questions, with
    the same peak memory (rulings hold no cycles; bench/ask_stream.py measures).
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _write_json(answered: Any) -> None:
    """Write a ruling, or a list of them, as indented JSON, a thousand rulings at a time.

    The bytes are those of ``orjson.dumps(..., option=OPT_INDENT_2)`` on the whole
    (each ruling indented two spaces more: no JSON string holds a raw newline),
    without holding every ruling's JSON at once.
    """
    out = typer.get_binary_stream("stdout")
    if not isinstance(answered, list):
        out.write(orjson.dumps(answered.to_json(), option=orjson.OPT_INDENT_2) + b"\n")
        out.flush()
        return
    for start in range(0, len(answered), 1000):
        parts = [
            orjson.dumps(answer.to_json(), option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  ")
            for answer in answered[start : start + 1000]
        ]
        out.write((b"[\n  " if start == 0 else b",\n  ") + b",\n  ".join(parts))
    out.write(b"\n]\n")
    out.flush()


def ask_whole(
    source: str, as_json: bool, profile: Profile, profile_name: str, database: str | None
) -> None:
    """Answer one question, or an array of them (all or nothing), read whole."""
    _collect_less()
    data = _read_json(source)
    batch = isinstance(data, list)
    if batch and not data:
        fail("the array holds no questions; give at least one (the API refuses an empty batch)")
    entries = data if batch else [data]
    answers: list[Any] = []  # a Ruling, or a store-backed asking.Answer
    errors: list[str] = []
    with ExitStack() as stack:
        session = None
        if any(_needs_store(entry) for entry in entries):
            from discretion.services import asking

            stack.enter_context(failing())
            context = _open_store(database, profile_name)
            stack.callback(context.close)
            session = stack.enter_context(context.transaction())
        for index, entry in enumerate(entries):
            try:
                if session is not None and _needs_store(entry):
                    answers.append(asking.ask(session, profile, entry))
                else:
                    answers.append(decide(parse_question(entry, profile), profile))
            except DiscretionError as error:
                errors.append(f"question {index}: {error}" if batch else str(error))
        for message in errors[:-1]:
            typer.echo(f"discretion: {message}", err=True)
        if errors:
            fail(errors[-1])
    if as_json:
        _write_json(answers if batch else answers[0])
        return
    texts = [_text(answer) for answer in answers]
    if batch:
        count = len(texts)
        texts = [f"Question {i} ({i + 1} of {count})\n{text}" for i, text in enumerate(texts)]
    typer.echo("\n\n".join(texts))


def _text(answer: Any) -> str:
    if hasattr(answer, "notes"):  # a store-backed services.asking.Answer
        return render_answer(answer.ruling, answer.notes)
    return render_ruling(answer)


def _lines(read: Callable[[int], bytes], limit: int) -> Iterator[list[bytes | None]]:
    """Yield the lines ``read`` gives as they come, a list per read; None for a line over ``limit``.

    Each list holds the lines that one read completed, so the caller can flush
    before the next read, which may wait for more input. A line longer than
    ``limit`` bytes is dropped as it is read: memory never holds more than one
    line of at most ``limit`` bytes and one read.
    """
    pieces: list[bytes] = []  # the start of a line not ended yet
    size = 0
    skipping = False  # in a line already over the limit
    while chunk := _read(read):
        *ended, rest = chunk.split(b"\n")
        lines: list[bytes | None] = []
        for part in ended:
            if skipping:
                lines.append(None)
                skipping = False
            elif pieces:
                pieces.append(part)
                lines.append(b"".join(pieces) if size + len(part) <= limit else None)
                pieces, size = [], 0
            else:
                lines.append(part if len(part) <= limit else None)
        if not skipping and rest:
            size += len(rest)
            if size > limit:
                skipping, pieces, size = True, [], 0
            else:
                pieces.append(rest)
        if lines:
            yield lines
    if skipping:
        yield [None]
    elif pieces:
        yield [b"".join(pieces)]


def _read(read: Callable[[int], bytes]) -> bytes:
    try:
        return read(_CHUNK)
    except OSError as error:
        raise _Unreadable(error.strerror or type(error).__name__) from None


def _code(error: DiscretionError) -> str:
    """Return the API's error code for what went wrong with one question (api/errors.py)."""
    if isinstance(error, MalformedJsonError):
        return "bad_request"
    # only a question with ids loads the services, and only its answer raises NotFoundError
    services = sys.modules.get("discretion.services")
    if services is not None and isinstance(error, services.NotFoundError):
        return "not_found"
    return "invalid_question"


class _Stream:
    """Rules on a stream's questions, opening the store on first need and keeping it open."""

    def __init__(self, profile: Profile, profile_name: str, database: str | None) -> None:
        self.profile, self.profile_name, self.database = profile, profile_name, database
        self.context: Context | None = None
        self.bad = 0

    def answer(self, number: int, line: bytes | None) -> bytes:
        """Return one output line (without its newline): a ruling, or an error naming the line."""
        try:
            if line is None:
                raise MalformedJsonError(
                    f"the line is larger than {MAX_BYTES} bytes; send one question per line"
                )
            if not line.strip():
                raise MalformedJsonError("the line is blank; send one question per line")
            question = load_json(line, what="the line")
            if _needs_store(question):
                from discretion.services import asking

                with self.store().transaction() as session:
                    ruling = asking.ask(session, self.profile, question).to_json()
            else:
                ruled = decide(parse_question(question, self.profile), self.profile)
                ruling = ruled.to_json(remember=False)  # memory stays flat: see Ruling.to_json
            return orjson.dumps(ruling)
        except DiscretionError as error:
            self.bad += 1
            message = f"line {number}: {error}"
            typer.echo(f"discretion: {message}", err=True)
            body = {"code": _code(error), "message": message, "details": {"line": number}}
            return orjson.dumps({"error": body})

    def store(self) -> Context:
        if self.context is None:
            self.context = _open_store(self.database, self.profile_name)
        return self.context

    def close(self) -> None:
        if self.context is not None:
            self.context.close()


def _write_lines(out: BinaryIO, ready: list[bytes]) -> None:
    if ready:
        ready.append(b"")
        out.write(b"\n".join(ready))
        ready.clear()
    out.flush()


class _Unreadable(Exception):
    """Reading the input failed (``_lines`` raises it so a failed write is not taken for one)."""


def ask_each_line(source: str, profile: Profile, profile_name: str, database: str | None) -> None:
    """Answer one question per line as the lines come, one ruling (or error) per line."""
    _collect_less()
    stream = _open(source)
    asked = _Stream(profile, profile_name, database)
    out = typer.get_binary_stream("stdout")
    number = 0
    ready: list[bytes] = []  # the rulings of the lines one read brought, written together
    with ExitStack() as stack:
        if source != "-":
            stack.enter_context(stream)
        stack.callback(asked.close)
        stack.enter_context(failing())
        try:
            # read1: what one read of the pipe or file gives, never waiting for more
            for lines in _lines(getattr(stream, "read1", stream.read), MAX_BYTES):
                for line in lines:
                    number += 1
                    ready.append(asked.answer(number, line))
                _write_lines(out, ready)  # before the next read, which may wait for input
        except _Unreadable as error:
            fail(f"cannot read `{source}` after line {number}: {error}")
        except BrokenPipeError:
            # the reader has gone (`| head`): stop quietly, as the tools of a pipe do
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
            raise typer.Exit(1) from None
        finally:
            with suppress(OSError):
                _write_lines(out, ready)  # what was answered before a failure
    if asked.bad:
        fail(
            f"{asked.bad} of {number} lines could not be answered; "
            "each has an error in place of its ruling",
            BAD_INPUT,
        )
