"""Commands on the store: schema, import, demo, directory, release, class lists."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from discretion.cli.common import (
    AsOption,
    DatabaseOption,
    JsonOption,
    ProfileOption,
    acting,
    echo_json,
    fail,
    store,
)
from discretion.importers.bundle import import_bundle
from discretion.importers.demo import build_demo
from discretion.importers.errors import CampusExists
from discretion.services import access_journal
from discretion.services.class_lists import find_subject, list_subjects, release_class_list
from discretion.services.context import parse_moment
from discretion.services.directory import export, lookup
from discretion.services.exports import CsvWriter
from discretion.services.release import NOT_OPEN, release_record

__all__ = ["db_app", "register"]

MAX_DEMO_STUDENTS = 100_000  # a bigger campus takes hours to build; import a real one instead
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None, profile: ProfileOption = "mit") -> None:
    """Apply the migrations the database lacks (making it if missing), and list them.

    It prints each migration applied (its revision and what it does), or
    that the database was already up to date, and at which revision.
    """
    with store(database, profile, migrated=False) as context:
        applied = context.upgrade()
        where = context.store.describe()
        if not applied:
            typer.echo(f"{where} is already up to date (revision {context.revision()})")
            return
        typer.echo(f"{where}: applied {len(applied)} migration{'s' * (len(applied) != 1)}")
        for migration in applied:
            typer.echo(f"  {migration.revision}  {migration.description}")
        typer.echo(f"{where} is up to date (revision {applied[-1].revision})")


def import_command(
    folder: Annotated[Path, typer.Argument(help="A OneRoster 1.1 or 1.2 CSV bundle (a folder).")],
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Import a OneRoster bundle and Discretion's CSV files beside it, all or nothing."""
    try:
        folder.is_dir()
    except (OSError, ValueError):  # a name too long, or a NUL byte in it
        fail(f"`{folder}` cannot be a folder; give the folder of a OneRoster bundle")
    with store(database, profile) as context, context.transaction() as session:
        summary = import_bundle(session, context.profile, folder)
    if as_json:
        echo_json(summary.to_json())
        return
    modes = ", ".join(f"{name} ({mode})" for name, mode in summary.modes.items())
    extras = ", ".join(summary.extras) or "no Discretion files"
    typer.echo(f"imported OneRoster {summary.version}: {modes}; {extras}")
    for name, count in summary.counts.items():
        typer.echo(f"  {name}: {count}")
    for normalisation in summary.normalised:
        typer.echo(f"  normalised: {normalisation}")


