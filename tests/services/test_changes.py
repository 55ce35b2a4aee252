"""Consents, authorisations, posting permissions, suppressions: every change recorded and final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from discretion.policy.errors import UnknownInformationError
from discretion.services import (
    ConflictError,
    Context,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from discretion.services.changes import (
    grant_authorization,
    grant_consent,
    grant_web_permission,
    list_consents,
    list_suppressions,
    rescind,
    revoke_authorization,
    revoke_consent,
    revoke_web_permission,
    row_json,
    suppress,
)
from discretion.services.facts import student_json
from discretion.services.people import student
from discretion.store.models import Change, Consent, Person
from tests.actors import acting

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
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-alan",
            recipient_id=None,
            recipient_name="Graduate School of Elsewhere",
            purpose="admission",
            items=["transcript", "grades", "grades"],
            form="email",
            message_id="<abc@test.edu>",
            expires_at=datetime.now(UTC) + timedelta(days=30),
        )
        assert consent.items == ["grades", "transcript"]
    with sample.transaction() as session:
        revoke_consent(session, actor=acting(session, "u-alan"), consent_id=consent.id)
    with sample.transaction() as session, pytest.raises(ConflictError, match="cannot come back"):
        revoke_consent(session, actor=acting(session, "u-alan"), consent_id=consent.id)
    with sample.transaction() as session:
        (listed,) = [
            row_json(c) for c in list_consents(session, acting(session, "u-alan"), "u-alan")
        ]
    assert listed["revoked_by"] == "u-alan" and listed["revoked_at"] is not None
    assert _changes(sample, "u-alan") == [
        ("u-reg", "grant", "consent"),
        ("u-alan", "revoke", "consent"),
    ]


@pytest.mark.parametrize(
    ("recipient_id", "recipient_name", "refused"),
    [
        ("c-acme", None, True),  # an employer in the store: outside
        (None, "Their employer", True),  # named, not in the store: taken as outside
        ("u-emmy", None, False),  # an official of the Institute: inside
    ],
)
def test_a_verbal_consent_to_someone_outside_is_refused_at_grant(
    sample: Context, recipient_id: str | None, recipient_name: str | None, refused: bool
) -> None:
    def grant() -> Consent:
        with sample.transaction() as session:
            return grant_consent(
                session, sample.profile, actor=acting(session, "u-reg"), student_id="u-alan",
                recipient_id=recipient_id, recipient_name=recipient_name, purpose="a job",
                items=["grades"], form="verbal",
            )  # fmt: skip

    if not refused:
        assert grant().form == "verbal"
        return
    with pytest.raises(InvalidRequestError) as error:
        grant()
    assert str(error.value) == (
        "a verbal consent cannot permit a release outside the Institute: the law needs the "
        "student's signed and dated written consent (34 CFR 99.30); record it as written or "
        "signed_authorization with the document's SHA-256 (or as email, with its Message-ID, "
        "for a reference)"
    )
    with sample.transaction() as session:
        assert list_consents(session, acting(session, "u-reg"), "u-alan") == []
    assert _changes(sample, "u-alan") == []


def test_under_the_federal_baseline_the_refusal_speaks_of_the_institution(
    sample: Context,
) -> None:
    from discretion.policy import load_profile

    with (
        sample.transaction() as session,
        pytest.raises(
            InvalidRequestError, match="cannot permit a release outside the institution: "
        ),
    ):
        grant_consent(
            session, load_profile("ferpa"), actor=acting(session, "u-reg"), student_id="u-alan",
            recipient_id="c-acme", recipient_name=None, purpose="a job", items=["grades"],
            form="verbal",
        )  # fmt: skip


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
        arguments["actor"] = acting(session, str(arguments["actor"]))
        grant_consent(session, sample.profile, **arguments)  # type: ignore[arg-type]
    with sample.transaction() as session:
        assert list_consents(session, acting(session, "u-reg"), "u-alan") == []
    assert _changes(sample, "u-alan") == []


def test_a_suppression_outlives_enrollment_and_ends_only_in_writing(sample: Context) -> None:
    with sample.transaction() as session:
        suppression = suppress(
            session,
            sample.profile,
            actor=acting(session, "u-reg"),
            student_id="u-alan",
            item="office_address",
            method="online",
        )
        alan = session.get(Person, "u-alan")
        assert alan is not None
        alan.status = "former"
    with sample.transaction() as session:
        assert student_json(session, student(session, "u-alan"))["suppressed"] == ["office_address"]
        with pytest.raises(InvalidRequestError, match="only by the student's written rescission"):
            rescind(
                session,
                actor=acting(session, "u-reg"),
                suppression_id=suppression.id,
                method="in_person",
            )
    with sample.transaction() as session:
        rescind(
            session, actor=acting(session, "u-reg"), suppression_id=suppression.id, method="written"
        )
    with sample.transaction() as session:
        assert student_json(session, student(session, "u-alan"))["suppressed"] == []
        with pytest.raises(ConflictError, match="already ended"):
            rescind(
                session,
                actor=acting(session, "u-reg"),
                suppression_id=suppression.id,
                method="written",
            )


def test_withholding_everything_and_repeats(sample: Context) -> None:
    with sample.transaction() as session:
        suppress(
            session,
            sample.profile,
            actor=acting(session, "u-alan"),
            student_id="u-alan",
            item=None,
            method="written",
        )
        assert student_json(session, student(session, "u-alan"))["withheld"] is True
    with sample.transaction() as session, pytest.raises(ConflictError, match="already covers"):
        suppress(
            session,
            sample.profile,
            actor=acting(session, "u-alan"),
            student_id="u-alan",
            item=None,
            method="written",
        )
    with sample.transaction() as session:
        with pytest.raises(UnknownInformationError, match="unknown directory item `grades`"):
            suppress(
                session,
                sample.profile,
                actor=acting(session, "u-reg"),
                student_id="u-alan",
                item="grades",
                method="written",
            )
        with pytest.raises(InvalidRequestError, match="unknown request method `fax`"):
            suppress(
                session,
                sample.profile,
                actor=acting(session, "u-reg"),
                student_id="u-alan",
                item="year",
                method="fax",
            )
    assert _changes(sample, "u-alan") == [("u-alan", "withhold", "suppression")]


def test_authorisations_and_posting_permissions_are_granted_and_revoked(sample: Context) -> None:
    with sample.transaction() as session:
        authorization = grant_authorization(
            session, actor=acting(session, "u-reg"), student_id="u-ada", agency="FBI",
            investigation="clearance", document_sha256=HASH,
        )  # fmt: skip
        permission = grant_web_permission(session, sample.profile, actor=acting(session, "u-reg"),
                                          student_id="u-ada", site="physics.test.edu/people",
                                          items=["name", "photo"], form="email",
                                          message_id="<ok@test.edu>")  # fmt: skip
    with sample.transaction() as session:
        revoke_authorization(
            session, actor=acting(session, "u-reg"), authorization_id=authorization.id
        )
        revoke_web_permission(session, actor=acting(session, "u-reg"), permission_id=permission.id)
    with sample.transaction() as session:
        with pytest.raises(ConflictError):
            revoke_web_permission(
                session, actor=acting(session, "u-reg"), permission_id=permission.id
            )
        with pytest.raises(NotFoundError, match="unknown authorization `99`"):
            revoke_authorization(session, actor=acting(session, "u-reg"), authorization_id=99)
        with pytest.raises(InvalidRequestError, match="names the agency"):
            grant_authorization(
                session,
                actor=acting(session, "u-reg"),
                student_id="u-ada",
                agency=" ",
                investigation="x",
                document_sha256=HASH,
            )
        with pytest.raises(InvalidRequestError, match="names its web site"):
            grant_web_permission(
                session,
                sample.profile,
                actor=acting(session, "u-reg"),
                student_id="u-ada",
                site="",
                items=["name"],
                form="verbal",
            )
    actions = [a for _, a, _ in _changes(sample, "u-ada")]
    assert actions.count("grant") == 3 and actions.count("revoke") == 2  # + the imported consent


@pytest.mark.parametrize("actor", ["u-alan", "u-emmy", "c-acme"])
def test_only_the_student_or_the_registrar_changes_a_student_s_choices(
    sample: Context, actor: str
) -> None:
    with sample.transaction() as session:
        who = acting(session, actor)
        with pytest.raises(ForbiddenError, match="only the student or the Registrar"):
            suppress(session, sample.profile, actor=who, student_id="u-ada", item="year",
                     method="written")  # fmt: skip
        with pytest.raises(ForbiddenError, match="only the student or the Registrar"):
            revoke_consent(session, actor=who, consent_id=1)  # Ada's imported consent
        with pytest.raises(ForbiddenError, match="only the student or the Registrar"):
            list_consents(session, who, "u-ada")
    # the import's suppression and consent, and nothing more
    assert [a for _, a, _ in _changes(sample, "u-ada")] == ["suppress", "grant"]


def test_a_student_rescinds_online_and_the_registrar_records_a_written_rescission(
    sample: Context,
) -> None:
    """The student's own signed-in request is their written request; no one else's is."""
    with sample.transaction() as session:
        (suppression,) = list_suppressions(session, acting(session, "u-ada"), "u-ada")
        with pytest.raises(InvalidRequestError, match="only the student rescinds online"):
            rescind(session, actor=acting(session, "u-reg"), suppression_id=suppression.id,
                    method="online")  # fmt: skip
        with pytest.raises(ForbiddenError):
            rescind(session, actor=acting(session, "u-kurt"), suppression_id=suppression.id,
                    method="online")  # fmt: skip
        rescind(session, actor=acting(session, "u-ada"), suppression_id=suppression.id,
                method="online")  # fmt: skip
    with sample.transaction() as session:
        (ended,) = list_suppressions(session, acting(session, "u-reg"), "u-ada")
        assert ended.rescinded_at is not None and ended.rescinded_by == "u-ada"


def test_a_row_of_another_student_looks_like_no_row_to_a_student(sample: Context) -> None:
    with sample.transaction() as session:
        errors = []
        for consent_id in (1, 999):  # 1 is Ada's consent; 999 is nobody's
            try:
                revoke_consent(session, actor=acting(session, "u-alan"), consent_id=consent_id)
            except ForbiddenError as error:
                errors.append(str(error))
        assert len(errors) == 2 and errors[0] == errors[1]
        with pytest.raises(NotFoundError, match="unknown consent `999`"):
            revoke_consent(session, actor=acting(session, "u-reg"), consent_id=999)


def test_a_posting_permission_keeps_its_form_and_evidence(sample: Context) -> None:
    with sample.transaction() as session:
        reg = acting(session, "u-reg")
        with pytest.raises(InvalidRequestError, match="an email posting permission needs"):
            grant_web_permission(session, sample.profile, actor=reg, student_id="u-ada",
                                 site="x.test.edu", items=["name"], form="email")  # fmt: skip
        with pytest.raises(InvalidRequestError, match="a written posting permission needs"):
            grant_web_permission(session, sample.profile, actor=reg, student_id="u-ada",
                                 site="x.test.edu", items=["name"], form="written")  # fmt: skip
        with pytest.raises(InvalidRequestError, match="unknown consent form `nod`"):
            grant_web_permission(session, sample.profile, actor=reg, student_id="u-ada",
                                 site="x.test.edu", items=["name"], form="nod")  # fmt: skip
        made = grant_web_permission(session, sample.profile, actor=reg, student_id="u-ada",
                                    site="x.test.edu", items=["name"], form="written",
                                    document_sha256=HASH)  # fmt: skip
        assert (made.form, made.document_sha256) == ("written", HASH)
