"""Find a question that exercises a rule: a named scenario, else the simplest one.

The command line's ``discretion explain`` and the web's rule pages both show one.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from discretion.policy.compiled import example_question
from discretion.policy.profile import Profile
from discretion.policy.registry import Rule
from discretion.policy.scenarios import Scenario, load_scenarios

__all__ = ["example_for", "scenario_directory"]


def scenario_directory() -> Path:
    """Return where the scenario files are: ``$DISCRETION_SCENARIOS``, else the checkout's."""
    configured = os.environ.get("DISCRETION_SCENARIOS")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "tests" / "scenarios"


@cache
def _scenarios(directory: Path) -> tuple[Scenario, ...]:
    return tuple(load_scenarios(directory)) if directory.is_dir() else ()


def example_for(rule: Rule, profile: Profile) -> tuple[str, dict[str, Any]] | None:
    """Return a title and a question whose ruling names ``rule``, or None if none does."""
    for scenario in _scenarios(scenario_directory()):
        if scenario.profile.id == profile.id and rule.id in scenario.expect["rules"]:
            return f"scenario “{scenario.name}”", dict(scenario.raw_question)
    question = example_question(rule.id, profile)
    if question is None:
        return None
    return "the simplest question this rule decides", question
