"""An outsider and a student walk every id of a demo campus and learn only the directory.

For each id the store knows (students current, former and withheld, staff,
outside contacts) and ids it does not, the caller asks every door that takes
a student's id. What a record shows must be exactly what the directory shows
the same caller; whatever the directory does not show answers exactly as an
unknown id does; and the doors that are not the caller's answer every id
alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from discretion.api.app import create_app
from discretion.importers.demo import DEMO_PEOPLE, build_demo
from discretion.services import Context
from discretion.store.models import Person
from tests.api.conftest import settings
from tests.conftest import _fresh
from tests.databases import Templates

STUDENTS = 40
UNKNOWN = ("nobody-at-all", "student-999999", "staff-teacher-99")
# doors that belong to the student and the Registrar: anyone else is refused, whatever the id
KEPT = ("suppressions", "consents", "authorizations", "web-permissions", "disclosures", "accesses")


def _demo(context: Context) -> None:
    build_demo(context, STUDENTS, 3)


@pytest.fixture
def demo_db(templates: Templates, backend: str, tmp_path: Path) -> Iterator[Context]:
    yield from _fresh(templates, backend, "demo-walk", _demo, tmp_path)


def _signed_in(client: TestClient, person_id: str) -> TestClient:
    answer = client.post("/auth/demo", json={"person_id": person_id})
    assert answer.status_code == 200, answer.text
    return client


@pytest.mark.parametrize("caller", [DEMO_PEOPLE["employer"], "student-000003"])
def test_walking_every_id_learns_nothing_beyond_the_directory(
    demo_db: Context, caller: str
) -> None:
    app = create_app(settings(demo=True), demo_db)
    with demo_db.transaction() as session:
        known = list(session.scalars(select(Person.id).order_by(Person.id)))
    client = _signed_in(TestClient(app, follow_redirects=False), caller)
    unknown_record = client.get(f"/v1/students/{UNKNOWN[0]}/record")
    unknown_entry = client.get("/v1/directory", params={"q": UNKNOWN[0]})
    assert unknown_record.status_code == unknown_entry.status_code == 404
    kept = {door: client.get(f"/v1/students/{UNKNOWN[0]}/{door}") for door in KEPT}
    asked = client.post(
        "/v1/decisions",
        json={"recipient": {"kind": "public"}, "information": ["grades"],
              "student": {"id": UNKNOWN[0]}},
    )  # fmt: skip
    shown, hidden, notices = 0, 0, set()
    for student_id in [*known, *UNKNOWN]:
        if student_id == caller:
            continue
        record = client.get(f"/v1/students/{student_id}/record")
        entry = client.get("/v1/directory", params={"q": student_id})
        if entry.status_code == 404:
            hidden += 1
            assert entry.content == unknown_entry.content
            assert record.status_code == 404 and record.content == unknown_record.content
        else:
            shown += 1
            assert entry.status_code == record.status_code == 200, (student_id, record.text)
            released = record.json()
            items = {i["item"]: i["values"] for i in released["items"]}
            assert items == {k: [v] for k, v in entry.json()["items"].items()}, student_id
            assert all(i["subject"] is None for i in released["items"])
            assert (released["notice"], released["logged"], released["own_notes"]) == (
                None, None, []
            )  # fmt: skip
            assert entry.json()["withheld"] is False
            notices.add(json.dumps(released["not_shown"], sort_keys=True))
        for door, refused in kept.items():
            again = client.get(f"/v1/students/{student_id}/{door}")
            assert (again.status_code, again.content) == (refused.status_code, refused.content)
        question = {"recipient": {"kind": "public"}, "information": ["grades"],
                    "student": {"id": student_id}}  # fmt: skip
        answer = client.post("/v1/decisions", json=question)
        assert (answer.status_code, answer.content) == (asked.status_code, asked.content)
    # the walk met both kinds, and what is not shown is described the same way for everyone
    assert shown >= STUDENTS // 2 and hidden >= len(UNKNOWN) + 10
    assert len(notices) == 1
    assert {r.status_code for r in kept.values()} == {403} and asked.status_code == 403
