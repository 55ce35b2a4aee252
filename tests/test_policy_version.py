"""A change in what the policy decides must come with a new policy version.

``tests/golden/policy_fingerprints.json`` records, for each released
version, the fingerprint of every profile's rulings. When the rulings drift,
bump ``POLICY_VERSION``, add a CHANGELOG entry, and run
``pytest tests/test_policy_version.py --update-golden`` to record the new one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from discretion.policy.compiled import fingerprint
from discretion.policy.profile import BUILTIN_PROFILES, load_profile
from discretion.policy.version import POLICY_VERSION

GOLDEN = Path(__file__).parent / "golden" / "policy_fingerprints.json"
CHANGELOG = Path(__file__).parents[1] / "CHANGELOG.md"


def test_policy_version_is_semantic() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", POLICY_VERSION)


def test_the_changelog_describes_this_version() -> None:
    text = CHANGELOG.read_text()
    entry = text.split(f"## Policy {POLICY_VERSION}", 1)
    assert len(entry) == 2, f"CHANGELOG.md has no `## Policy {POLICY_VERSION}` entry"
    body = entry[1].split("\n## ", 1)[0]
    for heading in ("Impacted rules", "Cites", "Details"):
        assert heading in body, f"the {POLICY_VERSION} entry lacks `{heading}`"


def test_rulings_changed_only_with_a_new_version(update_golden: bool) -> None:
    recorded: dict[str, dict[str, str]] = json.loads(GOLDEN.read_text())
    current = {name: fingerprint(load_profile(name)) for name in BUILTIN_PROFILES}
    if POLICY_VERSION not in recorded and update_golden:
        recorded[POLICY_VERSION] = current
        GOLDEN.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    if POLICY_VERSION not in recorded:
        pytest.fail(
            f"policy version {POLICY_VERSION} has no recorded fingerprint; "
            "run pytest tests/test_policy_version.py --update-golden"
        )
    assert recorded[POLICY_VERSION] == current, (
        f"the rulings differ from those of policy {POLICY_VERSION}: bump POLICY_VERSION "
        "(discretion/policy/version.py), add a CHANGELOG entry, then run "
        "pytest tests/test_policy_version.py --update-golden"
    )
