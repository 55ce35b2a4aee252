"""Consents, authorisations, posting permissions, suppressions: every change recorded and final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from discretion.policy.errors import UnknownInformationError
from discretion.services import ConflictError, Context, InvalidRequestError, NotFoundError
from discretion.services.changes import (
    grant_authorization,
    grant_consent,
    grant_web_permission,
    list_consents,
    rescind,
    revoke_authorization,
    revoke_consent,
    revoke_web_permission,
    row_json,
    suppress,
)
from discretion.services.facts import student_json
from discretion.services.people import student
from discretion.store.models import Change, Person

HASH = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"


def _changes(context: Context, student_id: str) -> list[tuple[str, str, str]]:
    with context.transaction() as session:
        rows = session.scalars(
            select(Change).where(Change.student_id == student_id).order_by(Change.id)
        )
        return [(c.actor, c.action, c.entity) for c in rows]


def test_a_consent_is_granted_listed_and_revoked_for_good(sample: Context) -> None:
    with sample.transaction() as session:
        consent = grant_consent(
            session, sample.profile, actor="u-reg", student_id="u-alan", recipient_id=None,
            recipient_name="Graduate School of Elsewhere", purpose="admission",
            items=["transcript", "grades", "grades"], form="email", message_id="<abc@test.edu>",
            expires_at=datetime.now(UTC) + timedelta(days=30),
        )  # fmt: skip
        assert consent.items == ["grades", "transcript"]
    with sample.transaction() as session:
        revoke_consent(session, actor="u-alan", consent_id=consent.id)
    with sample.transaction() as session, pytest.raises(ConflictError, match="cannot come back"):
        revoke_consent(session, actor="u-alan", consent_id=consent.id)
    with sample.transaction() as session:
        (listed,) = [row_json(c) for c in list_consents(session, "u-alan")]
    assert listed["revoked_by"] == "u-alan" and listed["revoked_at"] is not None
    assert _changes(sample, "u-alan") == [
        ("u-reg", "grant", "consent"),
        ("u-alan", "revoke", "consent"),
    ]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"form": "telepathy"}, InvalidRequestError, "unknown consent form `telepathy`"),
        ({"purpose": "  "}, InvalidRequestError, "names its purpose"),
        ({"form": "email"}, InvalidRequestError, "needs the email's message id"),
        ({"form": "written"}, InvalidRequestError, "needs the SHA-256 of the signed document"),
        (
            {"form": "written", "document_sha256": "abc"},
            InvalidRequestError,
            "is not a SHA-256 digest",
        ),
        ({"items": ["marks"]}, UnknownInformationError, "unknown information item `marks`"),
        ({"items": []}, InvalidRequestError, "name at least one information item"),
        ({"recipient_name": None}, InvalidRequestError, "names its recipient"),
        ({"student_id": "u-emmy"}, InvalidRequestError, "`u-emmy` is not a student"),
        ({"student_id": "u-nobody"}, NotFoundError, "unknown person `u-nobody`"),
        ({"actor": "u-nobody"}, NotFoundError, "unknown person `u-nobody`"),
        ({"expires_at": datetime(2000, 1, 1, tzinfo=UTC)}, InvalidRequestError, "expire before"),
    ],
)
def test_a_malformed_consent_is_refused_and_nothing_is_written(
    sample: Context, options: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {
        "actor": "u-reg", "student_id": "u-alan", "recipient_id": None, "recipient_name": "X",
        "purpose": "admission", "items": ["grades"], "form": "verbal",
    } | options  # fmt: skip
    with pytest.raises(error, match=message), sample.transaction() as session:
        grant_consent(session, sample.profile, **arguments)  # type: ignore[arg-type]
    with sample.transaction() as session:
        assert list_consents(session, "u-alan") == []
    assert _changes(sample, "u-alan") == []


def test_a_suppression_outlives_enrollment_and_ends_only_in_writing(sample: Context) -> None:
    with sample.transaction() as session:
        suppression = suppress(session, sample.profile, actor="u-reg", student_id="u-alan",
                               item="office_address", method="online")  # fmt: skip
        alan = session.get(Person, "u-alan")
        assert alan is not None
        alan.status = "former"
    with sample.transaction() as session:
        assert student_json(session, student(session, "u-alan"))["suppressed"] == ["office_address"]
        with pytest.raises(InvalidRequestError, match="only by the student's written rescission"):
            rescind(session, actor="u-reg", suppression_id=suppression.id, method="in_person")
    with sample.transaction() as session:
        rescind(session, actor="u-reg", suppression_id=suppression.id, method="written")
    with sample.transaction() as session:
        assert student_json(session, student(session, "u-alan"))["suppressed"] == []
        with pytest.raises(ConflictError, match="already ended"):
            rescind(session, actor="u-reg", suppression_id=suppression.id, method="written")


def test_withholding_everything_and_repeats(sample: Context) -> None:
    with sample.transaction() as session:
        suppress(session, sample.profile, actor="u-alan", student_id="u-alan", item=None,
                 method="written")  # fmt: skip
        assert student_json(session, student(session, "u-alan"))["withheld"] is True
    with sample.transaction() as session, pytest.raises(ConflictError, match="already covers"):
        suppress(session, sample.profile, actor="u-alan", student_id="u-alan", item=None,
                 method="written")  # fmt: skip
    with sample.transaction() as session:
        with pytest.raises(UnknownInformationError, match="unknown directory item `grades`"):
            suppress(session, sample.profile, actor="u-reg", student_id="u-alan", item="grades",
                     method="written")  # fmt: skip
        with pytest.raises(InvalidRequestError, match="unknown request method `fax`"):
            suppress(session, sample.profile, actor="u-reg", student_id="u-alan", item="year",
                     method="fax")  # fmt: skip
    assert _changes(sample, "u-alan") == [("u-alan", "withhold", "suppression")]


def test_authorisations_and_posting_permissions_are_granted_and_revoked(sample: Context) -> None:
    with sample.transaction() as session:
        authorization = grant_authorization(
            session, actor="u-reg", student_id="u-ada", agency="FBI",
            investigation="clearance", document_sha256=HASH,
        )  # fmt: skip
        permission = grant_web_permission(session, sample.profile, actor="u-reg",
                                          student_id="u-ada", site="physics.test.edu/people",
                                          items=["name", "photo"])  # fmt: skip
    with sample.transaction() as session:
        revoke_authorization(session, actor="u-reg", authorization_id=authorization.id)
        revoke_web_permission(session, actor="u-reg", permission_id=permission.id)
    with sample.transaction() as session:
        with pytest.raises(ConflictError):
            revoke_web_permission(session, actor="u-reg", permission_id=permission.id)
        with pytest.raises(NotFoundError, match="unknown authorization `99`"):
            revoke_authorization(session, actor="u-reg", authorization_id=99)
        with pytest.raises(InvalidRequestError, match="names the agency"):
            grant_authorization(session, actor="u-reg", student_id="u-ada", agency=" ",
                                investigation="x", document_sha256=HASH)  # fmt: skip
        with pytest.raises(InvalidRequestError, match="names its web site"):
            grant_web_permission(session, sample.profile, actor="u-reg", student_id="u-ada",
                                 site="", items=["name"])  # fmt: skip
    actions = [a for _, a, _ in _changes(sample, "u-ada")]
    assert actions.count("grant") == 3 and actions.count("revoke") == 2  # + the imported consent
