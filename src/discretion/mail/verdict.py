"""What the email checker says about a message: a level, and findings that say why.

A finding names its rule (``mail.*``), the FAQ clauses it rests on, what is
wrong in one line, and how to fix it; never the message's text beyond the
offending subject words. The verdict's level is its worst finding's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["EXIT_CODES", "Finding", "Level", "MailError", "Verdict"]


class Level(StrEnum):
    """How a message may leave: as it is, with changes advised, or not at all."""

    PASS = "pass"
    WARN = "warn"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        """Return 0, 1 or 2: the order of severity."""
        return (Level.PASS, Level.WARN, Level.BLOCK).index(self)


# the exit status of `discretion email-check` for each level
EXIT_CODES = {Level.PASS: 0, Level.WARN: 3, Level.BLOCK: 4}


class MailError(ValueError):
    """The input is not an email message the checker can read (the documented error)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the checker found, with its rule, citations and fix."""

    rule: str
    level: Level
    message: str
    fix: str | None = None
    cites: tuple[str, ...] = ("faq.email",)
    where: str | None = None  # "subject", "body", "attachment grades.csv", ...

    def to_json(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data."""
        return {"rule": self.rule, "level": self.level.value, "message": self.message,
                "fix": self.fix, "cites": list(self.cites), "where": self.where}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Verdict:
    """The checker's answer: the worst level among the findings (pass when none)."""

    findings: tuple[Finding, ...] = ()
    students: int = 0  # how many students the message was found to be about
    encrypted: bool = False
    level: Level = field(init=False)

    def __post_init__(self) -> None:
        worst = max((f.level for f in self.findings), key=lambda lv: lv.rank, default=Level.PASS)
        object.__setattr__(self, "level", worst)

    @property
    def exit_code(self) -> int:
        """Return the exit status `discretion email-check` gives this verdict."""
        return EXIT_CODES[self.level]

    def to_json(self) -> dict[str, Any]:
        """Return the verdict as JSON-ready data."""
        return {"verdict": self.level.value, "students": self.students,
                "encrypted": self.encrypted,
                "findings": [f.to_json() for f in self.findings]}  # fmt: skip
