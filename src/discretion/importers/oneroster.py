"""OneRoster 1.1 CSV: the files, their columns, and how their rows map to the store.

A bundle is a folder with ``manifest.csv`` and the files it declares
(``file.<name>`` = ``bulk``, ``delta`` or ``absent``). Bulk files hold the whole
set; delta files hold changes, each row ``active`` or ``tobedeleted``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from discretion.importers.csvfiles import Row, read_rows, width
from discretion.importers.errors import ImportRejected, shown
from discretion.store.models import Person, Subject, Term

__all__ = ["FILES", "Batch", "read_manifest", "read_oneroster"]

MODES = ("bulk", "delta", "absent")
FILES = {
    "orgs": ("sourcedId", "status", "dateLastModified", "name", "type", "identifier",
             "parentSourcedId"),
    "academicSessions": ("sourcedId", "status", "dateLastModified", "title", "type",
                         "startDate", "endDate", "parentSourcedId", "schoolYear"),
    "courses": ("sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title",
                "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"),
    "classes": ("sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
                "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds",
                "subjects", "subjectCodes", "periods"),
    "users": ("sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
              "username", "userIds", "givenName", "familyName", "middleName", "identifier",
              "email", "sms", "phone", "agentSourcedIds", "grades", "password"),
    "enrollments": ("sourcedId", "status", "dateLastModified", "classSourcedId",
                    "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate",
                    "endDate"),
    "demographics": ("sourcedId", "status", "dateLastModified", "birthDate", "sex",
                     "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                     "nativeHawaiianOrOtherPacificIslander", "white",
                     "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity",
                     "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth",
                     "publicSchoolResidenceStatus"),
}  # fmt: skip
REQUIRED = ("orgs", "academicSessions", "courses", "classes", "users", "enrollments")
# files of the standard that Discretion has no use for; declared ones are ignored
IGNORED = ("categories", "classResources", "courseResources", "lineItems", "resources", "results")
USER_ROLES = ("administrator", "aide", "guardian", "parent", "proctor", "relative", "student",
              "teacher")  # fmt: skip
OFFICIAL_ROLES = ("administrator", "aide", "proctor", "teacher")
PARENT_ROLES = ("guardian", "parent", "relative")
ENROLLMENT_ROLES = {
    "student": "student",
    "teacher": "instructor",
    "aide": "teaching_assistant",
    "administrator": "subject_administrator",
    "proctor": "subject_administrator",
}
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
ORG_TYPES = ("department", "school", "district", "local", "state", "national")
ID = width(Person.id)  # every sourcedId; terms, classes and enrollments keep as many
CODE, NAME = width(Subject.code), width(Person.given_name)
RACES = ("americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
         "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
         "hispanicOrLatinoEthnicity")  # fmt: skip


@dataclass
class Batch:
    """Everything a bundle asks to write, read and checked before anything is written."""

    modes: dict[str, str] = field(default_factory=dict)
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)
    subjects: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    enrollments: dict[str, dict[str, Any]] = field(default_factory=dict)
    directory: dict[tuple[str, str], str] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    guardians: set[tuple[str, str]] = field(default_factory=set)
    advising: set[tuple[str, str]] = field(default_factory=set)
    offices: set[tuple[str, str]] = field(default_factory=set)
    suppressions: list[dict[str, Any]] = field(default_factory=list)
    consents: list[dict[str, Any]] = field(default_factory=list)
    deleted: dict[str, set[str]] = field(default_factory=dict)
    usernames: dict[str, tuple[str, Row]] = field(default_factory=dict)  # -> person, first row
    # the first row that refers to each id, checked once everything is read
    references: dict[tuple[str, str], tuple[Row, str]] = field(default_factory=dict)

    def refer(self, kind: str, target: str, row: Row, column: str) -> None:
        """Note that ``row`` refers to a ``kind`` (person, student, official, subject, term)."""
        self.references.setdefault((kind, target), (row, column))


def read_manifest(folder: Path) -> dict[str, str]:
    """Return the mode of each OneRoster file the manifest declares."""
    path = folder / "manifest.csv"
    if not path.is_file():
        raise ImportRejected("manifest.csv", None, None, f"not found in {folder}")
    properties = {}
    for row in read_rows(path, ("propertyName", "value")):
        properties[row.text("propertyName", required=True)] = row
    version = properties.get("oneroster.version")
    if version is None or version.text("value") != "1.1":
        line = version.line if version else None
        raise ImportRejected("manifest.csv", line, "value", "oneroster.version must be 1.1")
    modes = {}
    for name in (*FILES, *IGNORED):
        declared = properties.get(f"file.{name}")
        if declared is None:
            if name in REQUIRED:
                raise ImportRejected("manifest.csv", None, None, f"file.{name} is not declared")
            modes[name] = "absent"
            continue
        modes[name] = declared.choice("value", MODES)
        if name in FILES and modes[name] != "absent" and not (folder / f"{name}.csv").is_file():
            raise ImportRejected(f"{name}.csv", None, None, "the manifest declares it; not found")
    return modes


def _status(row: Row, mode: str) -> str:
    """Bulk rows carry no status; delta rows say active or tobedeleted."""
    if mode == "bulk":
        return "active"
    return row.choice("status", ("active", "tobedeleted"))


def _sessions(row: Row, batch: Batch) -> None:
    row.choice("type", SESSION_TYPES)
    start, end = row.day("startDate"), row.day("endDate")
    assert start is not None and end is not None  # INVARIANT: required columns
    if end < start:
        raise row.reject("endDate", "is before startDate")
    row.text("schoolYear", required=True)
    term_id = row.text("sourcedId", required=True)
    batch.terms[term_id] = {
        "id": term_id,
        "title": row.text("title", required=True, limit=width(Term.title)),
        "start_date": start,
        "end_date": end,
    }


def _classes(row: Row, batch: Batch, courses: dict[str, str]) -> None:
    subject_id = row.text("sourcedId", required=True)
    course = row.text("courseSourcedId", required=True)
    if course not in courses and batch.modes["courses"] == "bulk":
        raise row.reject("courseSourcedId", f"{shown(course)} is not in courses.csv")
    row.choice("classType", ("homeroom", "scheduled"))
    terms = row.text("termSourcedIds", required=True).split(",")
    batch.refer("term", terms[0].strip(), row, "termSourcedIds")
    code = row.text("classCode", limit=CODE) or courses.get(course, course)
    if len(code) > CODE:
        raise row.reject(
            "classCode",
            f"is empty, and the course's code or title has {len(code)} characters; "
            f"give a class code of at most {CODE}",
        )
    batch.subjects[subject_id] = {
        "id": subject_id,
        "term_id": terms[0].strip(),
        "code": code,
        "title": row.text("title", required=True, limit=width(Subject.title)),
    }


def _users(row: Row, batch: Batch) -> None:
    person_id = row.text("sourcedId", required=True)
    role = row.choice("role", USER_ROLES)
    row.flag("enabledUser", default=True)
    given = row.text("givenName", required=True, limit=NAME)
    family = row.text("familyName", required=True, limit=NAME)
    kind = "student" if role == "student" else "official" if role in OFFICIAL_ROLES else "external"
    username = row.text("username", limit=width(Person.username))
    if username:
        holder, first = batch.usernames.setdefault(username, (person_id, row))
        if holder != person_id:
            raise row.reject(
                "username", f"{shown(username)} is also on line {first.line}; usernames are unique"
            )
    batch.people[person_id] = {
        "id": person_id,
        "kind": kind,
        "given_name": given,
        "family_name": family,
        "username": username or None,
        "email": row.text("email", limit=width(Person.email)) or None,
        "level": "undergraduate" if kind == "student" else None,
        "status": "current" if kind == "student" else None,
        "recipient_kind": "parent" if role in PARENT_ROLES else None,
    }
    if kind == "student":
        batch.directory[(person_id, "name")] = f"{given} {family}"
        for column, item in (("email", "email"), ("phone", "term_phone")):
            if row.text(column):
                batch.directory[(person_id, item)] = row.text(column)
    for agent in filter(None, (a.strip() for a in row.text("agentSourcedIds").split(","))):
        pair = (agent, person_id) if kind == "student" else (person_id, agent)
        batch.guardians.add(pair)
        batch.refer("person", agent, row, "agentSourcedIds")


def _enrollments(row: Row, batch: Batch) -> None:
    enrollment_id = row.text("sourcedId", required=True)
    role = row.choice("role", tuple(ENROLLMENT_ROLES))
    subject_id = row.text("classSourcedId", required=True)
    person_id = row.text("userSourcedId", required=True)
    begin, end = row.day("beginDate", required=False), row.day("endDate", required=False)
    if begin and end and end < begin:
        raise row.reject("endDate", "is before beginDate")
    row.flag("primary", default=False)
    batch.refer("subject", subject_id, row, "classSourcedId")
    batch.refer("person", person_id, row, "userSourcedId")
    batch.enrollments[enrollment_id] = {
        "id": enrollment_id,
        "subject_id": subject_id,
        "person_id": person_id,
        "role": ENROLLMENT_ROLES[role],
    }


def _demographics(row: Row, batch: Batch) -> None:
    student_id = row.text("sourcedId", required=True)
    born: date | None = row.day("birthDate", required=False)
    batch.refer("student", student_id, row, "sourcedId")
    if born is not None:
        batch.directory[(student_id, "date_of_birth")] = born.isoformat()
    sex = row.choice("sex", ("male", "female"), required=False)
    races = [r for r in RACES if row.flag(r, default=False)]
    place = ", ".join(
        filter(None, (row.text(c) for c in ("cityOfBirth", "stateOfBirthAbbreviation",
                                            "countryOfBirthCode")))
    )  # fmt: skip
    for category, content in (("gender", sex), ("race_ethnicity", " ".join(races)),
                              ("place_of_birth", place)):  # fmt: skip
        if content:
            batch.records.append(
                {"student_id": student_id, "category": category, "content": content}
            )


def read_oneroster(folder: Path, modes: dict[str, str], batch: Batch) -> None:
    """Read and check every declared OneRoster file into ``batch``."""
    batch.modes = modes
    courses: dict[str, str] = {}
    handlers = {
        "academicSessions": lambda row: _sessions(row, batch),
        "classes": lambda row: _classes(row, batch, courses),
        "users": lambda row: _users(row, batch),
        "enrollments": lambda row: _enrollments(row, batch),
        "demographics": lambda row: _demographics(row, batch),
    }
    for name, columns in FILES.items():
        mode = modes[name]
        if mode == "absent":
            continue
        first_line: dict[str, int] = {}
        for row in read_rows(folder / f"{name}.csv", columns):
            status = _status(row, mode)
            if mode == "delta":
                row.moment("dateLastModified")
            source_id = row.text("sourcedId", required=True, limit=ID)
            if source_id in first_line:
                raise row.reject(
                    "sourcedId",
                    f"{shown(source_id)} repeats line {first_line[source_id]}; ids are unique",
                )
            first_line[source_id] = row.line
            if status == "tobedeleted":
                batch.deleted.setdefault(name, set()).add(source_id)
                continue
            if name == "orgs":
                row.text("name", required=True)
                row.choice("type", ORG_TYPES)
            elif name == "courses":
                courses[source_id] = row.text("courseCode") or row.text("title", required=True)
            else:
                handlers[name](row)