def demo_command(
    students: Annotated[
        int, typer.Option(min=1, max=MAX_DEMO_STUDENTS, help="How many students.")
    ] = 500,
    seed: Annotated[int, typer.Option(help="The same seed builds the same campus.")] = 1,
    if_empty: Annotated[
        bool,
        typer.Option(
            "--if-empty",
            help="Build it only if the database holds no one; else leave it as it is (exit 0).",
        ),
    ] = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Build a synthetic campus in the store."""
    with store(database, profile) as context:
        try:
            summary = build_demo(context, students, seed)
        except CampusExists as error:
            if not if_empty:
                raise
            typer.echo(
                f"the database already holds a campus ({error.people} people); kept as it is"
            )
            return
    if as_json:
        echo_json(summary.to_json())
    else:
        typer.echo(f"demo campus: {summary.counts['people']} people, seed {seed}")


def directory_command(
    query: Annotated[
        str | None, typer.Argument(help="A student's exact id, username or full name.")
    ] = None,
    reader: Annotated[
        str | None, typer.Option("--as", help="Read as this person (else as the public).")
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every student, as CSV: inside the Institute only.")
    ] = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Look up one student in the directory, or export it for someone inside."""
    with store(database, profile) as context, context.transaction() as session:
        if every:
            if reader is None:
                raise typer.BadParameter("--all needs --as: a listing never goes to the public")
            items = context.profile.directory_items
            # asked first: a refused listing writes nothing to stdout, not even the header
            rows = export(session, context.profile, acting(session, reader))
            writer = CsvWriter(sys.stdout)  # cells a spreadsheet would run are neutralised
            writer.writerow(["id", *items])
            for row in rows:
                writer.writerow([row.student_id, *(row.items.get(i, "") for i in items)])
            return
        if not query:
            raise typer.BadParameter("give a student's id, username or full name, or --all")
        entry = lookup(session, context.profile, query, acting(session, reader) if reader else None)
    if as_json:
        echo_json(None if entry is None else entry.to_json())
    elif entry is None:
        typer.echo("no directory entry")
    else:
        if entry.withheld:
            typer.echo("(this student withheld their information from the public directory)")
        for item, value in entry.items.items():
            typer.echo(f"{item}: {value}")


def release_command(
    student: Annotated[str, typer.Argument(help="The student's id.")],
    reader: AsOption,
    purpose: Annotated[str | None, typer.Option(help="Why the reader needs it.")] = None,
    channel: Annotated[str, typer.Option(help="How it travels.")] = "in_person",
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Show a student's record as one person may see it; log what the law asks."""
    with store(database, profile) as context, context.transaction() as session:
        released = release_record(
            session,
            context.profile,
            reader=acting(session, reader),
            student_id=student,
            door="cli",
            purpose=purpose,
            channel=channel,
        )
    if released.is_empty:
        fail(NOT_OPEN.format(reader=f"`{reader}`"), 1)
    if as_json:
        echo_json(released.to_json())
        return
    if released.notice:
        typer.echo(released.notice)
    for item in released.items:
        conditions = f"  [{', '.join(item.conditions)}]" if item.conditions else ""
        typer.echo(f"{item.label}: {'; '.join(item.values)}{conditions}")
    for note in released.own_notes:
        typer.echo(f"your own note (not part of the record): {note}")
    if released.not_shown is not None:
        typer.echo(released.not_shown.message)
    if released.logged is not None:
        typer.echo(f"logged as disclosure {released.logged.seq}")


def class_list_command(
    subject: Annotated[str, typer.Argument(help="The subject's code (e.g. 8.01) or its id.")],
    reader: AsOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Show a subject's class list to a member of its staff.

    A code taught in several terms or sections means the one you are on the
    staff of; if that is not exactly one, the command lists them and asks for
    the id (`discretion subjects` lists every subject with its id).
    """
    with store(database, profile) as context, context.transaction() as session:
        who = acting(session, reader)
        class_list = release_class_list(
            session, context.profile, reader=who, subject_id=find_subject(session, who, subject)
        )
    if as_json:
        echo_json(class_list.to_json())
        return
    typer.echo(f"{class_list.code}: {len(class_list.students)} students; conditions: "
               + ", ".join(c.value for c in class_list.ruling.conditions))  # fmt: skip
    for row in class_list.students:
        typer.echo(f"  {row['id']}  {row.get('name', '')}  {row.get('email', '')}")


def subjects_command(
    reader: AsOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """List the subjects (code, id, term, title).

    For the subjects you are on the staff of, it adds your part and how many
    students are enrolled; who takes a subject stays with its staff
    (`class-list CODE`).
    """
    with store(database, profile) as context, context.transaction() as session:
        entries = list_subjects(session, acting(session, reader))
    if as_json:
        echo_json([entry.to_json() for entry in entries])
        return
    for entry in entries:
        mine = (
            f"  [you: {', '.join(entry.roles)}; {entry.students} students]" if entry.roles else ""
        )
        typer.echo(f"{entry.code}  {entry.subject_id}  {entry.term}  {entry.title}{mine}")


def journal_command(
    reader: AsOption,
    student: Annotated[str | None, typer.Option(help="Reads of this student's record.")] = None,
    by_reader: Annotated[str | None, typer.Option("--reader", help="Reads by this person.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=access_journal.MAX_PAGE)] = 100,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    profile: ProfileOption = "mit",
) -> None:
    """Show who read which record and what they were shown: the Registrar's search, or a
    student's own (--student themselves)."""
    with store(database, profile) as context, context.transaction() as session:
        who = acting(session, reader)
        if student is not None and by_reader is None and since is None and who.is_person(student):
            entries = access_journal.about(session, who, student, limit=limit)
        else:
            entries = access_journal.search(
                session, who, student_id=student, reader_id=by_reader,
                since=parse_moment(since) if since else None, limit=limit,
            )  # fmt: skip
    if as_json:
        echo_json([e.to_json() for e in entries])
        return
    for e in entries:
        shown = ", ".join(e.shown) if e.shown else "nothing"
        typer.echo(f"{e.at:%Y-%m-%d %H:%M} {e.reader_id} read {e.student_id} ({e.door}): {shown}")


def register(app: typer.Typer) -> None:
    """Add these commands to the CLI."""
    app.add_typer(db_app, name="db")
    app.command("import")(import_command)
    app.command("demo")(demo_command)
    app.command("directory")(directory_command)
    app.command("release")(release_command)
    app.command("class-list")(class_list_command)
    app.command("subjects")(subjects_command)
    app.command("journal")(journal_command)
