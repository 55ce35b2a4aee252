"""The answer page in plain words: headline, office and room, checklist, reasons, remedy."""

from __future__ import annotations

from pathlib import Path

import pytest

from discretion.policy import decide
from discretion.policy.clauses import CLAUSES
from discretion.policy.conditions import CONDITION_TEXT
from discretion.policy.explaining import explain, office_line
from discretion.policy.phrases import decision_label, item_label
from discretion.policy.scenarios import Scenario, load_scenarios
from discretion.policy.vocabulary import Decision

SCENARIOS = load_scenarios(Path(__file__).parents[1] / "scenarios")


def _by_decision(decision: str) -> list[Scenario]:
    return [s for s in SCENARIOS if s.expect["decision"] == decision]


@pytest.mark.parametrize("scenario", _by_decision("refer")[:12], ids=lambda s: s.name)
def test_a_referral_names_the_office_and_its_room(scenario: Scenario) -> None:
    ruling = decide(scenario.question, scenario.profile)
    answer = explain(ruling, scenario.profile)
    assert ruling.refer_to is not None
    assert ruling.refer_to.name in answer.headline and ruling.refer_to.name in (answer.office or "")
    if ruling.refer_to.location is not None:
        assert answer.headline.endswith(f", {ruling.refer_to.location}")
    assert answer.decision_label == "→ Refer"


def test_the_graduate_dean_is_named_with_room_3_138() -> None:
    scenario = next(s for s in SCENARIOS if s.expect.get("refer_to") == "dean_graduate")
    answer = explain(decide(scenario.question, scenario.profile), scenario.profile)
    assert answer.headline == (
        "Send this request to the Office of the Dean for Graduate Education, 3-138"
    )


@pytest.mark.parametrize(
    "scenario",
    [s for s in _by_decision("permit") if s.expect.get("conditions")][:12],
    ids=lambda s: s.name,
)
def test_a_permit_lists_each_condition_as_a_checklist(scenario: Scenario) -> None:
    ruling = decide(scenario.question, scenario.profile)
    answer = explain(ruling, scenario.profile)
    assert answer.headline == "Yes, you may share this, on the conditions below"
    assert answer.conditions == tuple(CONDITION_TEXT[c] for c in ruling.conditions)
    assert answer.conditions and answer.decision_label == "✓ Permit"


@pytest.mark.parametrize("scenario", _by_decision("deny")[:12], ids=lambda s: s.name)
def test_a_denial_says_what_would_change_it(scenario: Scenario) -> None:
    ruling = decide(scenario.question, scenario.profile)
    answer = explain(ruling, scenario.profile)
    assert answer.headline == "No, not like this"
    assert answer.remedy == ruling.remedy
    if "remedy" in scenario.expect and scenario.expect["remedy"]:
        assert scenario.expect["remedy"].lower() in (answer.remedy or "").lower()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_every_reason_cites_its_clauses_with_links_for_the_law(scenario: Scenario) -> None:
    ruling = decide(scenario.question, scenario.profile)
    answer = explain(ruling, scenario.profile)
    assert [r.explanation for r in answer.reasons] == [r.explanation for r in ruling.reasons]
    for reason in answer.reasons:
        assert reason.citations
        for citation in reason.citations:
            assert citation.title == CLAUSES[citation.id].title
            assert (citation.url is not None) == citation.id.startswith("cfr.")
    assert {line.item for line in answer.items} == set(ruling.by_information)
    for line in answer.items:
        assert line.label == item_label(line.item)
        assert line.decision_label == decision_label(line.decision)
        item_ruling = ruling.by_information[line.item]
        assert (line.office is None) == (item_ruling.refer_to is None)
    assert answer.profile == scenario.profile.name


def test_an_office_without_a_room_is_named_alone() -> None:
    scenario = next(s for s in SCENARIOS if s.expect.get("refer_to") == "news_office")
    ruling = decide(scenario.question, scenario.profile)
    assert ruling.refer_to is not None and ruling.refer_to.location is None
    assert office_line(ruling.refer_to) == "News Office"
    assert explain(ruling, scenario.profile).decision is Decision.REFER
