"""A synthetic campus: the same bundle for the same seed.

``write_demo_bundle`` writes a OneRoster 1.1 bundle with Discretion's CSV
files beside it: students and their directory entries, subjects, staff,
advisors, offices, parents, a few employers and agencies, grades and notes,
some suppressions (about 1 in 25 students), withholdings (about 1 in 100)
and consents. ``build_demo`` imports it.
"""

from __future__ import annotations

import csv
import hashlib
import random
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from faker import Faker
from sqlalchemy import func, select

from discretion.importers.bundle import ImportSummary, import_bundle
from discretion.importers.errors import CampusExists
from discretion.importers.extras import EXTRAS, OPTIONAL
from discretion.importers.oneroster import FILES, IGNORED
from discretion.services.changes import grant_authorization
from discretion.services.context import Context
from discretion.services.principals import IMPORTER, grant_role
from discretion.services.waivers import record_waiver
from discretion.store.models import Person

__all__ = ["DEMO_PEOPLE", "build_demo", "write_demo_bundle"]

DEPARTMENTS = [("1", "Civil Engineering"), ("2", "Mechanical Engineering"), ("6", "EECS"),
               ("7", "Biology"), ("8", "Physics"), ("10", "Chemical Engineering"),
               ("14", "Economics"), ("18", "Mathematics"), ("21", "Humanities")]  # fmt: skip
OFFICES = ("registrar", "financial_aid", "dean_undergraduate", "dean_graduate", "health_services")
GRADES = ("A", "A", "B", "B", "B", "C", "D", "F", "P")
# well-known people of the demo campus, for the README and the demo sign-in
DEMO_PEOPLE = {
    "administrator": "staff-admin-1",
    "registrar": "staff-registrar-1",
    "employer": "contact-employer-1",
    "agency": "contact-agency-1",
}
TERM = "term-fall"
YEAR = "year-current"


