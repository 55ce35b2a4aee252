"""Institution profiles: the data that differs between institutions.

A profile is a TOML file (see ``profiles/mit.toml``). Rules read it; they hold
no institution's literals themselves.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from discretion.policy.clauses import CLAUSES
from discretion.policy.errors import ProfileError, UnknownInformationError
from discretion.policy.vocabulary import Level

__all__ = ["BUILTIN_PROFILES", "WARN_ACTIONS", "ItemTraits", "Office", "Profile", "load_profile"]

BUILTIN_PROFILES = ("mit", "ferpa")
# what the SMTP guard may do with a message that draws a warning
WARN_ACTIONS = ("header", "reject")


# how the rules' texts name the institution (they follow MIT's FAQ), and each phrase that
# does, most specific first, with its rewording for another institution ({} is its name)
MIT_INSTITUTION = "the Institute"
_INSTITUTE_PHRASES = (
    (re.compile(r"\ban Institute official\b"), "an official of {}"),
    (re.compile(r"\bInstitute official\b"), "official of {}"),
    (re.compile(r"\ba protected Institute system\b"), "a protected system of {}"),
    (re.compile(r"\bthe Institute community\b"), "{}'s community"),
    (re.compile(r"\bthe Institute\b"), "{}"),
)
_STARTING = re.compile(r"\bThe Institute\b")  # at the start of a sentence


@cache
def _reworded(text: str, institution: str) -> str:
    for pattern, wording in _INSTITUTE_PHRASES:
        text = pattern.sub(wording.format(institution).replace("\\", "\\\\"), text)
    return _STARTING.sub(lambda _: institution[:1].upper() + institution[1:], text)


@dataclass(frozen=True, slots=True, order=True)
class ItemTraits:
    """What the rules may know about an information item: never its name."""

    directory: bool
    legitimate_need_only: bool = False
    verified_by_registrar: bool = False
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class Office:
    """An office that requests are referred to."""

    id: str
    name: str
    location: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """Return the ``refer_to`` object of the ruling schema."""
        return {"office": self.id, "name": self.name, "location": self.location}


@dataclass(frozen=True, eq=False)
class Profile:
    """One institution's facts. Compared and hashed by identity."""

    id: str
    name: str
    items: Mapping[str, ItemTraits]
    shown_by_default: frozenset[str]
    offices: Mapping[str, Office]
    referrals: Mapping[str, str]
    need_to_know: Mapping[str, frozenset[str]]
    sensitive_subject_words: tuple[str, ...]
    record_consented_releases: bool
    cites: Mapping[str, tuple[str, ...]]
    inspection_days: int = 45  # days to let a student inspect their records after asking
    inspection_copy_days: int = 30  # days a released copy of those records is kept
    # [email]: how the email checker recognises IDs and batches, and what a warning does
    student_id_pattern: re.Pattern[str] = re.compile(r"\b\d{7,10}\b")
    id_context_words: tuple[str, ...] = ("ID",)
    batch_threshold: int = 3
    warn_action: str = "header"
    # how the profile's texts name the institution: "the Institute" (MIT), "the institution"
    institution: str = "the institution"

    def worded(self, text: str) -> str:
        """Return a rule's text in this profile's words for its institution.

        The rules are written in MIT's words ("the Institute", "an Institute
        official"); a profile whose ``institution`` differs (the federal
        baseline: "the institution") gets them with its own.
        """
        return text if self.institution == MIT_INSTITUTION else _reworded(text, self.institution)

    @cached_property  # a profile never changes; parse_question asks for every question
    def directory_items(self) -> tuple[str, ...]:
        """Return the directory items in profile order."""
        return tuple(name for name, traits in self.items.items() if traits.directory)

    @property
    def non_directory_items(self) -> tuple[str, ...]:
        """Return the non-directory items in profile order."""
        return tuple(name for name, traits in self.items.items() if not traits.directory)

    def traits(self, item: str) -> ItemTraits:
        """Return the traits of ``item``.

        Raises:
            UnknownInformationError: the profile does not know the item.
        """
        try:
            return self.items[item]
        except KeyError:
            raise UnknownInformationError("information item", item, self.items) from None

    def referral(self, role: str, level: Level | None = None) -> Office | None:
        """Return the office for a kind of request, or None if the profile has none.

        Args:
            role: ``degree_verification``, ``parents``, ``legal_process``, ...
            level: the student's level, for roles answered by level.
        """
        key = role if level is None else f"{role}_{level.value}"
        office = self.referrals.get(key)
        return None if office is None else self.offices[office]

    def covers(self, relations: Iterable[str], item: str) -> bool:
        """Return whether any of ``relations`` needs ``item`` for its duties."""
        return any(item in self.need_to_know.get(relation, ()) for relation in relations)


