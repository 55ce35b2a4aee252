"""The directory: one student at a time outside, lists only inside, suppressions honoured."""

from __future__ import annotations

import pytest

from discretion.services import Context, RefusedError
from discretion.services.changes import suppress
from discretion.services.directory import export, lookup
from tests.actors import acting


def test_the_public_sees_only_what_the_directory_shows_by_default(sample: Context) -> None:
    with sample.transaction() as session:
        entry = lookup(session, sample.profile, "u-ada")
    assert entry is not None
    # term address is not shown by default (and Ada suppressed it); date of birth never is
    assert entry.items == {
        "course": "8",
        "email": "ada@test.edu",
        "name": "Ada Lovelace",
        "year": "2",
    }
    assert entry.withheld is False


def test_the_public_finds_a_student_by_exact_username_or_full_name_only(sample: Context) -> None:
    with sample.transaction() as session:
        assert lookup(session, sample.profile, "ada") is not None
        assert lookup(session, sample.profile, "  ada   LOVELACE ") is not None
        for partial in ("Ada", "Love", "ad%", "*", "", "u-"):
            assert lookup(session, sample.profile, partial) is None, partial


def test_a_withheld_student_looks_exactly_like_an_unknown_one(sample: Context) -> None:
    with sample.transaction() as session:
        withheld = lookup(session, sample.profile, "u-grace")
        unknown = lookup(session, sample.profile, "u-nobody")
    assert withheld is None and unknown is None


def test_a_suppressed_item_disappears_from_the_public_entry(sample: Context) -> None:
    with sample.transaction() as session:
        suppress(
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-ada",
            item="email",
            method="written",
        )
    with sample.transaction() as session:
        entry = lookup(session, sample.profile, "u-ada")
    assert entry is not None and "email" not in entry.items and "name" in entry.items


def test_inside_the_institute_every_unsuppressed_item_shows(sample: Context) -> None:
    with sample.transaction() as session:
        entry = lookup(session, sample.profile, "u-ada", acting(session, "u-alan"))
        official = lookup(session, sample.profile, "u-alan", acting(session, "u-kurt"))
    assert entry is not None and "date_of_birth" in entry.items
    assert "term_address" not in entry.items  # suppressed
    assert official is not None and official.items["office_address"] == "2-101"


def test_inside_a_withheld_student_is_marked_to_those_who_may_see_her(sample: Context) -> None:
    with sample.transaction() as session:
        registrar = lookup(session, sample.profile, "u-grace", acting(session, "u-reg"))
        student = lookup(session, sample.profile, "u-grace", acting(session, "u-ada"))
        unknown = lookup(session, sample.profile, "u-nobody", acting(session, "u-ada"))
    assert registrar is not None and registrar.withheld
    assert registrar.items["degrees"] == "S.B., 2025"
    assert student is None and unknown is None  # not even that she exists


def test_the_export_masks_suppressed_and_withheld_students(sample: Context) -> None:
    with sample.transaction() as session:
        reader = acting(session, "u-emmy")
        rows = {e.student_id: e.items for e in export(session, sample.profile, reader)}
    assert "u-grace" not in rows  # withheld everything
    assert "term_address" not in rows["u-ada"] and rows["u-ada"]["name"] == "Ada Lovelace"
    assert "degrees" not in rows["u-ada"] and "date_of_birth" not in rows["u-ada"]
    assert rows["u-alan"]["office_address"] == "2-101"


@pytest.mark.parametrize(
    ("outsider", "rule"),
    [
        ("c-acme", "directory.listing_never_outside"),
        ("u-byron", "directory.listing_never_outside"),
        # law enforcement asking for a list is non-routine: the Registrar's to answer
        ("c-fbi", "legal_process.non_routine_to_registrar"),
    ],
)
def test_no_listing_leaves_the_institute(sample: Context, outsider: str, rule: str) -> None:
    with sample.transaction() as session, pytest.raises(RefusedError) as error:
        list(export(session, sample.profile, acting(session, outsider)))
    assert error.value.ruling.rules == (rule,)
