"""OneRoster 1.2 CSV: what changes from 1.1, and how it maps to the store.

In 1.2 a user's roles leave ``users.csv`` for ``roles.csv`` (one row per role
in an org, ``roleType`` primary or secondary); ``users.csv`` gains the name a
user chose (``preferredGivenName``, ``preferredFamilyName``) and ``pronouns``.
The other files Discretion reads keep their 1.1 columns.

- A user's role is their primary role (the first listed when a user has
  several, one per org); a user with only secondary roles takes the first of them.
- Every user needs a role in the same bundle, and every role a user in it.
- The preferred name is kept beside the legal one (``person.preferred_*``),
  the half a roster leaves empty filled from the legal name, and it is the
  name the directory shows. ``preferredMiddleName`` is read and not kept
  (Discretion keeps no middle names).
- ``userProfiles.csv`` (an application's accounts for a user) is read as a
  CSV file and otherwise ignored: Discretion has no use for it.
"""

from __future__ import annotations

from pathlib import Path

from discretion.importers.csvfiles import Row, width
from discretion.importers.errors import shown
from discretion.importers.oneroster import (
    FILES,
    ID,
    IGNORED,
    NAME,
    REQUIRED,
    USER_ROLES,
    Batch,
    Handler,
    read_oneroster,
    read_user,
)
from discretion.store.models import Person

__all__ = ["FILES12", "IGNORED12", "REQUIRED12", "USER_ROLES12", "read_oneroster12"]

USER_ROLES12 = (*USER_ROLES, "counselor", "districtAdministrator", "principal",
                "siteAdministrator", "systemAdministrator")  # fmt: skip
ROLE_TYPES = ("primary", "secondary")
_USERS12 = tuple(c for c in FILES["users"] if c not in ("orgSourcedIds", "role")) + (
    "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName",
    "preferredFamilyName", "primaryOrgSourcedId", "pronouns",
)  # fmt: skip
# roles are read before the users whose kind they decide
FILES12 = {
    **{name: FILES[name] for name in ("orgs", "academicSessions", "courses", "classes")},
    "roles": ("sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role",
              "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"),
    "users": _USERS12,
    "userProfiles": ("sourcedId", "status", "dateLastModified", "userSourcedId", "profileType",
                     "vendorId", "applicationId", "description", "credentialType", "username",
                     "password"),
    **{name: FILES[name] for name in ("enrollments", "demographics")},
}  # fmt: skip
REQUIRED12 = (*REQUIRED, "roles")
IGNORED12 = (*IGNORED, "lineItemLearningObjectiveIds", "lineItemScoreScales",
             "resultLearningObjectiveIds", "resultScoreScales", "scoreScales",
             "userResources")  # fmt: skip
_PRONOUNS = width(Person.pronouns)


def _roles(row: Row, batch: Batch) -> None:
    user_id = row.text("userSourcedId", required=True, limit=ID)
    role_type = batch.token(row, "roleType", ROLE_TYPES)
    role = batch.token(row, "role", USER_ROLES12)
    row.text("orgSourcedId", required=True)
    begin, end = row.day("beginDate", required=False), row.day("endDate", required=False)
    if begin and end and end < begin:
        raise row.reject("endDate", "is before beginDate")
    held = batch.roles.get(user_id)
    is_primary = role_type == "primary"
    if held is None or (is_primary and not held[2]):
        batch.roles[user_id] = (role, row, is_primary)


def _users12(row: Row, batch: Batch) -> None:
    person_id = row.text("sourcedId", required=True)
    held = batch.roles.get(person_id)
    if held is None:
        raise row.reject("sourcedId", f"{shown(person_id)} has no role in roles.csv; give it one")
    read_user(row, batch, held[0])
    given = row.text("preferredGivenName", limit=NAME)
    family = row.text("preferredFamilyName", limit=NAME)
    row.text("preferredMiddleName")
    pronouns = row.text("pronouns", limit=_PRONOUNS) or None
    person = batch.people[person_id]
    person["pronouns"] = pronouns
    if given or family:
        person["preferred_given_name"] = given or person["given_name"]
        person["preferred_family_name"] = family or person["family_name"]
        if person["kind"] == "student":
            name = f"{person['preferred_given_name']} {person['preferred_family_name']}"
            batch.directory[(person_id, "name")] = name


def _check_roles(batch: Batch) -> None:
    """Refuse a role whose user is not in this bundle's users.csv."""
    for user_id, (_, row, _) in batch.roles.items():
        if "kind" not in batch.people.get(user_id, {}):
            raise row.reject("userSourcedId", f"{shown(user_id)} is not in users.csv")


def read_oneroster12(folder: Path, modes: dict[str, str], batch: Batch) -> None:
    """Read and check every declared OneRoster 1.2 file into ``batch``."""
    more: dict[str, Handler] = {
        "roles": lambda row: _roles(row, batch),
        "users": lambda row: _users12(row, batch),
        "userProfiles": lambda row: None,  # read as CSV, else ignored
    }
    read_oneroster(folder, modes, batch, FILES12, more)
    _check_roles(batch)