def load_profile(name_or_path: str | Path = "mit") -> Profile:
    """Load a built-in profile by name, or a profile file by path.

    Raises:
        ProfileError: the name is unknown, or the file is malformed.
    """
    if isinstance(name_or_path, str) and name_or_path in BUILTIN_PROFILES:
        return _builtin(name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise ProfileError(
            f"unknown profile `{name_or_path}`; use one of {', '.join(BUILTIN_PROFILES)}"
            " or the path of a profile file"
        )
    return _parse(path.read_text(encoding="utf-8"), str(path))


@cache
def _builtin(name: str) -> Profile:
    text = resources.files("discretion.policy").joinpath("profiles", f"{name}.toml").read_text()
    return _parse(text, f"{name}.toml")


def _parse(text: str, origin: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{origin}: not valid TOML: {error}") from None
    try:
        return _build(data, origin)
    except KeyError as error:
        raise ProfileError(f"{origin}: missing key {error}; see profiles/mit.toml") from None


def _strings(table: Mapping[str, Any], key: str, origin: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{origin}: `{key}` must be a list of strings")
    if len(set(value)) != len(value):
        raise ProfileError(f"{origin}: `{key}` lists an item twice")
    return value


def _subset(names: Iterable[str], known: Iterable[str], what: str, origin: str) -> None:
    known = list(known)
    for name in names:
        if name not in known:
            raise ProfileError(f"{origin}: {what} names unknown item `{name}`")


def _build(data: Mapping[str, Any], origin: str) -> Profile:
    directory, non_directory = data["directory"], data["non_directory"]
    directory_items = _strings(directory, "items", origin)
    non_directory_items = _strings(non_directory, "items", origin)
    both = set(directory_items) & set(non_directory_items)
    if both:
        raise ProfileError(f"{origin}: `{sorted(both)[0]}` is both directory and non-directory")
    special = {
        key: set(_strings(directory, key, origin))
        for key in ("shown_by_default", "legitimate_need_only", "verified_by_registrar")
    }
    for key, names in special.items():
        _subset(names, directory_items, f"directory.{key}", origin)
    sensitive = set(_strings(non_directory, "sensitive", origin))
    _subset(sensitive, non_directory_items, "non_directory.sensitive", origin)
    items = {
        name: ItemTraits(
            directory=True,
            legitimate_need_only=name in special["legitimate_need_only"],
            verified_by_registrar=name in special["verified_by_registrar"],
        )
        for name in directory_items
    }
    items |= {
        name: ItemTraits(directory=False, sensitive=name in sensitive)
        for name in non_directory_items
    }
    offices = {
        office_id: Office(office_id, str(entry["name"]), entry.get("location"))
        for office_id, entry in data.get("offices", {}).items()
    }
    referrals = {k: v for k, v in data["referrals"].items() if k != "cites"}
    for role, office_id in referrals.items():
        if office_id not in offices:
            raise ProfileError(f"{origin}: referral `{role}` names unknown office `{office_id}`")
    matrix = {k: v for k, v in data["need_to_know"].items() if k != "cites"}
    need_to_know = {}
    for relation in matrix:
        needed = _strings(matrix, relation, origin)
        _subset(needed, items, f"need_to_know.{relation}", origin)
        need_to_know[relation] = frozenset(needed)
    cites = {}
    for section in (
        "directory",
        "non_directory",
        "referrals",
        "need_to_know",
        "email",
        "record_keeping",
    ):
        section_cites = tuple(_strings(data[section], "cites", origin))
        for clause in section_cites:
            if clause not in CLAUSES:
                raise ProfileError(f"{origin}: {section}.cites names unknown clause `{clause}`")
        cites[section] = section_cites
    return Profile(
        id=str(data["id"]),
        name=str(data["name"]),
        items=items,
        shown_by_default=frozenset(special["shown_by_default"]),
        offices=offices,
        referrals=referrals,
        need_to_know=need_to_know,
        sensitive_subject_words=tuple(_strings(data["email"], "sensitive_subject_words", origin)),
        record_consented_releases=bool(data["record_keeping"]["record_consented_releases"]),
        cites=cites,
        inspection_days=_days(data["record_keeping"], "inspection_days", origin),
        inspection_copy_days=_days(data["record_keeping"], "inspection_copy_days", origin),
        institution=_institution(data, origin),
        **_email(data["email"], origin),
    )


def _institution(data: Mapping[str, Any], origin: str) -> str:
    """Return how the profile names its institution in texts (``the institution`` unless set)."""
    value = data.get("institution", "the institution")
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        raise ProfileError(f'{origin}: `institution` must be one line, e.g. "the institution"')
    return value.strip()


def _email(table: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """Return the checker's facts of the `[email]` table, each checked."""
    pattern = table["student_id_pattern"]
    if not isinstance(pattern, str) or not pattern:
        raise ProfileError(f"{origin}: `email.student_id_pattern` must be a regular expression")
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ProfileError(
            f"{origin}: `email.student_id_pattern` is not a valid regular expression: {error}"
        ) from None
    if compiled.search("") is not None:
        raise ProfileError(f"{origin}: `email.student_id_pattern` must not match empty text")
    words = _strings(table, "id_context_words", origin)
    if not words or not all(word.strip() for word in words):
        raise ProfileError(f"{origin}: `email.id_context_words` must name at least one word")
    threshold = table["batch_threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
        raise ProfileError(f"{origin}: `email.batch_threshold` must be a whole number, 2 or more")
    action = table["warn_action"]
    if action not in WARN_ACTIONS:
        raise ProfileError(
            f"{origin}: unknown `email.warn_action` `{action}`; known: {', '.join(WARN_ACTIONS)}"
        )
    return {
        "student_id_pattern": compiled,
        "id_context_words": tuple(words),
        "batch_threshold": threshold,
        "warn_action": action,
    }


def _days(table: Mapping[str, Any], key: str, origin: str) -> int:
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProfileError(
            f"{origin}: `record_keeping.{key}` must be a whole number of days, 1 or more"
        )
    return value
