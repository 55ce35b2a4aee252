"""A change in what the policy decides must come with a new policy version.

``tests/golden/policy_fingerprints.json`` records, for each released
version, the fingerprint of every profile's rulings. When the rulings drift,
bump ``POLICY_VERSION``, add a CHANGELOG entry, and run
``pytest tests/test_policy_version.py --update-golden`` to record the new one.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from discretion.policy.compiled import Space, compile_policy, explore, fingerprint, leaves
from discretion.policy.facts import Facts
from discretion.policy.profile import BUILTIN_PROFILES, Profile, load_profile
from discretion.policy.registry import APPLIES, Applies, Effect, Rule
from discretion.policy.rules import BY_EFFECT
from discretion.policy.version import POLICY_VERSION
from discretion.policy.vocabulary import Act, Condition, RecipientKind

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


def _swapped_class_list_rules() -> dict[Effect, tuple[Rule, ...]]:
    """The registered rules, but the class-list rules read their two facts the other way round."""

    def assigned_staff(facts: Facts) -> bool:
        return facts.assigned_to_subject and facts.recipient is RecipientKind.OFFICIAL

    def not_assigned(facts: Facts, profile: Profile) -> Applies | None:
        if facts.act is not Act.SHARE_CLASS_LIST:
            return None
        return None if assigned_staff(facts) else APPLIES

    def assigned_staff_only(facts: Facts, profile: Profile) -> Applies | None:
        if facts.act is not Act.SHARE_CLASS_LIST:
            return None
        conditions = (Condition.NO_REDISCLOSURE, Condition.STATED_PURPOSE_ONLY)
        return Applies(conditions) if assigned_staff(facts) else None

    checks = {
        "class_lists.not_assigned": not_assigned,
        "class_lists.assigned_staff_only": assigned_staff_only,
    }
    return {
        effect: tuple(replace(r, check=checks.get(r.id, r.check)) for r in group)
        for effect, group in BY_EFFECT.items()
    }


def test_the_fingerprint_follows_behaviour_not_the_order_facts_are_read(mit: Profile) -> None:
    swapped = _swapped_class_list_rules()
    plain_tree, swapped_tree = compile_policy(mit).tree, explore(Space(mit, swapped))
    # the trees differ in shape (the swap reads `assigned_to_subject` first) ...
    assert sum(1 for _ in leaves(plain_tree)) != sum(1 for _ in leaves(swapped_tree))
    # ... but rule every question alike, so the fingerprint is the same
    assert fingerprint(mit, swapped) == fingerprint(mit)


def test_the_fingerprint_changes_when_a_ruling_does(mit: Profile) -> None:
    def never(facts: Facts, profile: Profile) -> Applies | None:
        return None

    changed = {
        effect: tuple(
            replace(r, check=never) if r.id == "media.refer_to_news_office" else r for r in group
        )
        for effect, group in BY_EFFECT.items()
    }
    assert fingerprint(mit, changed) != fingerprint(mit)
