"""OneRoster 1.1 CSV: the files, their columns, and how their rows map to the store.

A bundle is a folder with ``manifest.csv`` and the files it declares
(``file.<name>`` = ``bulk``, ``delta`` or ``absent``). Bulk files hold the whole
set; delta files hold changes, each row ``active`` or ``tobedeleted``.

The standard's tokens (classType, role, status, type, sex) are matched in
any case, as real exporters write them, and stored as the standard spells
them; the batch counts each such rewrite (``Batch.normalised``). What 1.2
changes is in ``oneroster12``; ``manifest`` reads the version and the modes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from discretion.importers.csvfiles import Normalised, Row, read_rows, width
from discretion.importers.errors import shown
from discretion.store.models import Person, Subject, Term

__all__ = [
    "FILES",
    "IGNORED",
    "MODES",
    "REQUIRED",
    "Batch",
    "Handler",
    "read_oneroster",
    "read_user",
]

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
OFFICIAL_ROLES = ("administrator", "aide", "counselor", "districtAdministrator", "principal",
                  "proctor", "siteAdministrator", "systemAdministrator", "teacher")  # fmt: skip
PARENT_ROLES = ("guardian", "parent", "relative")
ENROLLMENT_ROLES = {
    "student": "student",
    "teacher": "instructor",
    "aide": "teaching_assistant",
    "administrator": "subject_administrator",
    "proctor": "subject_administrator",
}
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
SEXES = ("male", "female")
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
    version: str = "1.1"
    normalised: Normalised = field(default_factory=Counter)
    # 1.2: each user's role from roles.csv, the row that gave it, and whether it is primary
    roles: dict[str, tuple[str, Row, bool]] = field(default_factory=dict)
    # the first row that refers to each id, checked once everything is read
    references: dict[tuple[str, str], tuple[Row, str]] = field(default_factory=dict)

    def refer(self, kind: str, target: str, row: Row, column: str) -> None:
        """Note that ``row`` refers to a ``kind`` (person, student, official, subject, term)."""
        self.references.setdefault((kind, target), (row, column))

    def token(self, row: Row, column: str, allowed: Sequence[str], required: bool = True) -> str:
        """Return a column holding one of the standard's tokens, in any case (noted)."""
        return row.token(column, allowed, self.normalised, required=required)


def _status(row: Row, mode: str, batch: Batch) -> str:
    """Bulk rows carry no status; delta rows say active or tobedeleted."""
    if mode == "bulk":
        return "active"
    return batch.token(row, "status", ("active", "tobedeleted"))


def _sessions(row: Row, batch: Batch) -> None:
    batch.token(row, "type", SESSION_TYPES)
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
    batch.token(row, "classType", ("homeroom", "scheduled"))
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


def read_user(row: Row, batch: Batch, role: str | None = None) -> None:
    """Read a user; 1.1 gives the role in the row, 1.2 passes it from roles.csv."""
    person_id = row.text("sourcedId", required=True)
    role = role or batch.token(row, "role", USER_ROLES)
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
    role = batch.token(row, "role", tuple(ENROLLMENT_ROLES))
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
    sexes = SEXES if batch.version == "1.1" else (*SEXES, "other", "unspecified")
    sex = batch.token(row, "sex", sexes, required=False)
    sex = "" if sex == "unspecified" else sex
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


Handler = Callable[[Row], None]


def read_oneroster(
    folder: Path,
    modes: dict[str, str],
    batch: Batch,
    files: Mapping[str, Sequence[str]] = FILES,
    more: Mapping[str, Handler] | None = None,
) -> None:
    """Read and check every declared OneRoster file into ``batch``.

    Args:
        folder: the bundle.
        modes: each file's mode, from the manifest.
        batch: what the bundle asks to write.
        files: each file's required columns, in the order to read them.
        more: handlers a later version adds or replaces (``oneroster12``).
    """
    batch.modes = modes
    courses: dict[str, str] = {}
    handlers: dict[str, Handler] = {
        "academicSessions": lambda row: _sessions(row, batch),
        "classes": lambda row: _classes(row, batch, courses),
        "users": lambda row: read_user(row, batch),
        "enrollments": lambda row: _enrollments(row, batch),
        "demographics": lambda row: _demographics(row, batch),
        **(more or {}),
    }
    for name, columns in files.items():
        mode = modes[name]
        if mode == "absent":
            continue
        first_line: dict[str, int] = {}
        for row in read_rows(folder / f"{name}.csv", columns):
            status = _status(row, mode, batch)
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
                batch.token(row, "type", ORG_TYPES)
            elif name == "courses":
                courses[source_id] = row.text("courseCode") or row.text("title", required=True)
            else:
                handlers[name](row)
