"""Every route, as every role, about the caller's own student (or subject) and another's.

The expected status of each cell is written out below; the test first
checks that the table names every route of the app, so a new route cannot
go untested. Writes run on a fresh copy of the campus per cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from discretion.api.app import create_app
from discretion.services.log_keys import LogKey
from tests.api import campus
from tests.api.conftest import Api, make_api, settings
from tests.conftest import TEST_LOG_KEY, _fresh
from tests.databases import Templates

ROLES = ("anonymous", "student", "official", "office_member", "registrar", "administrator",
         "service")  # fmt: skip
SIDES = ("own", "other")
HASH = campus.HASH

# a cell: one status for every side, or {"own": ..., "other": ...}
Cell = int | dict[str, int]


def row(default: int, anonymous: int = 401, **by_role: Cell) -> dict[str, Cell]:
    """Return a route's row: ``default`` for roles not named."""
    return {role: by_role.get(role, anonymous if role == "anonymous" else default)
            for role in ROLES}  # fmt: skip


STUDENT_OWN = {"own": 200, "other": 403}
STUDENT_OWN_201 = {"own": 201, "other": 403}
ANYONE = row(200, anonymous=200)
PEOPLE = row(200, service=403)
KEEPER_READ = row(403, student=STUDENT_OWN, registrar=200)
KEEPER_WRITE = row(403, student=STUDENT_OWN_201, registrar=201)
KEEPER_REVOKE = row(403, student=STUDENT_OWN, registrar=200)
NO_COPY = row(403, student={"own": 404, "other": 403}, registrar=404)

