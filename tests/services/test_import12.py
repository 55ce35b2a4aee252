"""OneRoster 1.2 bundles, and tokens written in another case than the standard's."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from discretion.importers import ImportRejected
from discretion.importers.bundle import import_bundle
from discretion.services import Context
from discretion.services.directory import lookup
from discretion.store.models import Enrollment, Person, Record, Subject
from tests.conftest import SAMPLE_BUNDLE
from tests.services.test_import import _counts, _drop_lines, _edit

BUNDLE12 = Path(__file__).parent.parent / "data" / "oneroster12" / "bulk"


def _import(context: Context, folder: Path) -> Any:
    with context.transaction() as session:
        return import_bundle(session, context.profile, folder)


def _copy(source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(source, folder)
    return folder


def test_a_12_bundle_imports_roles_and_preferred_names(empty: Context) -> None:
    summary = _import(empty, BUNDLE12)
    assert summary.version == "1.2" and summary.counts["people"] == 4
    assert summary.modes["roles"] == "bulk" and summary.modes["userProfiles"] == "bulk"
    with empty.transaction() as session:
        sam = session.get(Person, "u-sam")
        assert sam is not None and (sam.kind, sam.given_name, sam.family_name) == (
            "student",
            "Samuel",
            "Okafor",
        )  # the legal name is kept
        assert (sam.preferred_given_name, sam.preferred_family_name, sam.pronouns) == (
            "Sami",
            "Okafor",
            "they/them",
        )
        lise = session.get(Person, "u-lise")
        assert lise is not None and lise.kind == "official" and lise.preferred_given_name is None
        # the primary role wins over a secondary one listed first
        max_ = session.get(Person, "u-max")
        assert max_ is not None and max_.kind == "student"
        assert session.get(Subject, "cls-801") is not None
        enrollment = session.get(Enrollment, "e-4")
        assert enrollment is not None and enrollment.role == "instructor"
        # `unspecified` says nothing: no gender record for Sami; Lee's `Female` is one
        genders = {
            (r.student_id, r.content) for r in session.query(Record) if r.category == "gender"
        }
        assert genders == {("u-lee", "female")}


def test_the_directory_shows_and_finds_the_preferred_name(empty: Context) -> None:
    _import(empty, BUNDLE12)
    with empty.transaction() as session:
        entry = lookup(session, empty.profile, "Lena Chen-Ward")
        assert entry is not None and entry.student_id == "u-lee"
        assert entry.items["name"] == "Lena Chen-Ward"
        by_id = lookup(session, empty.profile, "u-sam")
        assert by_id is not None and by_id.items["name"] == "Sami Okafor"
        # the legal name does not find a student who chose another: it would tie the two
        assert lookup(session, empty.profile, "Samuel Okafor") is None
        plain = lookup(session, empty.profile, "Max Planck")
        assert plain is not None and plain.items["name"] == "Max Planck"


def test_tokens_in_another_case_are_normalised_and_counted(empty: Context) -> None:
    summary = _import(empty, BUNDLE12)
    shown = [str(n) for n in summary.normalised]
    assert "classes.csv classType Scheduled -> scheduled (2 rows)" in shown
    assert "roles.csv roleType Primary -> primary (1 rows)" in shown
    assert {
        "file": "orgs.csv",
        "column": "type",
        "written": "School",
        "token": "school",
        "rows": 1,
    } in summary.to_json()["normalised"]


def test_a_11_bundle_with_tokens_in_another_case_imports(empty: Context, tmp_path: Path) -> None:
    folder = _copy(SAMPLE_BUNDLE, tmp_path)
    for old in ("8.01,scheduled", "18.01,scheduled"):
        _edit(folder / "classes.csv", old, old.replace("scheduled", "Scheduled"))
    _edit(folder / "users.csv", ",teacher,emmy,", ",TEACHER,emmy,")
    _edit(folder / "manifest.csv", "file.users,bulk", "file.users,Bulk")
    summary = _import(empty, folder)
    assert [str(n) for n in summary.normalised] == [
        "classes.csv classType Scheduled -> scheduled (2 rows)",
        "manifest.csv value Bulk -> bulk (1 rows)",
        "users.csv role TEACHER -> teacher (1 rows)",
    ]
    with empty.transaction() as session:
        emmy = session.get(Person, "u-emmy")
        assert emmy is not None and emmy.kind == "official"


def test_a_11_bundle_notes_nothing_normalised(empty: Context) -> None:
    summary = _import(empty, SAMPLE_BUNDLE)
    assert summary.version == "1.1" and summary.normalised == []


def _unknown_user(folder: Path) -> None:
    _edit(folder / "roles.csv", "r-5,active,2026-08-01T12:00:00.000Z,u-lise", "r-5,,,u-nobody")
    _edit(folder / "roles.csv", "r-4,", "r-5b,")
    with (folder / "roles.csv").open("a") as handle:
        handle.write("r-6,,,u-lise,primary,teacher,,,org-2,\n")


BROKEN12: list[tuple[str, Any, str, str]] = [
    # name, how to break the bundle, expected place, expected reason
    (
        "a role naming an unknown user",
        _unknown_user,
        "roles.csv line 6, column userSourcedId",
        "`u-nobody` is not in users.csv",
    ),
    (
        "an unknown roleType",
        lambda f: _edit(f / "roles.csv", ",u-lise,primary,", ",u-lise,tertiary,"),
        "roles.csv line 6, column roleType",
        "`tertiary` is not allowed; use one of primary, secondary",
    ),
    (
        "an unknown role",
        lambda f: _edit(f / "roles.csv", ",u-lise,primary,teacher", ",u-lise,primary,techer"),
        "roles.csv line 6, column role",
        "`techer` is not allowed; use one of administrator, aide",
    ),
    (
        "a user with no role",
        lambda f: _drop_lines(f / "roles.csv", "u-lise"),
        "users.csv line 5, column sourcedId",
        "`u-lise` has no role in roles.csv; give it one",
    ),
    (
        "roles.csv missing",
        lambda f: (f / "roles.csv").unlink(),
        "roles.csv:",
        "the manifest declares it; not found",
    ),
    (
        "roles not declared",
        lambda f: _drop_lines(f / "manifest.csv", "file.roles"),
        "manifest.csv:",
        "file.roles is not declared",
    ),
    (
        "roles declared absent",
        lambda f: _edit(f / "manifest.csv", "file.roles,bulk", "file.roles,absent"),
        "manifest.csv line 20, column value",
        "file.roles is absent; 1.2 gives users' roles there",
    ),
    (
        "version 1.3",
        lambda f: _edit(f / "manifest.csv", "oneroster.version,1.2", "oneroster.version,1.3"),
        "manifest.csv line 3, column value",
        "oneroster.version must be 1.1 or 1.2",
    ),
    (
        "a 1.1 users.csv in a 1.2 bundle",
        lambda f: shutil.copy(SAMPLE_BUNDLE / "users.csv", f / "users.csv"),
        "users.csv line 1, column userMasterIdentifier",
        "the header lacks this column",
    ),
    (
        "a preferred name too long",
        lambda f: _edit(f / "users.csv", ",Lena,,", f",{'L' * 201},,"),
        "users.csv line 3, column preferredGivenName",
        "is 201 characters long; at most 200 are kept",
    ),
]


@pytest.mark.parametrize(
    ("name", "breaks", "where", "reason"), BROKEN12, ids=[b[0] for b in BROKEN12]
)
def test_a_broken_12_bundle_is_refused_and_changes_nothing(
    sample: Context, tmp_path: Path, name: str, breaks: Any, where: str, reason: str
) -> None:
    folder = _copy(BUNDLE12, tmp_path)
    breaks(folder)
    before = _counts(sample)
    with pytest.raises(ImportRejected) as error:
        _import(sample, folder)
    message = str(error.value)
    assert message.startswith(where), message
    assert reason in message and message.endswith("nothing was imported"), message
    assert _counts(sample) == before
    with sample.transaction() as session:
        assert session.get(Person, "u-sam") is None


def test_a_12_bundle_over_a_11_store_keeps_it_whole(sample: Context) -> None:
    summary = _import(sample, BUNDLE12)
    assert summary.counts["people"] == 4
    with sample.transaction() as session:
        ada = session.get(Person, "u-ada")
        assert ada is not None and ada.status == "former"  # left out of a bulk users.csv
