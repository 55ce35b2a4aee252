"""The ``discretion`` command: ask, rules, explain, advise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.policy.rules import RULES

runner = CliRunner()
CONTRACT = Path(__file__).parents[1] / "contract"
RULING_SCHEMA = json.loads((CONTRACT / "ruling.schema.json").read_text())
PARENT = {
    "recipient": {"kind": "parent"},
    "information": ["grades"],
    "student": {"level": "graduate"},
}
TA = {
    "act": "share_class_list",
    "recipient": {"kind": "official", "assigned_to_subject": True},
    "information": ["name", "photo"],
    "students": "many",
}


def _invoke(*args: str, stdin: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=stdin)


def test_ask_reads_standard_input_and_prints_a_readable_answer() -> None:
    result = _invoke("ask", "-", stdin=json.dumps(PARENT))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "REFER: send this request on",
        "Refer to: Office of the Dean for Graduate Education, 3-138",
    ]
    assert "rule parents.refer_to_dean_by_level; cites faq.parents" in result.stdout


def test_ask_json_prints_exactly_the_ruling_schema(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps(TA))
    result = _invoke("ask", str(path), "--json")
    assert result.exit_code == 0, result.output
    ruling = json.loads(result.stdout)
    jsonschema.validate(ruling, RULING_SCHEMA)
    assert ruling["decision"] == "permit"
    assert ruling["conditions"] == ["no_redisclosure", "stated_purpose_only"]


def test_ask_an_array_answers_with_an_array() -> None:
    result = _invoke("ask", "-", "--json", stdin=json.dumps([PARENT, TA]))
    assert result.exit_code == 0, result.output
    assert [r["decision"] for r in json.loads(result.stdout)] == ["refer", "permit"]
    text = _invoke("ask", "-", stdin=json.dumps([PARENT, TA])).stdout
    assert text.count("REFER:") == 1 and text.count("PERMIT:") == 1


def test_ask_shows_conditions_remedy_and_items() -> None:
    question = {
        "recipient": {"kind": "employer"},
        "information": ["grades", "name"],
        "consent": {"form": "written", "specific": True},
        "channel": "email",
    }
    text = _invoke("ask", "-", stdin=json.dumps(question)).stdout
    assert "Conditions:\n  - no_redisclosure: " in text and "  - encrypt: Encrypt" in text
    assert "By item:\n  grades: permit (disclosure.outside_with_written_consent)" in text
    denied = _invoke("ask", "-", stdin=json.dumps({**question, "consent": {}})).stdout
    assert "What would make it permissible: Get the student's signed and dated" in denied
    banned = _invoke("ask", "-", stdin=json.dumps({**question, "students": "many"})).stdout
    assert "What would make it permissible: nothing; this is never allowed." in banned


def test_ask_with_another_profile() -> None:
    question = {"recipient": {"kind": "media"}, "information": ["name"]}
    assert _invoke("ask", "-", stdin=json.dumps(question)).stdout.startswith("REFER")
    result = _invoke("ask", "-", "--profile", "ferpa", stdin=json.dumps(question))
    assert result.stdout.startswith("PERMIT")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["ask", "missing.json"], None, "no such file `missing.json`"),
        (["ask", "-"], "{nope", "standard input is not JSON: Expecting property name"),
        (
            ["ask", "-"],
            '{"recipient": {"kind": "parnt"}, "information": ["name"]}',
            "invalid question at `recipient.kind`",
        ),
        (
            ["ask", "-"],
            '[{"recipient": {"kind": "self"}, "information": ["name"]}, {}]',
            "question 1: invalid question",
        ),
        (
            ["ask", "-"],
            '{"recipient": {"kind": "self"}, "information": ["grade"]}',
            "unknown information item `grade`; known: name,",
        ),
        (["ask", "-", "--profile", "nowhere"], "{}", "unknown profile `nowhere`"),
        (["explain", "no.such_rule"], None, "unknown rule `no.such_rule`"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], stdin: str | None, message: str) -> None:
    result = _invoke(*args, stdin=stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("discretion: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_rules_lists_every_rule_in_faq_order() -> None:
    lines = _invoke("rules").stdout.splitlines()
    assert [line.split()[0] for line in lines] == [r.id for r in RULES]
    rows = json.loads(_invoke("rules", "--json").stdout)
    assert rows[0] == {
        "rule": RULES[0].id,
        "effect": RULES[0].effect.value,
        "cites": list(RULES[0].cites),
    }


def test_explain_shows_the_rule_and_a_scenario_that_exercises_it() -> None:
    result = _invoke("explain", "parents.refer_to_dean_by_level")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("parents.refer_to_dean_by_level  [refer]\nPolicy point: ")
    assert "  - faq.parents: " in text and "Example: scenario “" in text
    assert "REFER: send this request on" in text


def test_explain_speaks_in_the_profile_s_words() -> None:
    for rule in ("need_to_know.official_with_need", "disclosure.outside_with_written_consent"):
        federal = _invoke("explain", rule, "--profile", "ferpa").stdout
        rule_part = federal.split("\nCites:")[0]  # the FAQ's clauses are MIT's own words
        assert "the institution" in rule_part and "Institute" not in rule_part, rule_part
        assert "Institute" in _invoke("explain", rule).stdout.split("\nCites:")[0]


def test_explain_falls_back_to_the_simplest_question(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCRETION_SCENARIOS", "/nonexistent")
    text = _invoke("explain", "media.refer_to_news_office").stdout
    assert "Example: the simplest question this rule decides" in text
    assert '"kind": "media"' in text and "Refer to: News Office" in text
    assert "Remedy:" in _invoke("explain", "directory.suppressed_item").stdout


def test_explain_says_when_no_question_reaches_a_rule() -> None:
    text = _invoke("explain", "disclosure.nothing_permits").stdout
    assert "No question decides this rule under profile `mit`." in text


def test_advise_asks_step_by_step_and_rules() -> None:
    answers = [
        "disclose",  # act
        "parent",  # recipient
        "grades, nope",  # information: an unknown name is asked again
        "grades",
        "one",  # students
        "graduate",
        "n",  # a tax dependent?
        "written",  # consent
        "y",  # specific
        "phone",
        "n",  # emergency
        "n",  # financial aid
        "y",  # another question
        "inspect_own_record",
        "self",
        "grades",
        "undergraduate",
        "web_restricted",
        "verbal",  # how the student asked
        "n",
        "n",
        "n",
        "n",  # no more questions
    ]
    result = _invoke("advise", stdin="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "There is no `nope` to choose here: choose from the list" in result.stderr
    assert "Is the student their dependent for federal income tax?" in result.stdout
    assert "Refer to: Office of the Dean for Graduate Education, 3-138" in result.stdout
    assert "own_records.verbal_request_not_enough" in result.stdout


def test_advise_asks_officials_about_their_duties() -> None:
    answers = [
        "share_class_list",
        "official",
        "name",
        "n",  # need to know
        "y",  # assigned to the subject
        "undergraduate",
        "",  # consent: the default, none
        "email",
        "",  # hidden from the directory: none
        "n",  # withheld
        "n",  # another question
    ]
    result = _invoke("advise", stdin="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "PERMIT: this may be shared" in result.stdout
    # each list of choices is shown once, as lines; the prompt repeats none of it
    lines = result.stdout.splitlines()
    assert sum(line.startswith("  share_class_list ") for line in lines) == 1
    assert sum(line.startswith("  in_person ") for line in lines) == 1
    assert "Answer [in_person]: " in result.stdout
    assert "(in_person," not in result.stdout and "[]" not in result.stdout
