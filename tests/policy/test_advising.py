"""The advisor's steps: what they ask when, the question they make, and their permalinks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discretion.policy import Profile, decide, parse_question
from discretion.policy.advising import (
    InvalidAnswersError,
    answer,
    answers_from_question,
    current,
    from_query,
    get_step,
    next_step,
    options,
    previous_step,
    question_from_answers,
    summary,
    to_query,
    validate,
)
from discretion.policy.profile import load_profile
from discretion.policy.scenarios import Scenario, load_scenarios
from discretion.policy.steps import STEP_IDS, STEPS, Answers, Kind, Option, Step, Value, recipient
from discretion.policy.vocabulary import Channel, ConsentForm

SCENARIOS = load_scenarios(Path(__file__).parents[1] / "scenarios")
MIT = load_profile("mit")

# the steps whose answers decide which later steps are asked, and the values that differ
DECISIVE: dict[str, tuple[Value, ...]] = {
    "information": (("grades",), ("name",), ("name", "grades")),
    "channel": (Channel.EMAIL.value, Channel.WEB_PUBLIC.value, Channel.WEB_RESTRICTED.value),
    "consent": (ConsentForm.NONE.value, ConsentForm.VERBAL.value, ConsentForm.EMAIL.value),
}
DECIDING = {"act", "recipient", "legal-process", "students", *DECISIVE}


def walk(profile: Profile, choose: Callable[[Step, tuple[Option, ...]], Value]) -> Answers:
    """Return the answers of one way through the steps, ``choose`` answering each."""
    answers: Answers = {}
    while (step := next_step(answers, profile)) is not None:
        answers = answer(answers, step.id, choose(step, options(step, profile, answers)))
    return answers


def every_way(profile: Profile) -> Iterator[Answers]:
    """Yield the answers of every way through the steps (other answers fixed)."""
    pending: list[Answers] = [{}]
    while pending:
        answers = pending.pop()
        step = next_step(answers, profile)
        if step is None:
            yield answers
            continue
        if step.id in DECISIVE:
            values = DECISIVE[step.id]
        elif step.id in DECIDING:
            values = tuple(option.value for option in step.options)
        elif step.kind is Kind.ITEMS:
            values = ((options(step, profile, answers)[0].value,),)
        else:
            values = (step.options[0].value,)
        pending.extend(answer(answers, step.id, value) for value in values)


WAYS = list(every_way(MIT))


def asked(answers: Answers) -> set[str]:
    return set(current(answers, MIT))


def test_every_way_through_the_steps_makes_a_valid_question() -> None:
    assert len(WAYS) > 1000
    seen: set[str] = set()
    for answers in WAYS:
        question = question_from_answers(answers, MIT)
        parse_question(question, MIT)
        assert answers_from_question(question, MIT) == answers
        seen |= asked(answers)
    assert seen == set(STEP_IDS)  # every step is asked somewhere


@pytest.mark.parametrize(
    ("step_id", "when"),
    [
        (
            "legal-process",
            lambda a: a.get("recipient") in ("law_enforcement", "court", "government_agency"),
        ),
        ("assigned", lambda a: a["act"] == "share_class_list" and a["recipient"] == "official"),
        ("need-to-know", lambda a: a.get("recipient") == "official"),
        ("notice-forbidden", lambda a: a.get("legal-process") in ("subpoena", "court_order")),
        ("specific", lambda a: a.get("consent") in ("email", "written", "signed_authorization")),
        (
            "emergency",
            lambda a: a["act"] == "disclose" and a["recipient"] not in ("public", "media", "self"),
        ),
        (
            "enrolling",
            lambda a: a.get("recipient") == "other_institution" and a["act"] == "disclose",
        ),
        ("dependent", lambda a: a.get("recipient") == "parent" and a["act"] == "disclose"),
        ("request-form", lambda a: a["act"] == "inspect_own_record" and a["recipient"] == "self"),
        (
            "consent",
            lambda a: a["act"] != "inspect_own_record" or a["recipient"] != "self",
        ),
        (
            "suppressed",
            lambda a: "name" in a["information"] and a["recipient"] != "self",
        ),
    ],
)
def test_a_step_is_asked_only_where_it_matters(
    step_id: str, when: Callable[[Answers], bool]
) -> None:
    for answers in WAYS:
        if step_id == "enrolling" and answers.get("students") == "many":
            continue  # no exception for a listing
        assert (step_id in asked(answers)) == when(answers), (step_id, dict(answers))


def test_the_steps_walk_forward_and_back() -> None:
    answers: Answers = {"act": "disclose", "recipient": "parent", "information": ("grades",)}
    step = next_step(answers, MIT)
    assert step is not None and step.id == "students"
    back = previous_step(answers, MIT, "students")
    assert back is not None and back.id == "information"
    assert previous_step(answers, MIT, "act") is None
    # changing an earlier answer drops the ones that no longer apply
    changed = answer({**answers, "need-to-know": "yes"}, "recipient", "parent")
    assert "need-to-know" not in current(changed, MIT)


def test_a_class_list_is_always_about_several_students() -> None:
    answers = walk(MIT, lambda step, offered: offered[0].value)
    assert answers["act"] == "disclose"
    class_list = walk(
        MIT,
        lambda step, offered: "share_class_list" if step.id == "act" else offered[0].value,
    )
    assert "students" not in class_list
    assert question_from_answers(class_list, MIT)["students"] == "many"


def test_incomplete_answers_make_no_question() -> None:
    with pytest.raises(InvalidAnswersError, match="`recipient` is not answered"):
        question_from_answers({"act": "disclose"}, MIT)


def test_validate_says_what_to_do_in_plain_words() -> None:
    recipient = get_step("recipient")
    assert validate(recipient, [], MIT) == (None, "Choose who would receive the information")
    assert validate(recipient, ["nobody"], MIT) == (
        None,
        "Choose who would receive the information",
    )
    assert validate(recipient, ["parent"], MIT) == ("parent", None)
    assert validate(get_step("emergency"), ["Y"], MIT) == ("yes", None)
    information = get_step("information")
    assert validate(information, [], MIT) == (None, "Choose at least one item of information")
    assert validate(information, ["grades, nope"], MIT) == (
        None,
        "There is no `nope` to choose here: choose from the list",
    )
    assert validate(information, ["grades", "name,grades"], MIT) == (("grades", "name"), None)
    suppressed = get_step("suppressed")
    asked: Answers = {"information": ("grades", "name")}
    assert validate(suppressed, [], MIT, asked) == ((), None)
    assert validate(suppressed, ["grades"], MIT, asked)[0] is None  # not a directory item
    for step in STEPS:
        assert step.error and step.error[0].isupper() and "_" not in step.error


def test_the_check_page_summarises_in_plain_words() -> None:
    answers = WAYS[0]
    lines = summary(answers, MIT)
    assert [step_id for step_id, _, _ in lines] == list(current(answers, MIT))
    for step_id, question, words in lines:
        assert question == get_step(step_id).question
        assert words and "_" not in words


def test_the_choices_speak_in_the_profile_s_words() -> None:
    federal, step = load_profile("ferpa"), get_step("recipient")
    mit_words = [option.phrase for option in options(step, MIT)]
    words = [option.phrase for option in options(step, federal)]
    assert any("the Institute" in phrase for phrase in mit_words)
    assert not any("Institute" in phrase for phrase in words)
    assert "Someone else inside the institution (another student, a colleague)" in words
    answers = {"act": "disclose", "recipient": "community"}
    shown = dict((step_id, said) for step_id, _, said in summary(answers, federal))
    assert (
        shown["recipient"] == "Someone else inside the institution (another student, a colleague)"
    )


def _random_way(data: st.DataObject, profile: Profile) -> Answers:
    def choose(step: Step, offered: tuple[Option, ...]) -> Value:
        values = [option.value for option in offered]
        if step.kind is Kind.ITEMS:
            chosen = data.draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
            return tuple(chosen) if step.required else tuple(chosen[1:])
        return data.draw(st.sampled_from(values))

    return walk(profile, choose)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(["mit", "ferpa"]))
def test_a_permalink_gives_back_the_answers(data: st.DataObject, name: str) -> None:
    profile = load_profile(name)
    answers = _random_way(data, profile)
    query = to_query(answers, profile)
    assert from_query(query, profile) == answers
    assert to_query(from_query(query, profile), profile) == query
    question = question_from_answers(answers, profile)
    parse_question(question, profile)
    assert answers_from_question(question, profile) == answers


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("act=disclose&whom=parent", "unknown question `whom`"),
        ("act=disclose&act=reference", "answers `act` twice"),
        ("act=destroy", "answers `act` with `destroy`; choose from: disclose, "),
        ("act=disclose&information=grades,gossip", "answers `information` with `grades,gossip`"),
        ("act=" + "x" * 3000, "longer than 2000 characters"),
    ],
)
def test_a_permalink_refuses_what_it_does_not_know(query: str, message: str) -> None:
    with pytest.raises(InvalidAnswersError, match=message):
        from_query(query, MIT)


def _as_the_advisor_asks(question: dict[str, Any]) -> dict[str, Any]:
    """Return the question as the advisor's words lead a person to state it.

    Whoever serves a subpoena or court order is the court ("A court, or
    whoever served a subpoena or court order").
    """
    recipient = dict(question["recipient"])
    question = {**question, "recipient": recipient}
    if recipient.get("legal_process") in ("subpoena", "court_order"):
        recipient["kind"] = "court"
    return question


# facts the advisor does not ask about: a scenario that states them is answered otherwise
_UNASKED = ("relations", "items", "web_posting_items", "status")


def _asks_only_what_the_advisor_asks(scenario: Scenario) -> bool:
    text = repr(scenario.raw_question)
    return not any(f"'{key}'" in text for key in _UNASKED)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_the_advisor_skips_nothing_that_changes_a_scenario(scenario: Scenario) -> None:
    profile = scenario.profile
    stated = _as_the_advisor_asks(dict(scenario.raw_question))
    answers = answers_from_question(stated, profile)
    question = parse_question(question_from_answers(answers, profile), profile)
    if not _asks_only_what_the_advisor_asks(scenario):
        return
    ruling = decide(question, profile)
    assert ruling.decision.value == scenario.expect["decision"]
    if stated == scenario.raw_question:
        assert sorted(ruling.rules) == sorted(scenario.expect["rules"])


def test_an_unknown_question_and_an_unanswered_recipient_are_said_so() -> None:
    with pytest.raises(InvalidAnswersError, match="no question `shoe-size`"):
        get_step("shoe-size")
    assert recipient({}) is None and recipient({"recipient": "parent"}) == "parent"
