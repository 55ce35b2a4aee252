"""Errors raised by the policy core.

    DiscretionError
    ├── MalformedJsonError            a text that is not one JSON value we take (jsontext)
    ├── InvalidQuestionError          a question that does not fit the schema
    │   └── UnknownInformationError   an item, relation or suppression the profile does not know
    ├── ProfileError                  an institution profile that is malformed
    ├── RuleDefinitionError           a rule registered with a bad id, citation or docstring
    └── ScenarioError                 a scenario file that does not follow its format

Messages are one line, quote user input in backticks and say how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "DiscretionError",
    "InvalidQuestionError",
    "MalformedJsonError",
    "ProfileError",
    "RuleDefinitionError",
    "ScenarioError",
    "UnknownInformationError",
]


class DiscretionError(Exception):
    """The base of every error Discretion raises on purpose."""


class MalformedJsonError(DiscretionError):
    """A text that is not one JSON value we take: not UTF-8, not JSON, too large or too deep."""


class InvalidQuestionError(DiscretionError):
    """A question that does not fit the question schema."""


class UnknownInformationError(InvalidQuestionError):
    """A name the institution profile does not know."""

    def __init__(self, what: str, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(known)
        super().__init__(f"unknown {what} `{_shown(name)}`; known: {', '.join(self.known)}")


def _shown(name: str, limit: int = 60) -> str:
    """Return a name as a one-line message can quote it: escaped if unprintable, and short."""
    text = name if name.isprintable() else repr(name)[1:-1]
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ProfileError(DiscretionError):
    """An institution profile that is malformed."""


class RuleDefinitionError(DiscretionError):
    """A rule registered with a bad id, citation or docstring."""


class ScenarioError(DiscretionError):
    """A scenario file that does not follow its format."""
