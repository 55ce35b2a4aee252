"""Class lists go to the subject's assigned staff, and to no one else."""

from __future__ import annotations

import pytest

from discretion.services import Context, NotFoundError, RefusedError
from discretion.services.class_lists import release_class_list
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
