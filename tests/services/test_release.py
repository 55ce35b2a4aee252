"""Enforced reads: only what the policy allows, nothing said of the rest, every read journaled."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from discretion.services import Context, ForbiddenError, NotFoundError, access_journal
from discretion.services.changes import grant_consent, revoke_consent
from discretion.services.disclosure_log import entries_for, verify
from discretion.services.principals import principal_for_person
from discretion.services.release import WITHHELD_NOTICE, release_record
from discretion.store.models import Enrollment, Record
from tests.actors import acting

HASH = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"


def _release(context: Context, reader: str, student: str, purpose: str | None = None) -> Any:
    with context.transaction() as session:
        released = release_record(
            session, context.profile, reader=acting(session, reader), student_id=student,
            door="cli", purpose=purpose,
        )  # fmt: skip
        return released.to_json()


def _shown(released: Any) -> dict[str, list[str]]:
    shown: dict[str, list[str]] = {}
    for item in released["items"]:
        shown.setdefault(item["item"], []).extend(item["values"])
    return shown


EMPTY: dict[str, Any] = {
    "student": "", "reader": "", "notice": None, "items": [], "not_shown": None,
    "logged": None, "own_notes": [],
}  # fmt: skip


def _empty(released: Any) -> bool:
    return {**released, "student": "", "reader": ""} == EMPTY


def test_staff_of_one_subject_see_the_grades_of_that_subject_only(sample: Context) -> None:
    with sample.transaction() as session:
        session.add(Enrollment(id="e-ada-1801", subject_id="cls-1801", person_id="u-ada",
                               role="student"))  # fmt: skip
        session.add(Record(student_id="u-ada", category="grades", content="18.01: B",
                           subject_id="cls-1801", created_at=datetime.now(UTC)))  # fmt: skip
    by_ta = _release(sample, "u-kurt", "u-ada")  # TA of 8.01 only
    assert _shown(by_ta)["grades"] == ["8.01: A"]
    assert "18.01" not in str(by_ta)  # the other subject's grade is absent, not listed
    assert by_ta["not_shown"]["consent_would_help"] is True
    by_instructor = _release(sample, "u-emmy", "u-ada")  # teaches both
    assert _shown(by_instructor)["grades"] == ["18.01: B", "8.01: A"]


def test_the_instructor_sees_grades_of_a_student_in_the_subject(sample: Context) -> None:
    released = _release(sample, "u-emmy", "u-ada")
    shown = _shown(released)
    assert shown["grades"] == ["8.01: A"]
    assert shown["name"] == ["Ada Lovelace"]
    # Emmy wrote the private note: hers to read, and no education record
    assert released["own_notes"] == ["Reminder to self: ask about her engine"]
    assert "advising_notes" not in shown


def test_a_private_note_is_shown_to_no_one_but_its_maker(sample: Context) -> None:
    released = _release(sample, "u-reg", "u-ada")
    assert "advising_notes" not in _shown(released) and released["own_notes"] == []
    assert "engine" not in str(released)
    assert _shown(released)["grades"] == ["8.01: A"]  # the registrar needs the grades


def test_a_masked_item_is_absent_and_unnamed(sample: Context) -> None:
    with sample.transaction() as session:
        session.add(Record(student_id="u-ada", category="place_of_birth", content="London",
                           created_at=datetime.now(UTC)))  # fmt: skip
    released = _release(sample, "u-kurt", "u-ada")
    assert _shown(released)["grades"] == ["8.01: A"]
    text = str(released)
    for hint in ("place_of_birth", "London", "need_to_know.official_without_need"):
        assert hint not in text, hint
    assert "not shown" in released["not_shown"]["message"]


def test_the_notice_is_the_same_whatever_the_record_holds(sample: Context) -> None:
    before = _release(sample, "c-acme", "u-ada")["not_shown"]
    with sample.transaction() as session:
        session.add(Record(student_id="u-ada", category="disciplinary", content="warning",
                           created_at=datetime.now(UTC)))  # fmt: skip
    after = _release(sample, "c-acme", "u-ada")["not_shown"]
    alan = _release(sample, "c-acme", "u-alan")["not_shown"]
    assert before == after == alan


def test_an_outsider_without_consent_sees_directory_items_only(sample: Context) -> None:
    released = _release(sample, "c-acme", "u-ada")
    shown = _shown(released)
    assert "grades" not in shown and shown["name"] == ["Ada Lovelace"]
    assert "term_address" not in shown  # suppressed
    assert released["logged"] is None
    assert released["not_shown"]["consent_would_help"] is True


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
        revoke_consent(session, actor=acting(session, "u-reg"), consent_id=1)
    released = _release(sample, "c-acme", "u-ada", purpose="summer internship")
    assert "grades" not in _shown(released)


def test_a_withheld_student_s_record_carries_the_notice_to_those_who_may_see_it(
    sample: Context,
) -> None:
    released = _release(sample, "u-reg", "u-grace")
    assert released["notice"] == WITHHELD_NOTICE
    assert _shown(released)["degrees"] == ["S.B., 2025"]
    outside = _release(sample, "c-acme", "u-grace")
    assert _empty(outside)  # allowed nothing: the answer of an unknown id
    assert _empty(_release(sample, "c-acme", "u-nobody"))


def test_the_student_sees_their_own_record(sample: Context) -> None:
    shown = _shown(_release(sample, "u-ada", "u-ada"))
    assert shown["grades"] == ["8.01: A"] and shown["term_address"] == [
        "10 Memorial Drive, Room 201"
    ]


def test_a_parent_is_told_to_ask_the_dean(sample: Context) -> None:
    released = _release(sample, "u-byron", "u-ada")
    assert "grades" not in _shown(released) and _shown(released)["name"] == ["Ada Lovelace"]
    offices = [o["office"] for o in released["not_shown"]["ask"]]
    assert "dean_undergraduate" in offices


def test_a_release_with_email_consent_for_the_wrong_purpose_is_not_logged(sample: Context) -> None:
    with sample.transaction() as session:
        grant_consent(session, sample.profile, actor=acting(session, "u-reg"),
                      student_id="u-alan", recipient_id="c-acme", recipient_name=None,
                      purpose="a job", items=["grades"], form="written",
                      document_sha256=HASH)  # fmt: skip
    released = _release(sample, "c-acme", "u-alan", purpose="another job")
    assert "grades" not in _shown(released) and released["logged"] is None


def test_a_narrowed_principal_reads_with_its_roles_only(sample: Context) -> None:
    with sample.transaction() as session:
        full = principal_for_person(session, "u-reg", "token")
        narrowed = principal_for_person(session, "u-reg", "token", frozenset({"official"}))
        assert narrowed.offices == frozenset() and full.offices == {"registrar"}
        by_full = release_record(session, sample.profile, reader=full, student_id="u-grace",
                                 door="api")  # fmt: skip
        by_narrowed = release_record(session, sample.profile, reader=narrowed,
                                     student_id="u-grace", door="api")  # fmt: skip
    assert "degrees" in {i.item for i in by_full.items}
    assert by_narrowed.is_empty  # without the office, Grace's withholding holds


def test_every_read_is_journaled_with_what_it_showed(sample: Context) -> None:
    _release(sample, "c-acme", "u-ada")
    _release(sample, "c-acme", "u-grace")
    _release(sample, "c-acme", "no-such-id")
    with sample.transaction() as session:
        entries = access_journal.search(session, acting(session, "u-reg"), reader_id="c-acme")
        mine = access_journal.about(session, acting(session, "u-ada"), "u-ada")
        with pytest.raises(ForbiddenError):
            access_journal.about(session, acting(session, "u-alan"), "u-ada")
        with pytest.raises(ForbiddenError):
            access_journal.search(session, acting(session, "u-emmy"))
    assert [(e.student_id, e.door) for e in entries] == [
        ("u-ada", "cli"), ("u-grace", "cli"), ("no-such-id", "cli")
    ]  # fmt: skip
    assert "name" in entries[0].shown and entries[1].shown == entries[2].shown == []
    assert [e.reader_id for e in mine] == ["c-acme"]


def test_an_unknown_reader_is_named(sample: Context) -> None:
    with sample.transaction() as session, pytest.raises(NotFoundError, match="unknown person"):
        acting(session, "u-nobody")
