"""The directory: one student at a time outside, lists only inside, suppressions honoured."""

from __future__ import annotations

import pytest

from discretion.services import Context, RefusedError
from discretion.services.changes import suppress
from discretion.services.directory import export, lookup


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
        suppress(session, sample.profile, actor="u-reg", student_id="u-ada", item="email",
                 method="written")  # fmt: skip
    with sample.transaction() as session:
        entry = lookup(session, sample.profile, "u-ada")
    assert entry is not None and "email" not in entry.items and "name" in entry.items


def test_inside_the_institute_every_unsuppressed_item_shows(sample: Context) -> None:
    with sample.transaction() as session:
        entry = lookup(session, sample.profile, "u-ada", reader_id="u-alan")
        official = lookup(session, sample.profile, "u-alan", reader_id="u-kurt")
    assert entry is not None and "date_of_birth" in entry.items
    assert "term_address" not in entry.items  # suppressed
    assert official is not None and official.items["office_address"] == "2-101"


def test_inside_a_withheld_student_shows_the_notice_and_nothing_else(sample: Context) -> None:
    with sample.transaction() as session:
        entry = lookup(session, sample.profile, "u-grace", reader_id="u-emmy")
    assert entry is not None and entry.withheld and entry.items == {}


def test_the_export_masks_suppressed_and_withheld_students(sample: Context) -> None:
    with sample.transaction() as session:
        rows = {e.student_id: e.items for e in export(session, sample.profile, "u-emmy")}
    assert "u-grace" not in rows  # withheld everything
    assert "term_address" not in rows["u-ada"] and rows["u-ada"]["name"] == "Ada Lovelace"
    assert "degrees" not in rows["u-ada"] and "date_of_birth" not in rows["u-ada"]
    assert rows["u-alan"]["office_address"] == "2-101"


@pytest.mark.parametrize("outsider", ["c-acme", "u-byron", "c-fbi"])
def test_no_listing_leaves_the_institute(sample: Context, outsider: str) -> None:
    with sample.transaction() as session, pytest.raises(RefusedError) as error:
        list(export(session, sample.profile, outsider))
    assert error.value.ruling.rules == ("directory.listing_never_outside",)
