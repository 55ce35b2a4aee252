"""Hostile input: questions and OneRoster bundles fuzzed, failing only in the documented ways.

``parse_question`` gets arbitrary JSON-like values, from near-valid questions
with a field gone wrong to garbage nested deep, and may raise only
``InvalidQuestionError`` (``decide`` then rules on whatever it accepted).
``load_json`` then ``parse_question`` get arbitrary bytes, and the text of
such questions cut, doubled, re-encoded or with a byte order mark, and may
raise only ``MalformedJsonError`` or ``InvalidQuestionError``.
``import_bundle`` gets the sample bundle with cells, headers, rows, files,
encodings and manifest values mutated, and may raise only ``ImportRejected``,
after which the store is exactly as it was. Derandomized and bounded, so CI
sees the same examples every run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from discretion.importers import ImportRejected
from discretion.importers.bundle import import_bundle
from discretion.policy import InvalidQuestionError, Profile, decide, load_profile, parse_question
from discretion.policy.errors import MalformedJsonError
from discretion.policy.jsontext import load_json
from discretion.policy.vocabulary import (
    Act,
    Channel,
    ConsentForm,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Status,
    Students,
)
from discretion.services import Context
from discretion.store.models import Base
from tests.conftest import SAMPLE_BUNDLE

PROFILE = load_profile("mit")
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
QUESTION_EXAMPLES, BUNDLE_EXAMPLES = 1_000, 300

# ---------------------------------------------------------------- questions

ODD_TEXT = ["", " ", "\x00", "\u202e", "\ufeff", "e\u0301", "\U0001f984", "name\u200b", "NAME",
            "İ", "ｎａｍｅ", "x" * 10_000, "null", "true", "1", "__proto__", "\n"]  # fmt: skip
WORDS = sorted(
    {
        v.value
        for enum in (
            Act,
            Channel,
            ConsentForm,
            LegalProcess,
            Level,
            RecipientKind,
            RequestForm,
            Status,
            Students,
        )
        for v in enum
    }  # fmt: skip
    | set(PROFILE.items)
    | set(PROFILE.need_to_know)
    | {"recipient", "information", "student", "consent", "record", "kind", "id", "items"}
)
texts = st.sampled_from(WORDS) | st.sampled_from(ODD_TEXT) | st.text(max_size=12)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63, max_value=2**300)
    | st.floats()
    | texts
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=24,
)


def _nested(depth: int) -> Any:
    value: Any = "name"
    for level in range(depth):
        value = [value] if level % 2 else {"kind": value}
    return value


deep = st.integers(min_value=1, max_value=5_000).map(_nested)
garbage = json_like | deep


def _mostly(valid: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Draw ``valid`` eleven times in twelve, else ``odd``."""
    return st.integers(min_value=0, max_value=11).flatmap(lambda n: odd if n == 11 else valid)


