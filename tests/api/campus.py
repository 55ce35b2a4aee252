"""A small campus for the API tests: the sample bundle plus people of every role.

``fill`` runs once per test run and backend, when the template database is
made; ``tokens`` runs on each copy, since a token's secret is shown only once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from discretion.importers.bundle import import_bundle
from discretion.services import Context
from discretion.services.access_requests import file_request
from discretion.services.changes import (
    grant_authorization,
    grant_consent,
    grant_web_permission,
    suppress,
)
from discretion.services.principals import IMPORTER, grant_role
from discretion.services.referrals import open_referral
from discretion.services.tokens import create_token
from discretion.services.webhooks import register
from discretion.store.models import OfficeMember, Person
from tests.actors import acting

SAMPLE_BUNDLE = Path(__file__).parents[1] / "data" / "oneroster" / "bulk"
HASH = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

# principal -> (person, token roles); None: no person (a service)
PRINCIPALS: dict[str, tuple[str | None, list[str]]] = {
    "student": ("u-ada", ["student"]),
    "official": ("u-kurt", ["official"]),
    "office_member": ("u-dean", ["official", "office_member"]),
    "registrar": ("u-reg", ["official", "office_member", "registrar"]),
    "administrator": ("u-admin", ["official", "administrator"]),
    "service": (None, ["service"]),
}
# what the student principal owns, and the same thing of another student
OWN, OTHER = "u-ada", "u-alan"
IDS: dict[str, dict[str, int]] = {}


def fill(context: Context) -> None:
    """Import the sample and add people, choices, referrals, a webhook and tokens."""
    profile = context.profile
    with context.transaction() as session:
        import_bundle(session, profile, SAMPLE_BUNDLE)
        for person_id, given, office in (("u-dean", "Dean", "dean_undergraduate"),
                                         ("u-admin", "Admin", None)):  # fmt: skip
            session.add(Person(id=person_id, kind="official", given_name=given,
                               family_name="Person"))  # fmt: skip
            session.flush()
            if office:
                session.add(OfficeMember(person_id=person_id, office=office))
        grant_role(session, person_id="u-admin", role="administrator")
        ids: dict[str, dict[str, int]] = {"own": {}, "other": {}}
        for side, student in (("own", OWN), ("other", OTHER)):
            ids[side]["consent"] = grant_consent(
                session,
                profile,
                actor=acting(session, "u-reg"),
                student_id=student,
                recipient_id="c-acme",
                recipient_name=None,
                purpose="a job",
                items=["grades"],
                form="written",
                document_sha256=HASH,
            ).id
            ids[side]["authorization"] = grant_authorization(
                session, actor=acting(session, "u-reg"), student_id=student, agency="OPM",
                investigation="clearance", document_sha256=HASH,
            ).id  # fmt: skip
            ids[side]["web_permission"] = grant_web_permission(
                session, profile, actor=acting(session, "u-reg"), student_id=student,
                site="https://lab.test.edu", items=["name"], form="written",
                document_sha256=HASH,
            ).id  # fmt: skip
            ids[side]["suppression"] = suppress(
                session,
                profile,
                actor=acting(session, "u-reg"),
                student_id=student,
                item="permanent_address",
                method="written",
            ).id
            ids[side]["access_request"] = file_request(
                session, actor=acting(session, "u-reg"), student_id=student, method="paper",
                received_at=datetime(2026, 1, 5, tzinfo=UTC),
            ).id  # fmt: skip
        # a parent's request goes to the dean; a degree check to the Registrar
        ids["own"]["referral"] = open_referral(
            session, profile, actor=acting(session, "u-reg"), requester="a parent",
            question={"recipient": {"kind": "parent"}, "information": ["grades"],
                      "student": {"id": OWN}},
        ).id  # fmt: skip
        ids["other"]["referral"] = open_referral(
            session, profile, actor=acting(session, "u-reg"), requester="an employer",
            question={"recipient": {"kind": "employer"}, "information": ["degrees"],
                      "student": {"id": OTHER}},
        ).id  # fmt: skip
        webhook, _ = register(session, url="http://127.0.0.1:9/hook", actor="u-admin")
        ids["own"]["webhook"] = ids["other"]["webhook"] = webhook.id
    IDS.update(ids)


def tokens(context: Context) -> dict[str, str]:
    """Make a token for every principal in this copy of the campus; return their secrets."""
    made = {}
    with context.transaction() as session:
        for name, (person_id, roles) in PRINCIPALS.items():
            _, secret = create_token(
                session, actor=IMPORTER, name=name, roles=roles, person_id=person_id,
                expires_at=datetime(2100, 1, 1, tzinfo=UTC),
            )  # fmt: skip
            made[name] = secret
    return made
