"""Asking with ids: the store supplies who is who, their relations, and the consents on file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from discretion.policy.errors import InvalidQuestionError
from discretion.services import Context, NotFoundError
from discretion.services.asking import ask
from discretion.services.changes import grant_authorization, grant_consent, grant_web_permission
from discretion.store.models import Enrollment, Record
from tests.actors import acting

HASH = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"


def _ask(context: Context, **question: Any) -> Any:
    with context.transaction() as session:
        return ask(session, context.profile, question)


def test_stated_facts_alone_need_no_store(sample: Context) -> None:
    answer = _ask(sample, recipient={"kind": "parent"}, information=["grades"])
    assert answer.ruling.decision == "refer" and answer.consents_used == []


def test_the_store_says_who_the_recipient_is_and_what_they_need(sample: Context) -> None:
    answer = _ask(sample, recipient={"id": "u-kurt", "kind": "public"},
                  student={"id": "u-ada"}, information=["grades", "health"])  # fmt: skip
    assert answer.question["recipient"]["kind"] == "official"
    assert answer.question["recipient"]["relations"] == ["teaching_assistant"]
    by_item = answer.ruling.by_information
    assert by_item["grades"].decision == "permit" and by_item["health"].decision == "deny"


def test_an_advisor_and_an_office_have_their_need(sample: Context) -> None:
    advisor = _ask(sample, recipient={"id": "u-emmy", "kind": "public"},
                   student={"id": "u-alan"}, information=["advising_notes"])  # fmt: skip
    assert "advisor" in advisor.question["recipient"]["relations"]
    assert advisor.ruling.decision == "permit"
    registrar = _ask(sample, recipient={"id": "u-reg", "kind": "public"},
                     student={"id": "u-grace"}, information=["transcript"])  # fmt: skip
    assert registrar.question["recipient"]["relations"] == ["registrar"]
    assert registrar.ruling.decision == "permit"


def test_facts_of_the_request_the_store_cannot_know_are_kept(sample: Context) -> None:
    """Tax dependency, a school the student is enrolling in, a subpoena's gag: as stated."""
    answer = _ask(sample, recipient={"id": "u-kurt", "kind": "public", "student_enrolling": True,
                                     "legal_process": "subpoena", "notice_forbidden": True},
                  student={"id": "u-ada", "dependent": True}, information=["grades"],
                  emergency=True)  # fmt: skip
    recipient, student = answer.question["recipient"], answer.question["student"]
    assert recipient["student_enrolling"] is True and recipient["notice_forbidden"] is True
    assert student["dependent"] is True and answer.question["emergency"] is True
    assert recipient["kind"] == "official"  # who someone is stays the store's word


def test_the_store_says_what_the_student_suppressed(sample: Context) -> None:
    answer = _ask(sample, recipient={"kind": "public"}, information=["term_address"],
                  student={"id": "u-ada", "suppressed": []})  # fmt: skip
    assert answer.question["student"]["suppressed"] == ["term_address"]
    assert answer.ruling.decision == "deny"


def test_a_matching_consent_is_used_and_the_others_explained(sample: Context) -> None:
    with sample.transaction() as session:
        for recipient, purpose in (("c-fbi", "summer internship"), ("c-acme", "a loan")):
            grant_consent(
                session,
                sample.profile,
                actor=acting(session, "u-reg"),
                student_id="u-ada",
                recipient_id=recipient,
                recipient_name=None,
                purpose=purpose,
                items=["grades"],
                form="written",
                document_sha256=HASH,
            )
        expired = grant_consent(
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-ada",
            recipient_id="c-acme",
            recipient_name=None,
            purpose="summer internship",
            items=["grades"],
            form="written",
            document_sha256=HASH,
            granted_at=datetime(2020, 1, 1, tzinfo=UTC),
            expires_at=datetime(2021, 1, 1, tzinfo=UTC),
        )
    answer = _ask(sample, recipient={"id": "c-acme", "kind": "public"}, student={"id": "u-ada"},
                  information=["grades", "ssn"], purpose="SUMMER internship")  # fmt: skip
    assert answer.consents_used == [1]
    assert answer.question["consent"] == {"form": "written", "specific": True,
                                          "items": ["grades", "transcript"]}  # fmt: skip
    assert answer.ruling.by_information["grades"].decision == "permit"
    assert answer.ruling.by_information["ssn"].decision == "deny"
    reasons = {u["consent"]: u["why"] for u in answer.consents_unmatched}
    assert reasons[2] == "names another recipient"
    assert reasons[3] == "is for another purpose"
    assert reasons[expired.id].startswith("expired on 2021-01-01")
    unstated = _ask(sample, recipient={"id": "c-acme"}, student={"id": "u-ada"},
                    information=["grades"])  # fmt: skip
    assert unstated.ruling.decision == "deny"
    assert unstated.consents_unmatched[0]["why"] == "the question states no purpose to match"
    assert "facts" in answer.to_json()


