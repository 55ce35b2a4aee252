"""What a piece of text or a table reveals about students: ID numbers, grades, names.

Pure functions over one unit (the body, or one attachment). A digit run is an
ID only in the profile's format and with one of the profile's context words a
few words away (or in a run of IDs that began with one), so phone numbers,
dates and zip codes stay what they are. A letter grade counts only beside
someone: a name, initials or an ID on the same line (tables: ``sheets``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from discretion.policy import Profile

__all__ = ["NAME", "Evidence", "context_pattern", "sensitive_words", "text_evidence"]

_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_WORD = rf"(?:[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}]?[{_LOWER}]+)?|(?:[A-Z]\.){{1,3}})"
NAME = rf"{_WORD}(?:[ \t]+{_WORD}){{0,3}}"
_GRADE = r"(?P<grade>[A-F][+-]?)(?![\w+\-])"
_LINE = re.compile(
    rf"^[ \t]*(?:[-*•][ \t]*|\d+[.)][ \t]*)?(?P<who>{NAME}|(?:ID[ \t#:]*)?\d{{5,12}})[ \t]*"
    rf"(?:[:=\t,|]|[ \t][-–—][ \t])[ \t]*(?:grade[ \t]*:?[ \t]*)?{_GRADE}[ \t]*(?:[.,;(]|$)",
    re.MULTILINE,
)
_PROSE = re.compile(
    rf"(?P<who>{NAME})(?:['’]s)?[ \t]+(?:(?:final|overall|midterm|course|letter)[ \t]+)?"
    rf"(?:(?:grade|mark)[ \t]+(?:is|was|will[ \t]+be|of)|got|earned|received|gets)"
    rf"[ \t]+(?:an?[ \t]+)?{_GRADE}"
)
# words that stand before a grade but are not a person
_NOT_PEOPLE = frozenset([
    "grade", "grades", "subject", "section", "room", "option", "plan", "part", "question",
    "level", "type", "class", "category", "note", "item", "step", "appendix", "table",
    "figure", "exhibit", "schedule", "block", "group", "team", "lab", "building", "vitamin",
    "size", "row", "column", "track", "version", "phase", "site", "wing", "floor", "gate",
    "lot", "route", "line", "problem", "exam", "quiz", "midterm", "final", "homework",
    "project", "average", "median", "mean", "he", "she", "they", "i", "we", "you", "it",
    "everyone", "nobody", "someone", "student", "students", "answer", "scale", "rank",
    "rating", "status", "priority", "tier", "zone", "unit", "course", "term", "semester",
    "hi", "dear", "thanks", "regards", "best", "cheers", "ps", "re", "fwd", "to", "from",
    "cc", "date", "sent", "the", "this", "that", "my", "our", "your", "their", "his", "her",
    "total", "overall", "letter", "score", "mark", "result", "hepatitis",
])  # fmt: skip


@dataclass(slots=True)
class Evidence:
    """What one unit reveals. Kept in memory only; findings carry its counts, never its text."""

    ids: set[str] = field(default_factory=set)
    grades: int = 0
    students: set[str] = field(default_factory=set)  # who was named beside a grade or by ID
    in_full: int = 0  # students named in full (two words or more) beside a grade
    words: set[str] = field(default_factory=set)  # the profile's sensitive words

    def add(self, other: Evidence) -> None:
        """Fold another unit's evidence into this one."""
        self.ids |= other.ids
        self.grades += other.grades
        self.students |= other.students
        self.in_full += other.in_full
        self.words |= other.words


@cache
def _word_pattern(word: str) -> re.Pattern[str]:
    """Return the pattern of a sensitive word: an abbreviation only in capitals, whole words."""
    body = r"\s+".join(re.escape(part) for part in word.split())
    flags = 0 if word.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", flags)


def sensitive_words(text: str, words: Iterable[str]) -> list[str]:
    """Return the profile's sensitive words that ``text`` uses, in profile order."""
    return [word for word in words if _word_pattern(word).search(text)]


@cache
def context_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(
        r"\s*".join(re.escape(part) for part in word.split())
        for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?:s|#|\.)?(?![A-Za-z])", re.IGNORECASE)


def _ids(text: str, profile: Profile) -> set[str]:
    context = context_pattern(profile.id_context_words)
    found: set[str] = set()
    last_end = -1
    for match in profile.student_id_pattern.finditer(text):
        before = " ".join(text[max(0, match.start() - 80) : match.start()].split()[-5:])
        after = " ".join(text[match.end() : match.end() + 40].split()[:2])
        gap = text[last_end : match.start()] if last_end >= 0 else "x" * 99
        in_run = len(gap) <= 40 and not re.search(r"[A-Za-z]{4,}", gap)
        if in_run or context.search(before) or context.search(after):
            found.add(match.group())
            last_end = match.end()
    return found


def _who(raw: str, profile: Profile) -> str | None:
    """Return who a grade is beside, or None when the words are not a person."""
    who = raw.strip()
    if who[:1].isdigit() or who.upper().startswith("ID"):
        return who if profile.student_id_pattern.search(who) else None
    if any(part.strip(".").lower() in _NOT_PEOPLE for part in who.split()):
        return None
    return who


def text_evidence(text: str, profile: Profile) -> Evidence:
    """Return the IDs, identified grades and sensitive words of free text (any line endings)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    evidence = Evidence(ids=_ids(text, profile))
    seen: set[tuple[int, int]] = set()
    for pattern in (_LINE, _PROSE):
        for match in pattern.finditer(text):
            who = _who(match.group("who"), profile)
            if who is None or match.span("grade") in seen:
                continue
            seen.add(match.span("grade"))
            evidence.grades += 1
            evidence.students.add(who)
            evidence.in_full += len([p for p in who.split() if len(p.strip(".")) > 1]) >= 2
    evidence.students |= evidence.ids
    evidence.words = set(sensitive_words(text, profile.sensitive_subject_words))
    return evidence