# (method, path) -> (request body or None, the row of statuses)
MATRIX: dict[tuple[str, str], tuple[Any, dict[str, Cell]]] = {
    ("GET", "/openapi.json"): (None, ANYONE),
    ("GET", "/docs"): (None, ANYONE),
    ("GET", "/healthz"): (None, ANYONE),
    ("GET", "/readyz"): (None, ANYONE),
    ("GET", "/v1/me"): (None, row(200)),
    ("POST", "/v1/decisions"): (
        {"recipient": {"kind": "public"}, "information": ["name"], "student": {"id": "{student}"}},
        row(200, student=STUDENT_OWN),
    ),
    ("GET", "/v1/students/{student_id}/record"): (None, PEOPLE),
    ("GET", "/v1/students/{student_id}/suppressions"): (None, KEEPER_READ),
    ("POST", "/v1/students/{student_id}/suppressions"): ({"item": "year"}, KEEPER_WRITE),
    ("POST", "/v1/suppressions/{suppression_id}/rescind"): ({}, KEEPER_REVOKE),
    ("GET", "/v1/students/{student_id}/consents"): (None, KEEPER_READ),
    ("POST", "/v1/students/{student_id}/consents"): (
        {
            "recipient_id": "c-acme",
            "purpose": "a job",
            "items": ["grades"],
            "form": "email",
            "message_id": "<a@b.example>",
        },
        KEEPER_WRITE,
    ),  # fmt: skip
    ("POST", "/v1/consents/{consent_id}/revoke"): (None, KEEPER_REVOKE),
    ("GET", "/v1/students/{student_id}/authorizations"): (None, KEEPER_READ),
    ("POST", "/v1/students/{student_id}/authorizations"): (
        {"agency": "OPM", "investigation": "clearance", "document_sha256": HASH},
        KEEPER_WRITE,
    ),
    ("POST", "/v1/authorizations/{authorization_id}/revoke"): (None, KEEPER_REVOKE),
    ("GET", "/v1/students/{student_id}/web-permissions"): (None, KEEPER_READ),
    ("POST", "/v1/students/{student_id}/web-permissions"): (
        {
            "site": "https://club.test.edu",
            "items": ["name"],
            "form": "email",
            "message_id": "<ok@test.edu>",
        },
        KEEPER_WRITE,
    ),
    ("POST", "/v1/web-permissions/{permission_id}/revoke"): (None, KEEPER_REVOKE),
    ("GET", "/v1/students/{student_id}/disclosures"): (None, KEEPER_READ),
    ("GET", "/v1/students/{student_id}/accesses"): (None, KEEPER_READ),
    ("GET", "/v1/access-journal"): (None, row(403, registrar=200)),
    # own: a subject the official is assigned to; other: one they are not
    ("GET", "/v1/subjects/{subject}/class-list"): (
        None,
        row(403, official={"own": 200, "other": 403}),
    ),  # fmt: skip
    ("GET", "/v1/directory"): (None, PEOPLE),
    ("GET", "/v1/public/directory"): (None, ANYONE),
    ("GET", "/v1/disclosures"): (None, row(403, registrar=200)),
    ("GET", "/v1/disclosures/verification"): (None, row(403, registrar=200, administrator=200)),
    ("POST", "/v1/referrals"): (
        {
            "question": {
                "recipient": {"kind": "parent"},
                "information": ["grades"],
                "student": {"id": "{student}"},
            },
            "requester": "a parent",
        },
        row(201, student=403),
    ),  # fmt: skip
    ("GET", "/v1/referrals"): (None, row(403, office_member=200, registrar=200, administrator=200)),
    # own: a referral of the dean's office; other: one of the Registrar's
    ("POST", "/v1/referrals/{referral_id}/assign"): (
        {"assignee_id": "{assignee}"},
        row(403, office_member={"own": 200, "other": 403}, registrar={"own": 403, "other": 200}),
    ),
    ("POST", "/v1/referrals/{referral_id}/close"): (
        {"outcome": "answered by letter"},
        row(403, office_member={"own": 200, "other": 403}, registrar={"own": 403, "other": 200}),
    ),
    ("POST", "/v1/access-requests"): (
        {"student_id": "{student}", "method": "online"},
        row(403, student=STUDENT_OWN_201),
    ),
    ("GET", "/v1/access-requests"): (None, row(403, student=200, registrar=200)),
    ("GET", "/v1/access-requests/{request_id}"): (None, KEEPER_READ),
    ("POST", "/v1/access-requests/{request_id}/pause"): (
        {"reason": "checking who wrote"},
        row(403, registrar=200),
    ),
    # nothing is paused on the campus
    ("POST", "/v1/access-requests/{request_id}/resume"): (None, row(403, registrar=409)),
    ("POST", "/v1/access-requests/{request_id}/fulfil"): (None, row(403, registrar=200)),
    ("POST", "/v1/access-requests/{request_id}/refuse"): (
        {"reason": "not the student's signature"},
        row(403, registrar=200),
    ),
    ("POST", "/v1/access-requests/{request_id}/withdraw"): (None, KEEPER_REVOKE),
    ("POST", "/v1/access-requests/{request_id}/copy"): (None, row(403, registrar=201)),
    # no copy is compiled on the campus: none to release, none to download
    ("POST", "/v1/access-requests/{request_id}/copy/release"): (None, row(403, registrar=409)),
    ("GET", "/v1/access-requests/{request_id}/copies"): (None, KEEPER_READ),
    ("GET", "/v1/access-requests/{request_id}/copy.pdf"): (None, NO_COPY),
    ("GET", "/v1/access-requests/{request_id}/copy.json"): (None, NO_COPY),
    ("GET", "/v1/privacy-changes"): (None, row(403, service=200, registrar=200, administrator=200)),
    ("POST", "/v1/webhooks"): ({"url": "http://127.0.0.1:9/other"}, row(403, administrator=201)),
    ("GET", "/v1/webhooks"): (None, row(403, administrator=200)),
    ("POST", "/v1/webhooks/{webhook_id}/disable"): (None, row(403, administrator=200)),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): (None, row(403, administrator=200)),
    # sign-in: no OpenID provider and no demo here, so those doors do not exist
    ("GET", "/auth/login"): (None, row(404, anonymous=404)),
    ("GET", "/auth/callback"): (None, row(404, anonymous=404)),
    ("POST", "/auth/logout"): (None, row(204, anonymous=204)),
    ("GET", "/auth/demo"): (None, row(404, anonymous=404)),
    ("POST", "/auth/demo"): ({"person_id": "u-ada"}, row(404, anonymous=404)),
}