def _write(folder: Path, name: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_demo_bundle(folder: Path, students: int, seed: int) -> None:
    """Write a demo bundle of ``students`` students into ``folder``."""
    rng, fake = random.Random(seed), Faker("en_US")
    fake.seed_instance(seed)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = [{"propertyName": "manifest.version", "value": "1.0"},
                {"propertyName": "oneroster.version", "value": "1.1"}]  # fmt: skip
    for name in (*FILES, *IGNORED):
        mode = "bulk" if name in FILES else "absent"
        manifest.append({"propertyName": f"file.{name}", "value": mode})
    manifest.append({"propertyName": "source.systemName", "value": "Discretion demo"})
    _write(folder, "manifest.csv", ("propertyName", "value"), manifest)
    _write(folder, "orgs.csv", FILES["orgs"],
           [{"sourcedId": "org-mit", "name": "Demo Institute", "type": "school"}])  # fmt: skip
    start = date(2026, 9, 2)
    _write(folder, "academicSessions.csv", FILES["academicSessions"], [
        {"sourcedId": YEAR, "title": "2026-2027", "type": "schoolYear",
         "startDate": start.isoformat(), "endDate": "2027-06-01", "schoolYear": "2027"},
        {"sourcedId": TERM, "title": "Fall 2026", "type": "term", "startDate": start.isoformat(),
         "endDate": "2026-12-20", "parentSourcedId": YEAR, "schoolYear": "2027"},
    ])  # fmt: skip

    subject_count = max(4, students // 20)
    subjects = []
    for index in range(subject_count):
        number, department = DEPARTMENTS[index % len(DEPARTMENTS)]
        code = f"{number}.{100 + index}"
        subjects.append((f"class-{index + 1}", f"course-{index + 1}", code, department))
    _write(folder, "courses.csv", FILES["courses"], [
        {"sourcedId": course, "schoolYearSourcedId": YEAR, "title": f"{department} {code}",
         "courseCode": code, "orgSourcedId": "org-mit"}
        for _, course, code, department in subjects
    ])  # fmt: skip
    _write(folder, "classes.csv", FILES["classes"], [
        {"sourcedId": sid, "title": f"{department} {code}", "courseSourcedId": course,
         "classCode": code, "classType": "scheduled", "schoolSourcedId": "org-mit",
         "termSourcedIds": TERM}
        for sid, course, code, department in subjects
    ])  # fmt: skip

    users: list[dict[str, Any]] = []
    extras: dict[str, list[dict[str, Any]]] = {name: [] for name in EXTRAS}
    used_usernames: set[str] = set()

    def person(sid: str, role: str, first: str, last: str, **more: Any) -> dict[str, Any]:
        base = f"{first[0]}{last}".lower().replace("'", "")[:12]
        username, n = base, 1
        while username in used_usernames:
            n += 1
            username = f"{base}{n}"
        used_usernames.add(username)
        row = {"sourcedId": sid, "enabledUser": "true", "orgSourcedIds": "org-mit", "role": role,
               "username": username, "givenName": first, "familyName": last,
               "email": f"{username}@demo.edu", **more}  # fmt: skip
        users.append(row)
        return row

    teachers = [f"staff-teacher-{i + 1}" for i in range(max(2, students // 25))]
    for sid in teachers:
        person(sid, "teacher", fake.first_name(), fake.last_name())
    aides = [f"staff-ta-{i + 1}" for i in range(max(2, students // 50))]
    for sid in aides:
        person(sid, "aide", fake.first_name(), fake.last_name())
    for office in OFFICES:
        for i in range(3 if office == "registrar" else 2):
            sid = f"staff-{office.replace('_', '-')}-{i + 1}"
            person(sid, "administrator", fake.first_name(), fake.last_name())
            extras["discretion-offices.csv"].append({"userSourcedId": sid, "office": office})
    # the IT administrator who registers webhooks and reads the queues of every office
    person(DEMO_PEOPLE["administrator"], "administrator", "Robin", "Systems")
    contacts = [
        (DEMO_PEOPLE["employer"], "employer", "Acme Robotics"),
        ("contact-employer-2", "employer", "Northwind Analytics"),
        (DEMO_PEOPLE["agency"], "law_enforcement", "Federal Bureau of Investigation"),
        ("contact-school-1", "other_institution", "Graduate School of Somewhere"),
        ("contact-reporter-1", "media", "The Daily Record"),
    ]
    for sid, kind, organization in contacts:
        extras["discretion-contacts.csv"].append(
            {"sourcedId": sid, "givenName": fake.first_name(), "familyName": fake.last_name(),
             "recipientKind": kind, "organization": organization,
             "email": f"{sid}@example.com"}
        )  # fmt: skip

    enrollments, demographics, roster = [], [], []
    for index in range(students):
        sid = f"student-{index + 1:06d}"
        first, last = fake.first_name(), fake.last_name()
        graduate = rng.random() < 0.3
        former = rng.random() < 0.05
        parents = []
        if not graduate and rng.random() < 0.1:
            parent_id = f"parent-{index + 1:06d}"
            person(parent_id, "parent", fake.first_name(), last, agentSourcedIds=sid)
            parents.append(parent_id)
        roster.append(person(sid, "student", first, last, phone=fake.numerify("617-###-####"),
                             agentSourcedIds=",".join(parents)))  # fmt: skip
        born = date(2000, 1, 1) + timedelta(days=rng.randrange(3650))
        demographics.append({"sourcedId": sid, "birthDate": born.isoformat(),
                             "sex": rng.choice(("male", "female"))})  # fmt: skip
        number, _ = rng.choice(DEPARTMENTS)
        year = "G" if graduate else str(rng.randint(1, 4))
        extras["discretion-students.csv"].append(
            {"sourcedId": sid, "level": "graduate" if graduate else "undergraduate",
             "status": "former" if former else "current"}
        )  # fmt: skip
        directory = {
            "course": number,
            "year": year,
            "registration_type": rng.choice(("regular", "regular", "regular", "special")),
            "term_address": f"{rng.randint(1, 999)} Memorial Drive, Room {rng.randint(100, 599)}",
            "permanent_address": fake.address().replace("\n", ", "),
            "dates_of_attendance": "2023-09 to present" if not former else "2019-09 to 2023-06",
        }
        if graduate:
            directory["office_address"] = f"{number}-{rng.randint(100, 499)}"
            directory["office_phone"] = fake.numerify("617-253-####")
        if former:
            directory["degrees"] = f"S.B. Course {number}, 2023"
        for item, value in directory.items():
            extras["discretion-directory.csv"].append({"sourcedId": sid, "item": item,
                                                       "value": value})  # fmt: skip
        extras["discretion-advising.csv"].append(
            {"advisorSourcedId": rng.choice(teachers), "studentSourcedId": sid}
        )
        for class_id, _, code, _ in rng.sample(subjects, min(4, len(subjects))):
            enrollments.append({"sourcedId": f"enr-{sid}-{class_id}", "classSourcedId": class_id,
                                "schoolSourcedId": "org-mit", "userSourcedId": sid,
                                "role": "student", "primary": "false"})  # fmt: skip
            extras["discretion-records.csv"].append(
                {"studentSourcedId": sid, "category": "grades",
                 "content": f"{code}: {rng.choice(GRADES)}", "classSourcedId": class_id,
                 "shared": "true"}
            )  # fmt: skip
        if rng.random() < 0.05:
            extras["discretion-records.csv"].append(
                {"studentSourcedId": sid, "category": "advising_notes",
                 "content": "Private reminder: follow up after midterms.",
                 "madeBy": extras["discretion-advising.csv"][-1]["advisorSourcedId"],
                 "shared": "false"}
            )  # fmt: skip
        if rng.random() < 0.01:
            extras["discretion-records.csv"].append(
                {"studentSourcedId": sid, "category": "disciplinary",
                 "content": "Committee on Discipline: warning.", "shared": "true"}
            )  # fmt: skip
        roll = rng.random()
        if roll < 0.01:
            extras["discretion-suppressions.csv"].append(
                {"sourcedId": sid, "item": "*", "requestedAt": "2026-09-01T12:00:00Z",
                 "method": "written"}
            )  # fmt: skip
        elif roll < 0.05:
            for item in rng.sample(("term_address", "term_phone", "permanent_address", "email"),
                                   rng.randint(1, 2)):  # fmt: skip
                extras["discretion-suppressions.csv"].append(
                    {"sourcedId": sid, "item": item, "requestedAt": "2026-09-01T12:00:00Z",
                     "method": rng.choice(("written", "online"))}
                )  # fmt: skip
        if rng.random() < 0.02:
            extras["discretion-consents.csv"].append(
                {"studentSourcedId": sid, "recipientSourcedId": DEMO_PEOPLE["employer"],
                 "recipientName": "Acme Robotics", "purpose": "summer internship application",
                 "items": "grades transcript", "form": "written",
                 "grantedAt": "2026-10-01T09:00:00Z", "expiresAt": "2027-10-01T09:00:00Z",
                 "documentSha256": _digest(f"consent {sid}")}
            )  # fmt: skip
    for class_id, *_ in subjects:
        enrollments.append({"sourcedId": f"enr-teach-{class_id}", "classSourcedId": class_id,
                            "schoolSourcedId": "org-mit", "userSourcedId": rng.choice(teachers),
                            "role": "teacher", "primary": "true"})  # fmt: skip
        enrollments.append({"sourcedId": f"enr-ta-{class_id}", "classSourcedId": class_id,
                            "schoolSourcedId": "org-mit", "userSourcedId": rng.choice(aides),
                            "role": "aide", "primary": "false"})  # fmt: skip
    extras["discretion-records.csv"] += _first_students_file(roster, teachers)
    _write(folder, "users.csv", FILES["users"], users)
    _write(folder, "enrollments.csv", FILES["enrollments"], enrollments)
    _write(folder, "demographics.csv", FILES["demographics"], demographics)
    for name, (columns, _) in EXTRAS.items():
        _write(folder, name, (*columns, *OPTIONAL.get(name, ())), extras[name])


def _first_students_file(roster: list[dict[str, Any]], teachers: list[str]) -> list[dict[str, Any]]:
    """Return records of the first student that name three classmates, as records do.

    One by full name (and once split across a line), one by username, one by
    initial and surname; with a note its maker kept to themself and a letter of
    recommendation the student waived the right to see (``build_demo``
    records the waiver): the demo of an access request's redacted copy.
    """
    if len(roster) < 4:
        return []
    me, one, two, three = (row for row in roster[:4])
    sid, teacher = me["sourcedId"], teachers[0]
    notes = [
        ("advising_notes", f"Met with {me['givenName']} and {one['givenName']} "
         f"{one['familyName']} about their joint lab report; {one['givenName']} will send "
         "the draft by Friday.", "true", ""),
        ("coursework", f"Peer review for the design project was assigned by {two['username']} "
         "on the course site.", "true", ""),
        ("advising_notes", f"Group work with {three['givenName'][0]}. {three['familyName']} "
         "went well; keep the same group next term.", "true", ""),
        ("coursework", f"Lab partner for the term: {one['givenName']}\n{one['familyName']}.",
         "true", ""),
        ("advising_notes", "Private reminder: ask how the internship search is going.",
         "false", ""),
        ("admissions", f"Letter for graduate admission: {me['givenName']} is among the "
         "strongest students I have taught.", "true", "admission"),
    ]  # fmt: skip
    return [{"studentSourcedId": sid, "category": category, "content": content,
             "madeBy": teacher, "shared": shared, "letterFor": letter}
            for category, content, shared, letter in notes]  # fmt: skip


def build_demo(context: Context, students: int, seed: int) -> ImportSummary:
    """Build the demo campus into the store, in one transaction.

    Raises:
        CampusExists: the store already holds people (a campus, demo or imported).
    """
    with context.transaction() as session:
        people = session.scalar(select(func.count()).select_from(Person))
    if people:
        raise CampusExists(people)
    with tempfile.TemporaryDirectory(prefix="discretion-demo-") as tmp:
        folder = Path(tmp)
        write_demo_bundle(folder, students, seed)
        with context.transaction() as session:
            summary = import_bundle(session, context.profile, folder)
            grant_role(session, person_id=DEMO_PEOPLE["administrator"], role="administrator")
            if students >= 4:
                record_waiver(
                    session, actor=IMPORTER, student_id="student-000001", purpose="admission",
                    signed_at=datetime(2026, 9, 15, tzinfo=UTC),
                    document_sha256=_digest("waiver student-000001"),
                )  # fmt: skip
            grant_authorization(
                session,
                actor=IMPORTER,
                student_id="student-000001",
                agency="Federal Bureau of Investigation",
                investigation="background check for a federal internship",
                document_sha256=_digest("authorization student-000001"),
            )
    return summary
