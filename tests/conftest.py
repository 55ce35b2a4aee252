"""Shared fixtures, and the counts the exhaustive tests report at the end of a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from discretion.policy.compiled import CompiledPolicy, compile_policy
from discretion.policy.profile import Profile, load_profile

SCENARIOS = Path(__file__).parent / "scenarios"

# what each exhaustive test checked: name -> (questions, evaluations)
CHECKED: dict[str, tuple[int, int]] = {}


@pytest.fixture(scope="session")
def mit() -> Profile:
    return load_profile("mit")


@pytest.fixture(scope="session")
def ferpa() -> Profile:
    return load_profile("ferpa")


@pytest.fixture(scope="session")
def compiled(mit: Profile) -> CompiledPolicy:
    return compile_policy(mit)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CHECKED:
        return
    terminalreporter.section("questions checked exhaustively")
    for name, (questions, leaves) in sorted(CHECKED.items()):
        terminalreporter.write_line(f"{name}: {questions:,} questions ({leaves:,} classes)")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="record new golden outputs (a new policy version's fingerprint) instead of checking",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