def app_routes() -> set[tuple[str, str]]:
    """Every (method, path) the app answers, read from the app itself."""
    app = create_app(settings(), _UnusedContext())  # type: ignore[arg-type]
    found = set()
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        entries = list(contexts()) if contexts else [route]
        for entry in entries:
            for method in getattr(entry, "methods", None) or ():
                if method != "HEAD":
                    found.add((method, str(getattr(entry, "path", ""))))
    return found


class _UnusedContext:
    """The route table needs no database (nor a log key, but the app wants one)."""

    profile = None
    log_key = LogKey(TEST_LOG_KEY)


def test_the_matrix_names_every_route_of_the_app() -> None:
    routes = app_routes()
    assert routes == set(MATRIX), (
        f"untested: {sorted(routes - set(MATRIX))}; gone: {sorted(set(MATRIX) - routes)}"
    )


def _fill(text: str, side: str, principal: str) -> str:
    ids = campus.IDS[side]
    student = campus.OWN if side == "own" else campus.OTHER
    return (
        text.replace("{student_id}", student)
        .replace("{student}", student)
        .replace("{suppression_id}", str(ids["suppression"]))
        .replace("{consent_id}", str(ids["consent"]))
        .replace("{authorization_id}", str(ids["authorization"]))
        .replace("{permission_id}", str(ids["web_permission"]))
        .replace("{referral_id}", str(ids["referral"]))
        .replace("{webhook_id}", str(ids["webhook"]))
        .replace("{request_id}", str(ids["access_request"]))
        .replace("{subject}", "cls-801" if side == "own" else "cls-1801")
        .replace("{assignee}", campus.PRINCIPALS.get(principal, (None, []))[0] or "nobody")
    )


def _body(body: Any, side: str, principal: str) -> Any:
    if isinstance(body, dict):
        return {k: _body(v, side, principal) for k, v in body.items()}
    if isinstance(body, str):
        return _fill(body, side, principal)
    return body


def _query(path: str, side: str) -> dict[str, str]:
    if path.endswith("directory"):
        return {"q": campus.OWN if side == "own" else campus.OTHER}
    return {}


CELLS = [(method, path, role, side) for (method, path) in MATRIX for role in ROLES
         for side in SIDES]  # fmt: skip


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, templates: Templates) -> Iterator[Api]:
    """One campus for the cells that change nothing."""
    folder = tmp_path_factory.mktemp("matrix")
    for context in _fresh(templates, "sqlite", "campus", campus.fill, folder):
        made = make_api(context)
        with made.client:
            yield made


def _status(api: Api, method: str, path: str, role: str, side: str) -> int:
    body, _ = MATRIX[(method, path)]
    response = api.client.request(
        method,
        _fill(path, side, role),
        params=_query(path, side),
        json=_body(body, side, role) if method == "POST" else None,
        headers=api.auth(role),
    )
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}, response.text
    return response.status_code


@pytest.mark.parametrize(("method", "path", "role", "side"), CELLS,
                         ids=[f"{m} {p} {r} {s}" for m, p, r, s in CELLS])  # fmt: skip
def test_each_cell_has_its_status(
    method: str,
    path: str,
    role: str,
    side: str,
    shared: Api,
    templates: Templates,
    tmp_path: Path,
) -> None:
    expected = MATRIX[(method, path)][1][role]
    want = expected if isinstance(expected, int) else expected[side]
    if method == "GET":
        got = _status(shared, method, path, role, side)
    else:
        for context in _fresh(templates, "sqlite", "campus", campus.fill, tmp_path):
            made = make_api(context)
            with made.client:
                got = _status(made, method, path, role, side)
    assert got == want
