"""Class lists go to the subject's assigned staff, and to no one else."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from discretion.services import Context, NotFoundError, RefusedError
from discretion.services.class_lists import (
    STAFF_ONLY,
    class_list_csv,
    release_class_list,
    staffed_subjects,
)
from discretion.services.principals import principal_for_person
from tests.actors import acting


def test_the_class_list_goes_to_the_subject_s_staff(sample: Context) -> None:
    with sample.transaction() as session:
        class_list = release_class_list(
            session, sample.profile, reader=acting(session, "u-kurt"), subject_id="cls-801"
        )
    assert {s["id"] for s in class_list.students} == {"u-ada", "u-alan"}
    assert [c.value for c in class_list.ruling.conditions] == [
        "no_redisclosure",
        "stated_purpose_only",
    ]


@pytest.mark.parametrize("reader", ["u-reg", "u-ada", "c-acme"])
def test_the_class_list_goes_to_no_one_else(sample: Context, reader: str) -> None:
    with sample.transaction() as session, pytest.raises(RefusedError) as error:
        release_class_list(
            session, sample.profile, reader=acting(session, reader), subject_id="cls-801"
        )
    assert error.value.ruling.decision == "deny"


def test_a_token_without_the_official_role_is_no_staff_member(sample: Context) -> None:
    with sample.transaction() as session:
        narrowed = principal_for_person(session, "u-kurt", "token", frozenset())
        with pytest.raises(RefusedError):
            release_class_list(session, sample.profile, reader=narrowed, subject_id="cls-801")


def test_an_unknown_subject_is_named(sample: Context) -> None:
    with sample.transaction() as session, pytest.raises(NotFoundError, match="`cls-0`"):
        release_class_list(
            session, sample.profile, reader=acting(session, "u-emmy"), subject_id="cls-0"
        )


def test_my_subjects_are_those_i_am_on_the_staff_of(sample: Context) -> None:
    with sample.transaction() as session:
        mine = staffed_subjects(session, acting(session, "u-kurt"))
        none = staffed_subjects(session, acting(session, "u-ada"))
        narrowed = principal_for_person(session, "u-kurt", "token", frozenset())
        unofficial = staffed_subjects(session, narrowed)
    assert "cls-801" in [s.subject_id for s in mine]
    assert all(s.roles for s in mine)
    assert none == [] and unofficial == []


def test_the_export_names_its_recipient_first(sample: Context) -> None:
    with sample.transaction() as session:
        listed = release_class_list(
            session, sample.profile, reader=acting(session, "u-kurt"), subject_id="cls-801"
        )
    text = class_list_csv(listed, "=Kurt (u-kurt)", datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        f"Class list of {listed.code} for =Kurt (u-kurt), exported 2026-12-01 09:30 UTC"
    ]
    assert rows[1] == [STAFF_ONLY]
    assert rows[2] == ["id", "name", "email", "course", "year"]
    assert {row[0] for row in rows[3:]} == {"u-ada", "u-alan"}
