"""Every scenario file: the ruling agrees with what the scenario expects."""

from __future__ import annotations

import pytest

from discretion.policy import decide
from discretion.policy.scenarios import Scenario, load_scenarios, mismatches
from tests.conftest import SCENARIOS

ALL = load_scenarios(SCENARIOS)


def test_scenarios_number_at_least_150() -> None:
    assert len(ALL) >= 150, len(ALL)


@pytest.mark.parametrize("scenario", ALL, ids=[s.name for s in ALL])
def test_scenario(scenario: Scenario) -> None:
    ruling = decide(scenario.question, scenario.profile)
    problems = mismatches(scenario, ruling)
    reasons = "; ".join(f"{r.rule}: {r.explanation}" for r in ruling.reasons)
    assert not problems, f"{scenario.file}: {scenario.name}\n  " + "\n  ".join(
        [*problems, f"reasons: {reasons}"]
    )