def test_a_background_check_uses_the_signed_authorisation_on_file(sample: Context) -> None:
    question: dict[str, Any] = {
        "recipient": {"id": "c-fbi", "legal_process": "routine_background_check"},
        "student": {"id": "u-ada"},
        "information": ["name", "grades"],
    }
    # no form on file: not routine, so the Registrar handles it
    unsigned = _ask(sample, **question).ruling
    assert unsigned.decision == "refer" and unsigned.refer_to is not None
    assert unsigned.refer_to.id == "registrar"
    with sample.transaction() as session:
        grant_authorization(session, actor=acting(session, "u-reg"), student_id="u-ada",
                            agency="federal bureau of investigation", investigation="clearance",
                            document_sha256=HASH,
                            expires_at=datetime.now(UTC) + timedelta(days=1))  # fmt: skip
    answer = _ask(sample, **question)
    assert answer.ruling.decision == "permit"
    assert answer.question["consent"]["form"] == "signed_authorization"


def test_a_posting_uses_the_permission_for_that_site(sample: Context) -> None:
    with sample.transaction() as session:
        grant_web_permission(
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-ada",
            site="physics.test.edu/people",
            items=["name"],
            form="email",
            message_id="<ok@test.edu>",
        )
        grant_web_permission(
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-ada",
            site="spoken.test.edu",
            items=["name"],
            form="verbal",
        )
    question: dict[str, Any] = {
        "act": "post_on_web",
        "channel": "web_restricted",
        "recipient": {"id": "u-kurt"},
        "student": {"id": "u-ada"},
        "information": ["name", "year"],
    }
    elsewhere = _ask(sample, **question, site="elsewhere.test.edu")
    assert elsewhere.ruling.decision == "deny"
    answer = _ask(sample, **question, site="Physics.test.edu/people")
    assert answer.ruling.by_information["name"].decision == "permit"
    assert answer.ruling.by_information["year"].decision == "deny"
    assert answer.question["consent"]["form"] == "email"
    # a spoken permission is on file for another site, and counts for nothing
    spoken = _ask(sample, **question, site="spoken.test.edu")
    assert spoken.ruling.by_information["name"].decision == "deny"
    # the emailed one does not reach a page the public can read
    public = _ask(sample, **{**question, "channel": "web_public"}, site="physics.test.edu/people")
    assert public.ruling.by_information["name"].decision == "deny"


def test_unknown_ids_and_bad_questions_are_named(sample: Context) -> None:
    with pytest.raises(NotFoundError, match="unknown person `u-nobody`"):
        _ask(sample, recipient={"id": "u-nobody"}, student={"id": "u-ada"}, information=["name"])
    with pytest.raises(InvalidQuestionError, match="information"):
        _ask(sample, recipient={"id": "u-emmy"}, student={"id": "u-ada"}, information="name")
    with pytest.raises(InvalidQuestionError):
        _ask(sample, recipient="u-emmy", information=["name"])


def test_a_consent_on_file_that_a_stated_purpose_would_match_is_pointed_out(
    sample: Context,
) -> None:
    # the sample has Ada's written consent to Acme, for a summer internship
    unstated = _ask(sample, recipient={"id": "c-acme"}, student={"id": "u-ada"},
                    information=["grades", "ssn"])  # fmt: skip
    assert unstated.ruling.by_information["grades"].decision == "deny"
    [note] = unstated.notes
    assert note.startswith("Consent 1 on file")
    assert "would permit grades" in note and "purpose" in note
    assert "summer internship" not in note  # the purpose is the recipient's to state
    assert unstated.to_json()["notes"] == [note]
    stated = _ask(sample, recipient={"id": "c-acme"}, student={"id": "u-ada"},
                  information=["grades"], purpose="summer internship")  # fmt: skip
    assert stated.ruling.decision == "permit" and stated.notes == []
    # a consent to someone else is no help to this recipient, and is not pointed out
    other = _ask(sample, recipient={"id": "c-fbi"}, student={"id": "u-ada"},
                 information=["grades"])  # fmt: skip
    assert other.ruling.decision != "permit" and other.notes == []


def test_a_question_may_name_the_subject_of_the_records(sample: Context) -> None:
    with sample.transaction() as session:
        session.add(Enrollment(id="e-ada-1801", subject_id="cls-1801", person_id="u-ada",
                               role="student"))  # fmt: skip
        session.add(Record(student_id="u-ada", category="grades", content="18.01: B",
                           subject_id="cls-1801", created_at=datetime.now(UTC)))  # fmt: skip
    question: dict[str, Any] = {
        "recipient": {"id": "u-kurt"},  # TA of 8.01 only
        "student": {"id": "u-ada"},
        "information": ["name", "grades"],
    }
    in_801 = _ask(sample, **question, subject="8.01")
    assert in_801.ruling.decision == "permit" and in_801.question["subject"] == "8.01"
    in_1801 = _ask(sample, **question, subject=" 18.01 ")
    assert in_1801.ruling.by_information["name"].decision == "permit"  # directory: no subject's
    assert in_1801.ruling.by_information["grades"].decision == "deny"
    assert in_1801.to_json()["facts"]["by_subject"]["grades"] == [
        {"subject": "18.01", "relations": [], "decision": "deny"}
    ]
    anywhere = _ask(sample, **question)
    assert anywhere.ruling.by_information["grades"].decision == "deny"
    [note] = anywhere.notes
    assert "8.01" in note and "18.01" not in note.replace('"subject": "8.01"', "")
    # the instructor of both subjects has need to know of the grades of each
    both = _ask(sample, **{**question, "recipient": {"id": "u-emmy"}})
    assert both.ruling.decision == "permit" and both.notes == []
    with pytest.raises(NotFoundError, match="unknown subject `6.001`"):
        _ask(sample, **question, subject="6.001")
