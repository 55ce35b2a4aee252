"""The registry checks itself, and rules, clauses and scenarios cover each other."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from discretion.policy.clauses import CLAUSES
from discretion.policy.errors import RuleDefinitionError
from discretion.policy.facts import Facts
from discretion.policy.profile import Profile
from discretion.policy.registry import APPLIES, REGISTRY, Applies, Effect, rule
from discretion.policy.rules import DEFAULT, MODULES, RULES
from tests.test_scenarios import ALL

FAQ = sorted(c for c in CLAUSES if c.startswith("faq."))
# the clause each exception of the law rests on: the first its rules cite
EXCEPTIONS = sorted({r.cites[0] for r in RULES if r.module == "exceptions"})


def test_every_rule_decides_some_scenario() -> None:
    exercised = {r for s in ALL for r in s.expect["rules"]}
    # the default deny is reached by no question (test_decide proves both)
    missing = [r.id for r in RULES if r.id not in exercised and r is not DEFAULT]
    assert not missing, f"rules no scenario exercises: {missing}"


def test_every_scenario_names_only_known_rules() -> None:
    unknown = {r for s in ALL for r in s.expect["rules"]} - set(REGISTRY)
    assert not unknown, unknown


def test_every_clause_is_cited_by_a_rule() -> None:
    cited = {c for r in RULES for c in r.cites}
    assert set(CLAUSES) - cited == set()


def test_every_scenario_cites_a_clause() -> None:
    assert all(s.cites for s in ALL)


def test_scenarios_live_in_the_file_of_a_deciding_rule() -> None:
    misplaced = [
        s.name for s in ALL if s.module not in {r.split(".")[0] for r in s.expect["rules"]}
    ]
    assert not misplaced, misplaced


def test_scenario_files_mirror_rules_modules() -> None:
    assert {s.module for s in ALL} == set(MODULES)


@pytest.mark.parametrize("clause", FAQ + EXCEPTIONS)
def test_every_faq_question_has_a_permit_and_a_deny_or_refer(clause: str) -> None:
    decisions = {s.expect["decision"] for s in ALL if clause in s.cites}
    assert "permit" in decisions, clause
    assert decisions & {"deny", "refer"}, clause


def _flat(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _flat(value, f"{prefix}{key}.")
    else:
        yield prefix.rstrip("."), tuple(data) if isinstance(data, list) else data


@pytest.mark.parametrize("clause", FAQ + EXCEPTIONS)
def test_every_faq_question_has_a_boundary_pair(clause: str) -> None:
    """Two scenarios that differ in one fact and in their decision."""
    cases = [(dict(_flat(s.raw_question)), s.expect["decision"]) for s in ALL if clause in s.cites]
    pairs = [
        (a, b)
        for i, (a, da) in enumerate(cases)
        for b, db in cases[i + 1 :]
        if da != db and len({k for k in a | b if a.get(k) != b.get(k)}) == 1
    ]
    assert pairs, f"{clause}: no two scenarios differ in one fact and in their decision"


def test_rules_are_in_faq_order() -> None:
    assert [MODULES.index(r.module) for r in RULES] == sorted(
        MODULES.index(r.module) for r in RULES
    )


@pytest.mark.parametrize("module", MODULES)
def test_rules_modules_state_their_faq_question_or_clause(module: str) -> None:
    """A module follows a question of the FAQ, or (for what the FAQ leaves out) the law."""
    first = (importlib.import_module(f"discretion.policy.rules.{module}").__doc__ or "").split(
        "\n"
    )[0]
    assert "(faq." in first or "(cfr." in first, first


def _noop(facts: Facts, profile: Profile) -> Applies | None:
    """Apply always."""
    return APPLIES


def _undocumented(facts: Facts, profile: Profile) -> Applies | None:
    return None


@pytest.mark.parametrize(
    ("rule_id", "kwargs", "check", "message"),
    [
        ("other.thing", {}, _noop, "must read `test_registry.<what>`"),
        ("test_registry.Bad-Id", {}, _noop, "must read"),
        ("test_registry.no_cites", {"cites": ()}, _noop, "cites nothing"),
        ("test_registry.bad_cite", {"cites": ("faq.nope",)}, _noop, "unknown clause `faq.nope`"),
        ("test_registry.no_doc", {}, _undocumented, "has no docstring"),
        (
            "test_registry.permit_remedy",
            {"effect": Effect.PERMIT, "remedy": "x"},
            _noop,
            "has no remedy",
        ),
        ("disclosure.nothing_permits", {}, _noop, "must read"),
    ],
)
def test_registry_rejects_bad_rules(
    rule_id: str, kwargs: dict[str, Any], check: Any, message: str
) -> None:
    options: dict[str, Any] = {
        "cites": ("faq.disclosure",),
        "effect": Effect.DENY,
        "explanation": "x",
    } | kwargs
    with pytest.raises(RuleDefinitionError, match=message):
        rule(rule_id, **options)(check)


def test_registry_rejects_a_duplicate_id() -> None:
    options: dict[str, Any] = {"cites": ("faq.disclosure",), "effect": Effect.DENY}
    registered = rule("test_registry.once", explanation="x", **options)(_noop)
    try:
        assert registered.module == "test_registry"
        assert registered.check is _noop
        with pytest.raises(RuleDefinitionError, match="registered twice"):
            rule("test_registry.once", explanation="x", **options)(_noop)
    finally:
        del REGISTRY["test_registry.once"]
