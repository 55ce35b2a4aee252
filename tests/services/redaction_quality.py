"""The redaction corpus and its score, shared by the tests and ``bench/redaction_quality.py``.

A mention is one occurrence of a ``gone`` string in a note; it is found (a
true positive) when the redacted note no longer holds it and missed (a false
negative) when it does. A false positive is an occurrence of a ``stays``
string that the redaction took away. ``misses`` (the documented limits) are
counted apart and never in the recall.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from discretion.services.redaction import Identity, Redactor

CORPUS = Path(__file__).parent / "redaction_corpus.yaml"
NOTE_KEYS = {"name", "tags", "text", "gone", "stays", "expect", "misses"}


@dataclass(frozen=True)
class Note:
    """One note of the corpus with what must go and what must stay."""

    name: str
    text: str
    gone: tuple[str, ...]
    stays: tuple[str, ...]
    misses: tuple[str, ...]
    expect: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Corpus:
    """The cast and the notes."""

    subject: Identity
    others: tuple[Identity, ...]
    keep: tuple[Identity, ...]
    notes: tuple[Note, ...]

    def redactor(self) -> Redactor:
        """Return a redactor for the subject's copy."""
        return Redactor(self.subject, self.others, self.keep)


@dataclass(frozen=True)
class Score:
    """Mentions found and missed, and strings wrongly taken, over the corpus."""

    mentions: int
    true_positives: int
    false_positives: int
    false_negatives: int
    known_misses: int

    @property
    def precision(self) -> float:
        """Return the share of removals that were mentions of another student."""
        taken = self.true_positives + self.false_positives
        return self.true_positives / taken if taken else 1.0

    @property
    def recall(self) -> float:
        """Return the share of mentions that were removed."""
        return self.true_positives / self.mentions if self.mentions else 1.0


def _identity(row: dict[str, Any]) -> Identity:
    return Identity(
        id=row["id"],
        given_name=row["given_name"],
        family_name=row["family_name"],
        username=row.get("username"),
        email=row.get("email"),
    )


def load_corpus(path: Path = CORPUS) -> Corpus:
    """Read the corpus, refusing a note with an unknown key or a string not in its text.

    Raises:
        ValueError: a note has an unknown key, or lists a string its text lacks.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cast, notes = data["cast"], []
    for row in data["notes"]:
        if unknown := set(row) - NOTE_KEYS:
            raise ValueError(f"note `{row['name']}` has unknown keys {sorted(unknown)}")
        note = Note(
            name=row["name"],
            text=row["text"],
            gone=tuple(row["gone"]),
            stays=tuple(row["stays"]),
            misses=tuple(row.get("misses", ())),
            expect=row.get("expect"),
            tags=tuple(row.get("tags", ())),
        )
        for part in note.gone + note.stays + note.misses:
            if part not in note.text:
                raise ValueError(f"note `{note.name}` lists `{part}`, which its text lacks")
        notes.append(note)
    return Corpus(
        subject=_identity(cast["subject"]),
        others=tuple(_identity(row) for row in cast["others"]),
        keep=tuple(_identity(row) for row in cast["keep"]),
        notes=tuple(notes),
    )


def score_note(note: Note, redacted: str) -> Score:
    """Score one note's redaction."""
    mentions = sum(note.text.count(part) for part in note.gone)
    missed = sum(redacted.count(part) for part in note.gone)
    taken = sum(note.text.count(part) - redacted.count(part) for part in note.stays)
    known = sum(redacted.count(part) for part in note.misses)
    return Score(mentions, mentions - missed, taken, missed, known)


def score_corpus(corpus: Corpus) -> Score:
    """Score the redactor over every note of the corpus."""
    redactor = corpus.redactor()
    scores = [score_note(note, redactor.redact(note.text).text) for note in corpus.notes]
    return Score(*(sum(getattr(s, field) for s in scores) for field in Score.__dataclass_fields__))
