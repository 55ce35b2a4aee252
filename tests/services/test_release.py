"""Enforced reads: masked per the policy, withheld notice, and the disclosure log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from discretion.services import Context, NotFoundError, RefusedError
from discretion.services.changes import grant_consent, revoke_consent
from discretion.services.disclosure_log import entries_for, verify
from discretion.services.release import WITHHELD_NOTICE, release_class_list, release_record
from discretion.store.models import Enrollment, Record

HASH = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"


def _release(context: Context, reader: str, student: str, purpose: str | None = None) -> Any:
    with context.transaction() as session:
        released = release_record(
            session, context.profile, reader_id=reader, student_id=student, purpose=purpose
        )
        return released.to_json()


def _shown(released: Any) -> dict[str, Any]:
    shown: dict[str, list[str]] = {}
    for item in released["items"]:
        if item["values"] is not None:
            shown.setdefault(item["item"], []).extend(item["values"])
    return shown


def test_staff_of_one_subject_see_the_grades_of_that_subject_only(sample: Context) -> None:
    with sample.transaction() as session:
        session.add(Enrollment(id="e-ada-1801", subject_id="cls-1801", person_id="u-ada",
                               role="student"))  # fmt: skip
        session.add(Record(student_id="u-ada", category="grades", content="18.01: B",
                           subject_id="cls-1801", created_at=datetime.now(UTC)))  # fmt: skip
    by_ta = _release(sample, "u-kurt", "u-ada")  # TA of 8.01 only
    grades = {i["subject"]: i for i in by_ta["items"] if i["item"] == "grades"}
    assert grades["8.01"]["values"] == ["8.01: A"]
    assert grades["18.01"]["values"] is None
    assert grades["18.01"]["rule"] == "need_to_know.official_without_need"
    by_instructor = _release(sample, "u-emmy", "u-ada")  # teaches both
    assert _shown(by_instructor)["grades"] == ["18.01: B", "8.01: A"]


def test_the_instructor_sees_grades_of_a_student_in_the_subject(sample: Context) -> None:
    released = _release(sample, "u-emmy", "u-ada")
    shown = _shown(released)
    assert shown["grades"] == ["8.01: A"]
    assert shown["name"] == ["Ada Lovelace"]
    # Emmy wrote the private note: hers to read, and no education record
    assert released["own_notes"] == ["Reminder to self: ask about her engine"]
    assert "advising_notes" not in {i["item"] for i in released["items"]}


def test_a_private_note_is_shown_to_no_one_but_its_maker(sample: Context) -> None:
    released = _release(sample, "u-reg", "u-ada")
    assert "advising_notes" not in {i["item"] for i in released["items"]}
    assert released["own_notes"] == []
    assert _shown(released)["grades"] == ["8.01: A"]  # the registrar needs the grades


def test_a_ta_without_need_sees_no_health_or_place_of_birth(sample: Context) -> None:
    released = _release(sample, "u-kurt", "u-ada")
    items = {i["item"]: i for i in released["items"]}
    assert items["grades"]["values"] == ["8.01: A"]
    assert items["place_of_birth"]["values"] is None
    assert items["place_of_birth"]["rule"] == "need_to_know.official_without_need"


def test_an_outsider_without_consent_sees_directory_items_only(sample: Context) -> None:
    released = _release(sample, "c-acme", "u-ada")
    shown = _shown(released)
    assert "grades" not in shown and shown["name"] == ["Ada Lovelace"]
    assert "term_address" not in shown  # suppressed
    items = {i["item"]: i for i in released["items"]}
    assert items["grades"]["rule"] == "non_directory.outside_needs_written_consent"
    assert released["logged"] is None


def test_an_outsider_with_consent_gets_the_named_items_and_the_release_is_logged(
    sample: Context,
) -> None:
    released = _release(sample, "c-acme", "u-ada", purpose="Summer  Internship")
    shown = _shown(released)
    assert shown["grades"] == ["8.01: A"] and "gender" not in shown
    assert released["logged"] == 1
    with sample.transaction() as session:
        (entry,) = entries_for(session, "u-ada")
        assert (entry.items, entry.recipient, entry.purpose) == (
            ["grades"],
            "Acme Corporation",
            "Summer  Internship",
        )
        assert entry.rules == ["disclosure.outside_with_written_consent"]
        assert verify(session).ok


def test_a_revoked_consent_no_longer_opens_anything(sample: Context) -> None:
    with sample.transaction() as session:
        revoke_consent(session, actor="u-reg", consent_id=1)
    released = _release(sample, "c-acme", "u-ada", purpose="summer internship")
    assert "grades" not in _shown(released)


def test_a_withheld_student_s_record_carries_the_notice(sample: Context) -> None:
    released = _release(sample, "u-reg", "u-grace")
    assert released["notice"] == WITHHELD_NOTICE
    assert _shown(released)["degrees"] == ["S.B., 2025"]
    outside = _release(sample, "c-acme", "u-grace")
    assert _shown(outside) == {} and outside["notice"] is None


def test_the_student_sees_their_own_record(sample: Context) -> None:
    shown = _shown(_release(sample, "u-ada", "u-ada"))
    assert shown["grades"] == ["8.01: A"] and shown["term_address"] == [
        "10 Memorial Drive, Room 201"
    ]


def test_a_parent_is_sent_to_the_dean(sample: Context) -> None:
    items = {i["item"]: i for i in _release(sample, "u-byron", "u-ada")["items"]}
    assert (
        items["grades"]["decision"] == "refer"
        and items["grades"]["refer_to"] == "dean_undergraduate"
    )
    assert items["name"]["values"] == ["Ada Lovelace"]


def test_a_release_with_email_consent_for_the_wrong_purpose_is_not_logged(sample: Context) -> None:
    with sample.transaction() as session:
        grant_consent(session, sample.profile, actor="u-reg", student_id="u-alan",
                      recipient_id="c-acme", recipient_name=None, purpose="a job",
                      items=["grades"], form="written", document_sha256=HASH)  # fmt: skip
    released = _release(sample, "c-acme", "u-alan", purpose="another job")
    assert "grades" not in _shown(released) and released["logged"] is None


def test_the_class_list_goes_to_the_subject_s_staff(sample: Context) -> None:
    with sample.transaction() as session:
        class_list = release_class_list(
            session, sample.profile, reader_id="u-kurt", subject_id="cls-801"
        )
    assert {s["id"] for s in class_list.students} == {"u-ada", "u-alan"}
    assert [c.value for c in class_list.ruling.conditions] == [
        "no_redisclosure",
        "stated_purpose_only",
    ]


@pytest.mark.parametrize("reader", ["u-reg", "u-ada", "c-acme"])
def test_the_class_list_goes_to_no_one_else(sample: Context, reader: str) -> None:
    with sample.transaction() as session, pytest.raises(RefusedError) as error:
        release_class_list(session, sample.profile, reader_id=reader, subject_id="cls-801")
    assert error.value.ruling.decision == "deny"


def test_unknown_people_and_subjects_are_named(sample: Context) -> None:
    with sample.transaction() as session:
        with pytest.raises(NotFoundError, match="unknown person `u-nobody`"):
            release_record(session, sample.profile, reader_id="u-nobody", student_id="u-ada")
        with pytest.raises(NotFoundError, match="unknown subject `cls-0`"):
            release_class_list(session, sample.profile, reader_id="u-emmy", subject_id="cls-0")
