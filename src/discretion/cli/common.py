"""What the commands share: options, the store, and turning errors into exit codes.

Commands that never open the store (``discretion ask`` on a question without
ids) use this module too, so it imports the services only where they are used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from discretion.cli.usage import one_line
from discretion.policy import DiscretionError
from discretion.policy.profile import BUILTIN_PROFILES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from discretion.services import Context
    from discretion.services.principals import Principal

__all__ = [
    "MAX_ID",
    "AsOption",
    "ByOption",
    "DatabaseOption",
    "JsonOption",
    "ProfileOption",
    "acting",
    "echo_json",
    "fail",
    "failing",
    "store",
]

MAX_ID = 2**63 - 1  # the largest id a store's integer column holds; a bigger one names nothing


def _profile_value(value: str) -> str:
    """Refuse a profile no file can be (a NUL byte, a name too long) before anything opens it."""
    if value in BUILTIN_PROFILES:
        return value
    try:
        Path(value).is_file()
    except (OSError, ValueError):
        raise typer.BadParameter(
            f"no profile can be named `{value}`; use one of {', '.join(BUILTIN_PROFILES)}"
            " or the path of a profile file"
        ) from None
    return value


ProfileOption = Annotated[
    str,
    typer.Option(
        "--profile",
        envvar="DISCRETION_PROFILE",
        metavar="NAME|FILE",
        callback=_profile_value,
        help="Institution profile: a built-in name (mit, ferpa) or a .toml path.",
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="DISCRETION_DATABASE_URL",
        metavar="URL",
        help="Database URL; when unset, var/discretion.sqlite3 under the current folder.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        metavar="PERSON",
        help="Who makes the change (a person id); it is recorded in their name.",
        show_default=False,
    ),
]
AsOption = Annotated[
    str,
    typer.Option(
        "--as", metavar="PERSON", help="Who reads (a person id), as they would.", show_default=False
    ),
]


def acting(session: Session, person_id: str) -> Principal:
    """Return the principal a command acts as: a person of the store, with their standing.

    Raises:
        NotFoundError: no such person.
    """
    from discretion.services.principals import principal_for_person

    return principal_for_person(session, person_id, "cli")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error to stderr and exit (2: bad input, 1: anything else)."""
    typer.echo(f"discretion: {one_line(message)}", err=True)
    raise typer.Exit(code)


def echo_json(data: Any) -> None:
    """Print data as indented JSON."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _unavailable(error: Exception, where: str | None = None) -> str:
    """Say in one line why the database (``where``, if known) cannot be used now, and what to do."""
    from discretion.services.availability import is_locked

    if is_locked(error):
        return (
            "the database is locked by another process; retry when it is done "
            "(DISCRETION_SQLITE_BUSY_MS sets how long to wait for it)"
        )
    driver = getattr(error, "orig", None) or error
    lines = str(driver).strip().splitlines() or [type(error).__name__]
    line = f"cannot use the database{f' {where}' if where else ''}: {lines[0]}"
    if re.search(r'database ".*" does not exist', lines[0]):  # PostgreSQL: not created yet
        line += "; create it (e.g. createdb), then run `discretion db upgrade`"
    return line


def _described(database: str | None) -> str | None:
    """Return the URL given for the database, without its password.

    None when none was given (the default SQLite file) or it cannot be read.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not database:
        return None
    try:
        return make_url(database).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return None


@contextmanager
def failing(where: str | None = None) -> Iterator[None]:
    """Turn the errors a command can meet into one line and an exit code.

    Args:
        where: the database in use, named when it does not answer.
    """
    from discretion.services import NotMigratedError
    from discretion.services.availability import UNAVAILABLE
    from discretion.services.errors import RefusedError

    try:
        yield
    except NotMigratedError as error:  # no database, or not set up: the user says which (exit 2)
        fail(str(error))
    except RefusedError as error:
        reason = error.ruling.reasons[0]
        fail(f"{error}: {reason.explanation} ({reason.rule})", 1)
    except UNAVAILABLE as error:
        fail(_unavailable(error, where), 1)
    except DiscretionError as error:
        fail(str(error))


@contextmanager
def store(database: str | None, profile: str, *, migrated: bool = True) -> Iterator[Context]:
    """Open the store for one command, with its errors turned into exit codes.

    Only a command that sets up the schema (``migrated=False``: ``db upgrade``)
    makes a missing SQLite file; any other says there is none, and makes nothing.
    """
    from discretion.services import open_context

    with failing(_described(database)):
        context = open_context(database, profile, migrated=migrated, create=not migrated)
        try:
            yield context
        finally:
            context.close()
