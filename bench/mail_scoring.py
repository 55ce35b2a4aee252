"""The corpus's texts, what a tool finds in them, and scores against ``mail_truth.yaml``.

Used by ``bench/mail.py``. A text is a message's plain-text body or a CSV or
text attachment, with LF line endings as the checker reads it. Names and IDs
are scored as sets per text (a name found counts when it holds a labelled
one: a table row gives "Jane Doe jdoe"); grades as counts per text, since
Discretion's ``Evidence`` counts grades and does not say where they are.
"""

from __future__ import annotations

import email.policy
import sys
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import yaml

from discretion.mail.detect import Evidence, text_evidence
from discretion.mail.people import RosterPeople
from discretion.mail.sheets import table_evidence
from discretion.mail.tables import read_attachment
from discretion.policy import Profile

TRUTH = Path(__file__).with_name("mail_truth.yaml")


@dataclass(frozen=True)
class Text:
    """One text of the corpus: where it is, its text, and its raw bytes when it is a CSV file."""

    key: str
    text: str
    csv: bytes | None = None


@dataclass
class Found:
    """What a tool found in one text: full names, ID numbers, and how many grades."""

    names: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    grades: int = 0


def _decoded(part: EmailMessage) -> str:
    """Return a part's text with LF line endings, as the checker reads it (``text.py``)."""
    try:
        content = part.get_content()
    except LookupError:  # an unknown charset: guess utf-8
        content = part.get_payload(decode=True)
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return content.replace("\r\n", "\n") if isinstance(content, str) else ""


def corpus_texts(messages: list[tuple[str, bytes]]) -> list[Text]:
    """Return the plain-text bodies and the CSV and text attachments of the corpus."""
    texts = []
    for stem, raw in messages:
        message = BytesParser(policy=email.policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain",))
        if isinstance(body, EmailMessage):
            texts.append(Text(f"{stem} body", _decoded(body)))
        for part in message.iter_attachments():
            kind, name = part.get_content_type(), part.get_filename() or ""
            if isinstance(part, EmailMessage) and kind in ("text/csv", "text/plain"):
                data = part.get_payload(decode=True)
                assert isinstance(data, bytes)
                is_csv = kind == "text/csv"
                texts.append(Text(f"{stem} {name}", _decoded(part), data if is_csv else None))
    return texts


def full_names(candidates: set[str], profile: Profile) -> set[str]:
    """Return the candidates that are full names: two words or more, no ID, no initials."""
    return {
        c
        for c in candidates
        if not profile.student_id_pattern.search(c)
        and len([p for p in c.split() if len(p.strip(".")) > 1]) >= 2
    }


def discretion_found(text: Text, profile: Profile, roster: RosterPeople | None) -> Found:
    """Return what ``discretion.mail.detect`` (and ``sheets`` for a CSV file) finds."""
    evidence: Evidence
    if text.csv is not None:
        evidence = Evidence()
        for table in read_attachment("file.csv", "text/csv", text.csv).tables:
            evidence.add(table_evidence(table, profile))
    else:
        evidence = text_evidence(text.text, profile)
    names = full_names(evidence.students, profile)
    if roster is not None:
        names |= {roster.students[ref.id].name for ref in roster.find(text.text)}
    return Found(names, set(evidence.ids), evidence.grades)


def presidio_found(findings: list[tuple[str, str, float]], least: float, profile: Profile) -> Found:
    """Return Presidio's findings with at least the score ``least`` as a ``Found``."""
    kept = [(entity, value) for entity, value, score in findings if score >= least]
    names = full_names({v for e, v in kept if e == "PERSON"}, profile)
    ids = {v for e, v in kept if e == "STUDENT_ID"}
    return Found(names, ids, len([v for e, v in kept if e == "GRADE"]))


@dataclass
class Score:
    """True positives, false positives and false negatives of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def cell(self) -> str:
        """Return precision and recall, each '-' when undefined."""
        p = f"{self.tp / (self.tp + self.fp):.2f}" if self.tp + self.fp else "-"
        r = f"{self.tp / (self.tp + self.fn):.2f}" if self.tp + self.fn else "-"
        return f"{p:>6}{r:>6}"


def score(found: dict[str, Found], truth: dict[str, Found]) -> dict[str, Score]:
    """Score names and IDs as sets per text and grades as counts per text."""
    scores = {"names": Score(), "ids": Score(), "grades": Score()}
    for key, got in found.items():
        want = truth.get(key, Found())
        wanted = {n.casefold() for n in want.names}
        named = [" ".join(n.casefold().split()) for n in got.names]
        hits = {w for w in wanted if any(w in n for n in named)}  # "Jane Doe jdoe" names Jane Doe
        scores["names"].tp += len(hits)
        scores["names"].fn += len(wanted - hits)
        scores["names"].fp += len([n for n in named if not any(w in n for w in wanted)])
        scores["ids"].tp += len(got.ids & want.ids)
        scores["ids"].fp += len(got.ids - want.ids)
        scores["ids"].fn += len(want.ids - got.ids)
        scores["grades"].tp += min(got.grades, want.grades)
        scores["grades"].fp += max(0, got.grades - want.grades)
        scores["grades"].fn += max(0, want.grades - got.grades)
    return scores


def load_truth(texts: list[Text]) -> tuple[list[str], dict[str, Found]]:
    """Return the roster and the labelled texts; every labelled key must be a corpus text."""
    data = yaml.safe_load(TRUTH.read_text())
    keys = {text.key for text in texts}
    unknown = sorted(set(data["texts"]) - keys)
    if unknown:
        sys.exit(f"{TRUTH.name} labels texts the corpus does not have: {', '.join(unknown)}")
    truth = {
        key: Found(set(label.get("names", [])), set(label.get("ids", [])), label.get("grades", 0))
        for key, label in data["texts"].items()
    }
    return list(data["roster"]), truth
