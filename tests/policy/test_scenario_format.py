"""The scenario loader refuses malformed files and reports every mismatch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from discretion.policy import decide
from discretion.policy.errors import ScenarioError
from discretion.policy.scenarios import Scenario, load_scenarios, mismatches

GOOD: dict[str, Any] = {
    "name": "A parent asking for grades is sent to the dean",
    "cites": ["faq.parents"],
    "question": {"recipient": {"kind": "parent"}, "information": ["grades", "name"]},
    "expect": {"decision": "refer", "rules": ["parents.refer_to_dean_by_level"]},
}


def _write(tmp_path: Path, *entries: Any) -> Path:
    (tmp_path / "parents.yaml").write_text(yaml.safe_dump(list(entries)))
    return tmp_path


def _load(tmp_path: Path, **changes: Any) -> Scenario:
    (scenario,) = load_scenarios(_write(tmp_path, {**GOOD, **changes}))
    return scenario


def test_a_good_file_loads(tmp_path: Path) -> None:
    scenario = _load(tmp_path, tags=["boundary"])
    assert scenario.module == "parents" and scenario.tags == ("boundary",)
    assert scenario.profile.id == "mit" and scenario.question.information == ("grades", "name")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("just text", "parents.yaml #1: a scenario is a mapping"),
        ({**GOOD, "description": "x"}, "unknown key `description`"),
        ({k: v for k, v in GOOD.items() if k != "cites"}, "missing key `cites`"),
        ({**GOOD, "expect": {"decision": "refer"}}, "missing key `rules`"),
        ({**GOOD, "expect": {**GOOD["expect"], "why": 1}}, "unknown key `why`"),
        ({**GOOD, "cites": ["faq.nope"]}, "cites unknown clause `faq.nope`"),
        ({**GOOD, "question": {"information": ["name"]}}, "'recipient' is a required property"),
    ],
)
def test_a_malformed_scenario_is_refused(tmp_path: Path, entry: Any, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenarios(_write(tmp_path, entry))


def test_two_scenarios_may_not_share_a_name(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is used twice"):
        load_scenarios(_write(tmp_path, GOOD, GOOD))


def test_an_empty_file_holds_no_scenarios(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("")
    assert load_scenarios(tmp_path) == []


def test_a_matching_ruling_has_no_mismatch(tmp_path: Path) -> None:
    expect = {
        **GOOD["expect"],
        "conditions": [],
        "refer_to": "dean_undergraduate",
        "remedy": None,
        "by_information": {"name": "permit", "grades": {"decision": "refer"}},
    }
    scenario = _load(tmp_path, expect=expect)
    assert mismatches(scenario, decide(scenario.question, scenario.profile)) == []


def test_every_kind_of_mismatch_is_reported(tmp_path: Path) -> None:
    expect = {
        "decision": "permit",
        "rules": ["directory.unsuppressed_item"],
        "conditions": ["encrypt"],
        "refer_to": "registrar",
        "remedy": "consent",
        "by_information": {
            "name": {"decision": "deny", "rule": "x.y"},
            "ssn": "permit",
        },
    }
    scenario = _load(tmp_path, expect=expect)
    found = mismatches(scenario, decide(scenario.question, scenario.profile))
    assert [line.split(":")[0] for line in found] == [
        "decision",
        "rules",
        "conditions",
        "refer_to",
        "remedy",
        "by_information.name.decision",
        "by_information.name.rule",
        "by_information",
    ]


def test_a_remedy_phrase_must_appear_in_the_remedy(tmp_path: Path) -> None:
    question = {"recipient": {"kind": "employer"}, "information": ["grades"]}
    expect = {"decision": "deny", "rules": ["non_directory.outside_needs_written_consent"]}
    scenario = _load(tmp_path, question=question, expect={**expect, "remedy": "SIGNED AND DATED"})
    ruling = decide(scenario.question, scenario.profile)
    assert mismatches(scenario, ruling) == []
    scenario = _load(tmp_path, question=question, expect={**expect, "remedy": "a pony"})
    assert mismatches(scenario, ruling)[0].startswith("remedy: expected to contain 'a pony'")
