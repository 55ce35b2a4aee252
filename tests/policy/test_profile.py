"""Institution profiles: loading, checking, and changing rulings without code."""

from __future__ import annotations

from pathlib import Path

import pytest

from discretion.policy import decide, parse_question
from discretion.policy.errors import ProfileError, UnknownInformationError
from discretion.policy.profile import Profile, load_profile
from discretion.policy.vocabulary import Decision, Level

MIT_TOML = (
    Path(__file__).parents[2] / "src" / "discretion" / "policy" / "profiles" / "mit.toml"
).read_text()


def test_mit_profile_holds_the_facts_of_the_faq(mit: Profile) -> None:
    assert mit.directory_items[:2] == ("name", "email")
    assert "photo" in mit.non_directory_items and "date_of_birth" in mit.directory_items
    assert mit.shown_by_default == {
        "name",
        "course",
        "email",
        "year",
        "office_address",
        "office_phone",
    }
    assert mit.traits("date_of_birth").legitimate_need_only
    assert mit.traits("degrees").verified_by_registrar
    assert mit.traits("grades").sensitive and not mit.traits("photo").sensitive
    registrar = mit.referral("degree_verification")
    assert registrar is not None and (registrar.name, registrar.location) == (
        "Registrar's Office",
        "5-119",
    )
    dean = mit.referral("parents", Level.GRADUATE)
    assert dean is not None and dean.location == "3-138"
    assert mit.covers({"teaching_assistant"}, "grades")
    assert mit.inspection_days == 45 and "cfr.99.10.b" in mit.cites["record_keeping"]
    assert not mit.covers({"teaching_assistant"}, "ssn") and not mit.covers(set(), "name")
    assert "CAP" in mit.sensitive_subject_words


def test_an_unknown_item_lists_the_known_ones(mit: Profile) -> None:
    with pytest.raises(UnknownInformationError) as error:
        mit.traits("grade")
    assert str(error.value).startswith("unknown information item `grade`; known: name, email")
    assert error.value.name == "grade" and "grades" in error.value.known


def _ask(profile: Profile, **question: object) -> Decision:
    return decide(parse_question(question, profile), profile).decision


@pytest.mark.parametrize(
    ("question", "at_mit", "federally"),
    [
        # MIT keeps photos out of the directory; the baseline may designate them.
        ({"recipient": {"kind": "public"}, "information": ["photo"]}, "deny", "permit"),
        # MIT sends parents to the dean; with no office, the consent rules decide.
        ({"recipient": {"kind": "parent"}, "information": ["grades"]}, "refer", "deny"),
        # MIT's News Office answers the media; the baseline releases directory items.
        ({"recipient": {"kind": "media"}, "information": ["name"]}, "refer", "permit"),
        # Degree checks go to MIT's Registrar.
        ({"recipient": {"kind": "employer"}, "information": ["degrees"]}, "refer", "permit"),
        # An office address is directory information at MIT only.
        ({"recipient": {"kind": "public"}, "information": ["office_address"]}, "permit", "deny"),
    ],
)
def test_a_profile_changes_rulings_without_code(
    mit: Profile, ferpa: Profile, question: dict[str, object], at_mit: str, federally: str
) -> None:
    assert (_ask(mit, **question), _ask(ferpa, **question)) == (at_mit, federally)


def test_the_baseline_records_no_consented_release(mit: Profile, ferpa: Profile) -> None:
    question = {
        "recipient": {"kind": "employer"},
        "information": ["grades"],
        "consent": {"form": "written", "specific": True},
    }
    at_mit = decide(parse_question(question, mit), mit).conditions
    federally = decide(parse_question(question, ferpa), ferpa).conditions
    assert "record_disclosure" in at_mit and "record_disclosure" not in federally


