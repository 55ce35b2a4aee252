"""The checker with the store's people: students it names, recipients ruled on stored facts."""

from __future__ import annotations

from email.message import EmailMessage

from discretion.mail.checker import check
from discretion.mail.store_people import StorePeople, store_checker
from discretion.mail.verdict import Level
from discretion.services import Context
from discretion.store.models import Person


def _message(body: str, to: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = "emmy@test.edu"
    mail["To"] = to
    mail["Subject"] = "Note"
    mail.set_content(body)
    return bytes(mail)


def test_the_store_names_students_by_name_username_and_address(sample: Context) -> None:
    with sample.transaction() as session:
        people = StorePeople(session, sample.profile)
        assert [r.id for r in people.find("Ada Lovelace and alan@test.edu")] == ["u-ada", "u-alan"]
        assert people.find("Lovelace and the weather") == []  # a surname alone is not read
        # a username is read as a whole word, even one that is also a given name (`ada`)
        assert [r.id for r in people.find("ask ada")] == ["u-ada"]


def test_a_teaching_assistant_may_have_the_grades_and_a_parent_is_referred(
    sample: Context,
) -> None:
    raw = _message("Ada Lovelace: B+", "kurt@test.edu, anne@example.com")
    with sample.transaction() as session:
        verdict = check(raw, sample.profile, people=StorePeople(session, sample.profile))
    refused = [f for f in verdict.findings if f.rule == "mail.recipient_not_permitted"]
    assert verdict.level is Level.BLOCK
    assert [f.message.split("`")[1] for f in refused] == ["anne@example.com"]
    assert "faq.parents" in refused[0].cites


def test_an_address_the_store_does_not_know_is_the_public(sample: Context) -> None:
    with sample.transaction() as session:
        people = StorePeople(session, sample.profile)
        assert not people.may_receive("u-ada", "someone@example.org", ("grades",)).allowed
        assert people.may_receive("u-ada", "kurt@test.edu", ("grades",)).allowed


def test_a_question_the_service_cannot_answer_counts_as_refused(sample: Context) -> None:
    with sample.transaction() as session:
        refused = StorePeople(session, sample.profile).may_receive("u-nobody", "x@y.z", ("name",))
    assert not refused.allowed and refused.rules == ("mail.not_checked",)


def test_the_guard_s_store_checker_rules_each_message_in_a_session_of_its_own(
    sample: Context,
) -> None:
    checked = store_checker(sample)
    outside = checked(_message("Ada Lovelace got an A in 8.01.", "recruiter@acme.example"))
    assert outside.level is Level.BLOCK
    assert "mail.recipient_not_permitted" in {f.rule for f in outside.findings}
    teacher = checked(_message("Ada Lovelace got an A in 8.01.", "emmy@test.edu"))
    assert teacher.level is Level.WARN and "mail.recipient_not_permitted" not in {
        f.rule for f in teacher.findings
    }


def test_the_store_names_students_by_their_preferred_name_too(sample: Context) -> None:
    with sample.transaction() as session:
        alan = session.get(Person, "u-alan")
        assert alan is not None
        alan.preferred_given_name = "Turi"
    with sample.transaction() as session:
        people = StorePeople(session, sample.profile)
        assert [r.id for r in people.find("Turi Turing got a B")] == ["u-alan"]
        assert [r.id for r in people.find("Alan Turing got a B")] == ["u-alan"]