def _or_garbage(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the valid fragment, sometimes anything at all in its place."""
    return _mostly(valid, garbage)


def _names(names: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(_mostly(st.sampled_from(names), texts), max_size=4, unique=True)


def _questions(profile: Profile) -> st.SearchStrategy[Any]:
    items = list(profile.items)
    recipient = st.fixed_dictionaries(
        {"kind": _or_garbage(st.sampled_from([k.value for k in RecipientKind]))},
        optional={
            "need_to_know": _or_garbage(st.booleans()),
            "assigned_to_subject": _or_garbage(st.booleans()),
            "legal_process": _or_garbage(st.sampled_from([p.value for p in LegalProcess])),
            "id": _or_garbage(texts),
            "relations": _or_garbage(_names(sorted(profile.need_to_know))),
        },
    )
    student = st.fixed_dictionaries(
        {},
        optional={
            "id": _or_garbage(texts),
            "status": _or_garbage(st.sampled_from([s.value for s in Status])),
            "level": _or_garbage(st.sampled_from([v.value for v in Level])),
            "suppressed": _or_garbage(_names(list(profile.directory_items))),
            "withheld": _or_garbage(st.booleans()),
        },
    )
    consent = st.fixed_dictionaries(
        {},
        optional={
            "form": _or_garbage(st.sampled_from([f.value for f in ConsentForm])),
            "specific": _or_garbage(st.booleans()),
            "web_posting": _or_garbage(st.booleans()),
            "items": _or_garbage(_names(items)),
            "web_posting_items": _or_garbage(_names(items)),
        },
    )
    record = st.fixed_dictionaries(
        {},
        optional={
            "request_form": _or_garbage(st.sampled_from([f.value for f in RequestForm])),
            "identifies_other_students": _or_garbage(st.booleans()),
            "sole_possession_note": _or_garbage(st.booleans()),
            "access_waived": _or_garbage(st.booleans()),
        },
    )
    question = st.fixed_dictionaries(
        {
            "recipient": _or_garbage(recipient),
            "information": _or_garbage(
                st.lists(st.sampled_from(items), min_size=1, max_size=4, unique=True)
            ),
        },
        optional={
            "act": _or_garbage(st.sampled_from([a.value for a in Act])),
            "students": _or_garbage(st.sampled_from([s.value for s in Students])),
            "student": _or_garbage(student),
            "consent": _or_garbage(consent),
            "channel": _or_garbage(st.sampled_from([c.value for c in Channel])),
            "purpose": _or_garbage(texts),
            "record": _or_garbage(record),
            "site": _or_garbage(texts),
        },
    )
    stray = st.tuples(question, texts, garbage).map(lambda q: {**q[0], q[1]: q[2]})
    return _mostly(question, stray | garbage)


@settings(FUZZ, max_examples=QUESTION_EXAMPLES)
@given(data=_questions(PROFILE))
def test_fuzz_parse_question_raises_only_invalid_question(data: Any) -> None:
    try:
        question = parse_question(data, PROFILE)
    except InvalidQuestionError as error:
        event(type(error).__name__)
        message = str(error)
        assert message and "\n" not in message and len(message) <= 1_000, message
        return
    event("accepted")
    ruling = decide(question, PROFILE)
    assert ruling.reasons and set(ruling.by_information) == set(question.information)


def _json_text(data: Any) -> str:
    """Return the JSON text of ``data`` (NaN and all), or brackets as deep when it is too deep."""
    try:
        return json.dumps(data)
    except RecursionError:
        return "[" * 5_000 + "]" * 5_000


def _spoiled(text: str, how: str, at: int) -> bytes:
    """Return ``text`` as UTF-8, spoiled one way at position ``at``."""
    cut = at % (len(text) + 1)
    if how == "cut":
        return text[:cut].encode()
    if how == "doubled":  # a key or value given twice, or stray text
        return (text[:cut] + text[cut // 2 : cut] + text[cut:]).encode()
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if how in ("utf-16", "latin-1"):
        return text.encode(how, errors="replace")
    return text.encode()


texts_of_questions = st.builds(
    _spoiled,
    _questions(PROFILE).map(_json_text),
    st.sampled_from(["as is", "cut", "doubled", "bom", "utf-16", "latin-1"]),
    st.integers(min_value=0),
)


@settings(FUZZ, max_examples=QUESTION_EXAMPLES)
@given(data=st.binary(max_size=200) | texts_of_questions)
def test_fuzz_load_json_and_parse_raise_only_the_documented_errors(data: bytes) -> None:
    try:
        question = parse_question(load_json(data, what="the text"), PROFILE)
    except (MalformedJsonError, InvalidQuestionError) as error:
        event(type(error).__name__)
        message = str(error)
        assert message and "\n" not in message and len(message) <= 1_000, message
        return
    event("accepted")
    ruling = decide(question, PROFILE)
    assert ruling.reasons and set(ruling.by_information) == set(question.information)


# ---------------------------------------------------------------- bundles


def _sample_files() -> dict[str, list[list[str]]]:
    files = {}
    for path in sorted(SAMPLE_BUNDLE.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            files[path.name] = list(csv.reader(handle))
    return files


SAMPLE = _sample_files()
NAMES = sorted(SAMPLE)
# the cells the sample fills: where a changed value is read, checked and written
Cell = tuple[str, int, int]
FILLED: list[Cell] = [
    (name, r, c)
    for name, rows in SAMPLE.items()
    for r, row in enumerate(rows)
    for c, value in enumerate(row)
    if r > 0 and value
]
NASTY = ["", " ", "\x00", "a\x00b", "\t", "=1+1", "x" * 65, "x" * 101, "x" * 201, "x" * 301,
         "x" * 321, "x" * 501, "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
         "0001-01-01", "9999-12-31", "2026-02-30", "2026-09-01T12:00:00Z", "tobedeleted",
         "active", "*", "bulk", "delta", "true", "false", "TRUE", "-1", "1e309", "u-ada",
         "u-alan", "u-grace", "u-emmy", "u-kurt", "u-reg", "u-byron", "c-acme", "cls-801",
         "cls-1801", "fall-2026", "ada", "alan", "\ufeff", "e\u0301", "\U0001f984", "\u202e",
         "line\nbreak", 'quote"inside', "comma,inside", "  padded  ", "student", "teacher",
         "parent", "aide", "graduate", "former", "grades", "name", "registrar",
         "written"]  # fmt: skip
ENCODINGS = ("latin-1", "utf-16", "bom", "invalid", "truncated", "cr")


@dataclass(frozen=True)
class Mutation:
    """One change to the bundle: what, at which cell (its file, row, column), and the value."""

    kind: str
    cell: Cell
    value: str = ""
    source: Cell = ("", 0, 0)

    def apply(self, files: dict[str, list[list[str]]], encodings: dict[str, bytes]) -> None:
        """Change ``files`` (rows of cells) or ``encodings`` (a file's bytes) in place."""
        name, r, c = self.cell
        rows = files.get(name)
        if rows is None or r >= len(rows) or c >= len(rows[r]):
            return  # an earlier change removed it
        if self.kind == "cell":
            rows[r][c] = self.value
        elif self.kind == "copy":
            other, sr, sc = self.source
            rows[r][c] = SAMPLE[other][sr][sc]
        elif self.kind == "drop_row":
            del rows[r]
        elif self.kind == "repeat_row":
            rows.append(list(rows[r]))
        elif self.kind == "extra_cell":
            rows[r].append(self.value)
        elif self.kind == "drop_cell":
            del rows[r][c]
        elif self.kind == "header":
            rows[0][c % len(rows[0])] = self.value
        elif self.kind == "drop_file":
            del files[name]
        else:  # encode
            encodings[name] = _encoded(_text(rows), self.value)


def _encoded(text: str, how: str) -> bytes:
    data = text.encode()
    return {
        "latin-1": text.encode("latin-1", "replace"),
        "utf-16": text.encode("utf-16"),
        "bom": b"\xef\xbb\xbf" + data,
        "invalid": data[: len(data) // 2] + b"\xff\xfe" + data[len(data) // 2 :],
        "truncated": data[: max(1, len(data) // 3)],
        "cr": text.replace("\n", "\r").encode(),
    }[how]


def _text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


cells = st.sampled_from(FILLED)
values = _mostly(st.sampled_from(NASTY), st.text(max_size=8))
mutations = st.one_of(
    st.builds(Mutation, st.just("cell"), cells, values),
    st.builds(Mutation, st.just("copy"), cells, source=cells),
    _mostly(
        st.builds(Mutation, st.just("cell"), cells, values),
        st.builds(
            Mutation,
            st.sampled_from(
                ["drop_row", "repeat_row", "extra_cell", "drop_cell", "header", "drop_file"]
            ),  # fmt: skip
            cells,
            values,
        )
        | st.builds(Mutation, st.just("encode"), cells, st.sampled_from(ENCODINGS)),
    ),
)
MANIFEST = [cell for cell in FILLED if cell[0] == "manifest.csv" and cell[2] == 1]
manifest_changes = st.builds(
    Mutation,
    st.just("cell"),
    st.sampled_from(MANIFEST),
    st.sampled_from(["bulk", "delta", "absent", "1.0", "1.1", "", "BULK"]),
)


def _write(folder: Path, changes: list[Mutation]) -> None:
    files = {name: [list(row) for row in rows] for name, rows in SAMPLE.items()}
    encodings: dict[str, bytes] = {}
    for change in changes:
        change.apply(files, encodings)
    for name, rows in files.items():
        (folder / name).write_bytes(encodings.get(name) or _text(rows).encode())


def _snapshot(context: Context) -> str:
    """Return a digest of every row of every table."""
    digest = hashlib.sha256()
    with context.transaction() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table)).all()
            digest.update(repr((table.name, sorted(map(repr, rows)))).encode())
    return digest.hexdigest()


class _Undo(Exception):
    """Rolls back an import that succeeded, so every example starts from the same store."""


@settings(FUZZ, max_examples=BUNDLE_EXAMPLES)
@given(
    into=st.sampled_from(["empty", "sample"]),
    changes=st.lists(mutations, min_size=1, max_size=3),
    manifest=_mostly(st.just([]), st.lists(manifest_changes, min_size=1, max_size=2)),
)
def _import_examples(
    stores: dict[str, Context], into: str, changes: list[Mutation], manifest: list[Mutation]
) -> None:
    context = stores[into]
    before = _snapshot(context)
    with tempfile.TemporaryDirectory() as folder:
        _write(Path(folder), [*changes, *manifest])
        try:
            with context.transaction() as session:
                import_bundle(session, context.profile, Path(folder))
                raise _Undo
        except _Undo:
            event("imported")
        except ImportRejected as error:
            event("rejected")
            message = str(error)
            assert message.endswith("; nothing was imported") and "\n" not in message, message
            assert len(message) <= 1_000, message
    assert _snapshot(context) == before


def test_fuzz_import_rejects_only_with_import_rejected_and_changes_nothing(
    empty: Context, sample: Context
) -> None:
    """Mutated bundles, imported into an empty store and over the sample, on each backend."""
    _import_examples({"empty": empty, "sample": sample})