def test_a_profile_file_can_be_loaded_by_path(tmp_path: Path) -> None:
    path = tmp_path / "tech.toml"
    path.write_text(MIT_TOML.replace('id = "mit"', 'id = "tech"'))
    assert load_profile(path).id == "tech"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('id = "mit"', 'id = "mit'), "not valid TOML"),
        (("[email]", "[mail]"), "missing key 'email'"),
        (('"nationality",', '"nationality", "name",'), "`name` is both directory"),
        (
            ('legitimate_need_only = ["date_of_birth"]', 'legitimate_need_only = ["ssn"]'),
            "directory.legitimate_need_only names unknown item `ssn`",
        ),
        (
            ('sensitive = [\n  "id_number",', 'sensitive = [\n  "name",'),
            "non_directory.sensitive names unknown item `name`",
        ),
        (
            ('degree_verification = "registrar"', 'degree_verification = "bursar"'),
            "referral `degree_verification` names unknown office `bursar`",
        ),
        (
            ('health_services = ["name",', 'health_services = ["nose",'),
            "need_to_know.health_services names unknown item `nose`",
        ),
        (('cites = ["faq.email"]', 'cites = ["faq.mail"]'), "unknown clause `faq.mail`"),
        (('cites = ["faq.email"]', 'cites = "faq.email"'), "`cites` must be a list of strings"),
        (('"CAP", "COD",', '"CAP", "CAP",'), "lists an item twice"),
        (("inspection_days = 45", "inspection_days = 0"), "`record_keeping.inspection_days` must"),
        (("inspection_days = 45", 'inspection_days = "45"'), "a whole number of days, 1 or more"),
        (("inspection_days = 45", "inspection_days = 4.5"), "a whole number of days, 1 or more"),
        (("inspection_days = 45", "inspection_days = true"), "a whole number of days, 1 or more"),
        (("inspection_days = 45", "inspect_days = 45"), "missing key 'inspection_days'"),
        (("batch_threshold = 3", "batch_limit = 3"), "missing key 'batch_threshold'"),
        (
            ('student_id_pattern = "\\\\b9', 'student_id_pattern = "(\\\\b9'),
            "`email.student_id_pattern` is not a valid regular expression",
        ),
        (
            ('student_id_pattern = "\\\\b9\\\\d{8}\\\\b"', "student_id_pattern = 9"),
            "`email.student_id_pattern` must be a regular expression",
        ),
        (
            ('student_id_pattern = "\\\\b9\\\\d{8}\\\\b"', 'student_id_pattern = ""'),
            "`email.student_id_pattern` must be a regular expression",
        ),
        (
            ('student_id_pattern = "\\\\b9\\\\d{8}\\\\b"', 'student_id_pattern = "\\\\d*"'),
            "`email.student_id_pattern` must not match empty text",
        ),
        (('id_context_words = ["ID",', 'id_context_words = [" ",'), "must name at least one word"),
        (('id_context_words = ["ID",', "id_context_words = [1,"), "must be a list of strings"),
        (("batch_threshold = 3", "batch_threshold = 1"), "`email.batch_threshold` must be a whole"),
        (("batch_threshold = 3", "batch_threshold = true"), "a whole number, 2 or more"),
        (("batch_threshold = 3", 'batch_threshold = "3"'), "a whole number, 2 or more"),
        (
            ('warn_action = "header"', 'warn_action = "bounce"'),
            "unknown `email.warn_action` `bounce`; known: header, reject",
        ),
        (('institution = "the Institute"', "institution = 1"), "`institution` must be one line"),
        (('institution = "the Institute"', 'institution = " "'), "`institution` must be one line"),
    ],
)
def test_a_malformed_profile_is_refused_with_the_reason(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    assert edit[0] in MIT_TOML
    path = tmp_path / "broken.toml"
    path.write_text(MIT_TOML.replace(*edit, 1))
    with pytest.raises(ProfileError, match=message.replace("[", r"\[")):
        load_profile(path)


def test_an_unknown_profile_names_the_built_in_ones() -> None:
    with pytest.raises(ProfileError, match="unknown profile `harvard`; use one of mit, ferpa"):
        load_profile("harvard")


def test_the_federal_baseline_gives_45_days_to_inspect(ferpa: Profile) -> None:
    assert ferpa.inspection_days == 45 and "cfr.99.10.b" in ferpa.cites["record_keeping"]


def test_the_email_facts_differ_between_institutions(mit: Profile, ferpa: Profile) -> None:
    assert mit.student_id_pattern.search("MIT ID 912345678")
    assert not mit.student_id_pattern.search("call 6172531000")
    assert ferpa.student_id_pattern.search("student number 1234567")
    assert "MIT ID" in mit.id_context_words and "MIT ID" not in ferpa.id_context_words
    assert mit.batch_threshold == ferpa.batch_threshold == 3
    assert mit.warn_action == "header"


def test_an_empty_list_of_id_context_words_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    start = MIT_TOML.index("id_context_words = [")
    end = MIT_TOML.index("\n", start)
    path.write_text(MIT_TOML[:start] + "id_context_words = []" + MIT_TOML[end:])
    with pytest.raises(ProfileError, match="`email.id_context_words` must name at least one word"):
        load_profile(path)


def test_the_profiles_name_their_institution(mit: Profile, ferpa: Profile) -> None:
    assert (mit.institution, ferpa.institution) == ("the Institute", "the institution")


def test_the_federal_baseline_s_rule_texts_speak_of_the_institution(
    mit: Profile, ferpa: Profile
) -> None:
    from discretion.policy.rules import RULES

    worded = 0
    for rule in RULES:
        for text, for_mit, for_ferpa in (
            (rule.explanation, rule.explanation_for(mit), rule.explanation_for(ferpa)),
            (rule.remedy, rule.remedy_for(mit), rule.remedy_for(ferpa)),
        ):
            assert for_mit == text  # MIT's texts keep "the Institute"
            assert for_ferpa is None or "Institute" not in for_ferpa, (rule.id, for_ferpa)
            worded += for_ferpa != text
    assert worded >= 10
    official = next(r for r in RULES if r.id == "need_to_know.official_with_need")
    assert official.explanation_for(ferpa).startswith(
        "The recipient is an official of the institution who needs"
    )
    inside = next(r for r in RULES if r.id == "disclosure.inside_without_consent")
    assert inside.explanation_for(ferpa).startswith("Inside the institution, non-directory")


def test_a_profile_names_its_institution_in_the_rule_texts(tmp_path: Path) -> None:
    path = tmp_path / "tech.toml"
    path.write_text(
        MIT_TOML.replace('id = "mit"', 'id = "tech"').replace(
            'institution = "the Institute"', 'institution = "the University"'
        )
    )
    tech = load_profile(path)
    assert tech.worded("The Institute speaks with the Institute community.") == (
        "The University speaks with the University's community."
    )
    assert tech.worded("a protected Institute system") == "a protected system of the University"


def test_a_ruling_under_the_federal_baseline_speaks_of_the_institution(
    mit: Profile, ferpa: Profile
) -> None:
    asked = {"recipient": {"kind": "employer"}, "information": ["grades"]}
    federal = decide(parse_question(asked, ferpa), ferpa)
    (reason,) = federal.reasons
    assert reason.explanation.startswith("Non-directory information may leave the institution ")
    inside = {"recipient": {"kind": "official"}, "information": ["grades"]}
    denied = decide(parse_question(inside, ferpa), ferpa)
    assert all("Institute" not in r.explanation for r in denied.reasons)
    assert "Institute" not in (denied.remedy or "")
    # MIT's keep "the Institute"
    (mits,) = decide(parse_question(asked, mit), mit).reasons
    assert mits.explanation.startswith("Non-directory information may leave the Institute ")
