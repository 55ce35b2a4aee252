"""Scenario files: the policy's specification as data (``tests/scenarios/*.yaml``).

``load_scenarios`` reads and checks them; ``mismatches`` compares a ruling
with a scenario's expectations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from discretion.policy.clauses import CLAUSES
from discretion.policy.errors import DiscretionError, ScenarioError
from discretion.policy.profile import Profile, load_profile
from discretion.policy.question import Question, parse_question
from discretion.policy.ruling import Ruling

__all__ = ["Scenario", "load_scenarios", "mismatches"]

_KEYS = {"name", "cites", "question", "expect", "tags", "profile"}
_EXPECT = {"decision", "rules", "conditions", "refer_to", "remedy", "by_information"}


@dataclass(frozen=True)
class Scenario:
    """One situation with its expected ruling."""

    name: str
    file: str
    cites: tuple[str, ...]
    question: Question
    raw_question: Mapping[str, Any]
    expect: Mapping[str, Any]
    profile: Profile
    tags: tuple[str, ...] = field(default=())

    @property
    def module(self) -> str:
        """Return the rules module the scenario's file is named for."""
        return Path(self.file).stem


def _check_keys(where: str, given: Iterable[str], allowed: set[str], required: set[str]) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key `{unknown[0]}`; allowed: {sorted(allowed)}")
    missing = sorted(required - set(given))
    if missing:
        raise ScenarioError(f"{where}: missing key `{missing[0]}`")


def _scenario(entry: Any, file: Path, position: int) -> Scenario:
    where = f"{file.name} #{position}"
    if not isinstance(entry, dict):
        raise ScenarioError(f"{where}: a scenario is a mapping")
    _check_keys(where, entry, _KEYS, {"name", "cites", "question", "expect"})
    where = f"{file.name}: {entry['name']}"
    _check_keys(where, entry["expect"], _EXPECT, {"decision", "rules"})
    for clause in entry["cites"]:
        if clause not in CLAUSES:
            raise ScenarioError(f"{where}: cites unknown clause `{clause}`")
    profile = load_profile(entry.get("profile", "mit"))
    try:
        question = parse_question(entry["question"], profile)
    except DiscretionError as error:
        raise ScenarioError(f"{where}: {error}") from None
    return Scenario(
        name=entry["name"],
        file=file.name,
        cites=tuple(entry["cites"]),
        question=question,
        raw_question=entry["question"],
        expect=entry["expect"],
        profile=profile,
        tags=tuple(entry.get("tags", ())),
    )


def load_scenarios(directory: Path) -> list[Scenario]:
    """Load every ``*.yaml`` scenario file in ``directory``, in file order.

    Raises:
        ScenarioError: a file breaks the format, or two scenarios share a name.
    """
    scenarios: list[Scenario] = []
    for file in sorted(directory.glob("*.yaml")):
        entries = yaml.safe_load(file.read_text(encoding="utf-8")) or []
        scenarios.extend(_scenario(e, file, i) for i, e in enumerate(entries, 1))
    names = [s.name for s in scenarios]
    for name in names:
        if names.count(name) > 1:
            raise ScenarioError(f"scenario name `{name}` is used twice")
    return scenarios


def mismatches(scenario: Scenario, ruling: Ruling) -> list[str]:
    """Return how ``ruling`` differs from what the scenario expects (empty if it agrees)."""
    expect, found = scenario.expect, []

    def differs(what: str, wanted: Any, got: Any) -> None:
        if wanted != got:
            found.append(f"{what}: expected {wanted!r}, got {got!r}")

    differs("decision", expect["decision"], ruling.decision.value)
    differs("rules", sorted(expect["rules"]), sorted(ruling.rules))
    if "conditions" in expect:
        differs("conditions", sorted(expect["conditions"]), sorted(ruling.conditions))
    if "refer_to" in expect:
        differs("refer_to", expect["refer_to"], ruling.refer_to and ruling.refer_to.id)
    if "remedy" in expect:
        wanted = expect["remedy"]
        if wanted is None or ruling.remedy is None:
            differs("remedy", wanted, ruling.remedy)
        elif wanted.lower() not in ruling.remedy.lower():
            found.append(f"remedy: expected to contain {wanted!r}, got {ruling.remedy!r}")
    for item, wanted in expect.get("by_information", {}).items():
        got = ruling.by_information.get(item)
        if got is None:
            found.append(f"by_information: no ruling for `{item}`")
            continue
        if isinstance(wanted, str):
            wanted = {"decision": wanted}
        differs(f"by_information.{item}.decision", wanted["decision"], got.decision.value)
        if "rule" in wanted:
            differs(f"by_information.{item}.rule", wanted["rule"], got.rule)
    return found
