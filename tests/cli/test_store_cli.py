"""The store's commands, run as a person would, on both databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context
from tests.conftest import SAMPLE_BUNDLE

runner = CliRunner()
HASH = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"


def _run(context: Context, *args: str, stdin: str | None = None) -> Any:
    return runner.invoke(app, [*args, "--database", context.store.url], input=stdin)


def test_db_upgrade_then_import_then_look_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    refused = runner.invoke(app, ["directory", "ada", "--database", url])
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"discretion: no Discretion database at {tmp_path / 'fresh.sqlite3'} "
        "(it has not been created yet); run `discretion db upgrade` to create it, "
        "then `discretion demo` (a made-up campus) or `discretion import FOLDER` (your roster); "
        "or point at another database with --database URL or DISCRETION_DATABASE_URL\n"
    )
    assert list(tmp_path.iterdir()) == []  # nothing made but by `db upgrade`
    upgraded = runner.invoke(app, ["db", "upgrade", "--database", url])
    assert upgraded.exit_code == 0
    lines = upgraded.stdout.splitlines()
    assert lines[0] == f"{url}: applied 8 migrations"
    assert lines[1] == (
        "  0001  The initial schema: people, subjects, directory, suppressions, records, "
        "consents, logs"
    )
    assert lines[-1] == f"{url} is up to date (revision 0008)"
    again = runner.invoke(app, ["db", "upgrade", "--database", url])
    assert again.stdout == f"{url} is already up to date (revision 0008)\n"
    imported = runner.invoke(app, ["import", str(SAMPLE_BUNDLE), "--json", "--database", url])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["counts"]["people"] == 9
    found = runner.invoke(app, ["directory", "Ada Lovelace", "--database", url])
    assert found.stdout == "course: 8\nemail: ada@test.edu\nname: Ada Lovelace\nyear: 2\n"


def test_a_command_outside_the_project_folder_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCRETION_DATABASE_URL", raising=False)
    refused = runner.invoke(app, ["directory", "ada"])
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        "discretion: no Discretion database in this folder (looked for var/discretion.sqlite3); "
        "run the command from the project's folder, or set DISCRETION_DATABASE_URL or "
        "--database URL; to start one here, run `discretion db upgrade`, then `discretion demo` "
        "(a made-up campus) or `discretion import FOLDER` (your roster)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_older_database_is_to_be_updated_and_keeps_its_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from discretion.services import open_context
    from discretion.store.schema import upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    context = open_context(url, migrated=False)
    upgrade(context.store, "0007")
    context.close()
    refused = runner.invoke(app, ["directory", "ada", "--database", url])
    assert refused.exit_code == 2
    assert "was set up by an older version of Discretion (it is at migration 0007" in (
        refused.stderr
    )
    upgraded = runner.invoke(app, ["db", "upgrade", "--database", url])
    assert upgraded.stdout.splitlines()[:2] == [
        f"{url}: applied 1 migration",
        "  0008  Preferred names: the name a person chose, and their pronouns, beside the legal "
        "name",
    ]


def test_demo_builds_a_campus(empty: Context) -> None:
    result = _run(empty, "demo", "--students", "40", "--seed", "5", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"]["advising"] == 40
    again = _run(empty, "directory", "student-000001", "--json")
    assert json.loads(again.stdout)["id"] == "student-000001"


def test_demo_on_a_store_that_holds_a_campus_refuses_in_one_line(sample: Context) -> None:
    result = _run(sample, "demo", "--students", "4")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "discretion: the database already holds a campus (9 people); "
        "use a new database, or import into this one\n"
    )


def test_demo_if_empty_fills_an_empty_store_and_keeps_a_filled_one(
    empty: Context, sample: Context
) -> None:
    # what `make run` does on every start: a database left empty still gets the campus
    built = _run(empty, "demo", "--students", "4", "--seed", "2", "--if-empty")
    assert (built.exit_code, built.stdout) == (0, "demo campus: 26 people, seed 2\n")
    kept = _run(sample, "demo", "--students", "4", "--if-empty")
    assert (kept.exit_code, kept.stderr) == (0, "")
    assert kept.stdout == "the database already holds a campus (9 people); kept as it is\n"


def test_directory_answers_withheld_and_unknown_alike(sample: Context) -> None:
    withheld, unknown = _run(sample, "directory", "u-grace"), _run(sample, "directory", "nobody")
    assert withheld.stdout == unknown.stdout == "no directory entry\n"
    inside = _run(sample, "directory", "u-grace", "--as", "u-emmy")
    assert inside.stdout.startswith("(this student withheld")


def test_directory_export_only_inside(sample: Context) -> None:
    rows = _run(sample, "directory", "--all", "--as", "u-emmy").stdout.splitlines()
    assert rows[0].startswith("id,name,email,") and len(rows) == 3  # Grace withheld everything
    refused = _run(sample, "directory", "--all", "--as", "c-acme")
    assert (refused.exit_code, refused.stdout) == (1, "")  # not even the CSV header
    assert len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith("discretion: a listing of students may not go to ")
    assert "directory.listing_never_outside" in refused.stderr
    public = _run(sample, "directory", "--all")
    assert public.exit_code == 2 and "a listing never goes to the public" in public.output


def test_release_masks_logs_and_the_student_sees_the_log(sample: Context) -> None:
    masked = _run(sample, "release", "u-ada", "--as", "c-acme")
    assert "grades" not in masked.stdout and "name: Ada Lovelace" in masked.stdout
    assert "Some information held about this student is not shown to you." in masked.stdout
    released = _run(sample, "release", "u-ada", "--as", "c-acme", "--purpose", "summer internship")
    assert "grades (8.01): 8.01: A  [no_redisclosure, stated_purpose_only, record_disclosure]" in (
        released.stdout
    )
    assert released.stdout.endswith("logged as disclosure 1\n")
    shown = _run(sample, "log", "show", "--student", "u-ada")
    assert "c-acme -> Acme Corporation: grades (disclosure.outside_with_written_consent)" in (
        shown.stdout
    )
    as_csv = _run(sample, "log", "show", "--student", "u-ada", "--format", "csv").stdout
    assert as_csv.splitlines()[0].startswith("seq,at,actor_id")
    as_json = json.loads(
        _run(sample, "log", "show", "--student", "u-ada", "--format", "json").stdout
    )
    assert as_json[0]["items"] == ["grades"]
    verified = _run(sample, "log", "verify").stdout
    assert verified == "the disclosure log holds 1 entry; the chain is intact\n"


def test_log_verify_exits_1_and_says_where(sample: Context) -> None:
    _run(sample, "release", "u-ada", "--as", "c-acme", "--purpose", "summer internship")
    with sample.transaction() as session:
        if sample.store.dialect == "postgresql":
            session.execute(text("DROP TRIGGER disclosure_append_only ON disclosure"))
        else:
            session.execute(text("DROP TRIGGER disclosure_no_update"))
        session.execute(text("UPDATE disclosure SET purpose = 'something else'"))
    broken = _run(sample, "log", "verify")
    assert broken.exit_code == 1 and "entry 1: edited: entry 1 was changed" in broken.stdout
    as_json = json.loads(_run(sample, "log", "verify", "--json").stdout)
    assert as_json["ok"] is False and as_json["problems"][0]["seq"] == 1


def test_consents_are_granted_listed_and_revoked(sample: Context) -> None:
    granted = _run(sample, "consent", "grant", "u-alan", "--to", "c-acme", "--purpose", "a job",
                   "--items", "grades,transcript", "--form", "written", "--document-sha256", HASH,
                   "--expires", "2030-01-01", "--by", "u-reg", "--json")  # fmt: skip
    assert granted.exit_code == 0, granted.output
    consent = json.loads(granted.stdout)
    assert consent["recipient_name"] == "Acme Corporation" and consent["items"] == [
        "grades",
        "transcript",
    ]
    assert _run(sample, "consent", "revoke", str(consent["id"]), "--by", "u-reg").exit_code == 0
    again = _run(sample, "consent", "revoke", str(consent["id"]), "--by", "u-reg")
    assert again.exit_code == 2 and "cannot come back" in again.stderr
    listed = _run(sample, "consent", "list", "u-alan", "--as", "u-alan").stdout
    assert "written to Acme Corporation for a job (grades transcript), revoked" in listed
    bad = _run(sample, "consent", "grant", "u-alan", "--to", "c-acme", "--purpose", "x",
               "--items", "grades", "--form", "written", "--by", "u-reg")  # fmt: skip
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "SHA-256" in bad.stderr


def test_a_verbal_consent_to_an_employer_is_refused_in_one_line(sample: Context) -> None:
    refused = _run(sample, "consent", "grant", "u-alan", "--to", "c-acme", "--purpose", "a job",
                   "--items", "grades", "--form", "verbal", "--by", "u-reg")  # fmt: skip
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith(
        "discretion: a verbal consent cannot permit a release outside the Institute: "
    )
    assert _run(sample, "consent", "list", "u-alan", "--as", "u-reg").stdout == ""


def test_suppress_and_rescind(sample: Context) -> None:
    made = _run(sample, "suppress", "u-alan", "year", "course", "--by", "u-reg", "--json")
    ids = [row["id"] for row in json.loads(made.stdout)]
    public = _run(sample, "directory", "u-alan").stdout
    assert "year" not in public and "course" not in public and "name: Alan Turing" in public
    spoken = _run(sample, "rescind", str(ids[0]), "--method", "in_person", "--by", "u-reg")
    assert spoken.exit_code == 2 and "written rescission" in spoken.stderr
    assert _run(sample, "rescind", str(ids[0]), "--by", "u-reg").exit_code == 0
    assert "year: G" in _run(sample, "directory", "u-alan").stdout
    everything = _run(sample, "suppress", "u-alan", "--all", "--by", "u-alan")
    assert everything.stdout.startswith("suppression") and "everything" in everything.stdout
    assert _run(sample, "directory", "u-alan").stdout == "no directory entry\n"


def test_authorizations_and_posting_permissions_are_granted_listed_and_revoked(
    sample: Context,
) -> None:
    signed = _run(sample, "authorization", "grant", "u-alan", "--agency", "OPM",
                  "--investigation", "security clearance", "--document-sha256", HASH,
                  "--by", "u-reg", "--json")  # fmt: skip
    assert signed.exit_code == 0, signed.output
    authorization = json.loads(signed.stdout)["id"]
    listed = _run(sample, "authorization", "list", "u-alan", "--as", "u-reg").stdout
    assert listed == f"{authorization}: OPM for security clearance, in force\n"
    assert (
        _run(sample, "authorization", "revoke", str(authorization), "--by", "u-reg").exit_code == 0
    )
    assert "ended" in _run(sample, "authorization", "list", "u-alan", "--as", "u-reg").stdout
    posted = _run(sample, "web-permission", "grant", "u-alan", "--site", "https://lab.test.edu",
                  "--form", "written", "--document-sha256", HASH,
                  "--items", "name,year", "--by", "u-reg")  # fmt: skip
    assert posted.stdout == "web permission 1 granted: name year on https://lab.test.edu\n"
    bad = _run(sample, "web-permission", "grant", "u-alan", "--site", "https://lab.test.edu",
               "--form", "email", "--message-id", "<m@test.edu>",
               "--items", "name,shoe_size", "--by", "u-reg")  # fmt: skip
    assert bad.exit_code == 2 and "shoe_size" in bad.stderr and bad.stderr.count("\n") == 1
    assert _run(sample, "web-permission", "revoke", "1", "--by", "u-reg").exit_code == 0
    again = _run(sample, "web-permission", "revoke", "1", "--by", "u-reg")
    assert again.exit_code == 2 and "cannot come back" in again.stderr
    listing = _run(sample, "web-permission", "list", "u-alan", "--json", "--as", "u-alan")
    as_json = json.loads(listing.stdout)
    assert as_json[0]["revoked_by"] == "u-reg"


def test_suppressions_are_listed_with_how_they_were_asked(sample: Context) -> None:
    listed = _run(sample, "suppressions", "u-grace", "--as", "u-reg").stdout
    assert "everything (withheld), asked written on" in listed and listed.endswith("in force\n")
    unknown = _run(sample, "suppressions", "u-nobody", "--as", "u-reg")
    assert unknown.exit_code == 2 and "unknown person `u-nobody`" in unknown.stderr
    other = _run(sample, "suppressions", "u-grace", "--as", "u-ada")
    assert other.exit_code == 2 and "only the student or the Registrar" in other.stderr


def test_class_list_for_staff_only(sample: Context) -> None:
    listed = _run(sample, "class-list", "cls-801", "--as", "u-kurt")
    assert listed.stdout.startswith("8.01: 2 students; conditions: no_redisclosure")
    refused = _run(sample, "class-list", "cls-801", "--as", "u-ada")
    assert refused.exit_code == 1 and "class_lists.not_assigned" in refused.stderr


def test_class_list_takes_the_subject_code_people_know(sample: Context) -> None:
    by_code = _run(sample, "class-list", "8.01", "--as", "u-kurt")
    assert by_code.exit_code == 0, by_code.output
    assert by_code.stdout == _run(sample, "class-list", "cls-801", "--as", "u-kurt").stdout
    assert by_code.stdout.startswith("8.01: 2 students")
    unknown = _run(sample, "class-list", "9.99", "--as", "u-kurt")
    assert (unknown.exit_code, unknown.stdout) == (2, "")
    assert unknown.stderr == (
        "discretion: unknown subject `9.99`; give its code (e.g. 8.01) or id, "
        "as `discretion subjects` lists them\n"
    )


def _a_second_section_of_8_01(context: Context) -> None:
    from datetime import date

    from discretion.store.models import Subject, Term

    with context.transaction() as session:
        session.add(Term(id="spring-2027", title="Spring 2027", start_date=date(2027, 2, 1),
                         end_date=date(2027, 5, 30)))  # fmt: skip
        session.flush()
        session.add(Subject(id="cls-801-s", term_id="spring-2027", code="8.01",
                            title="Classical Mechanics"))  # fmt: skip


def test_a_code_of_several_subjects_means_the_reader_s_or_is_listed(sample: Context) -> None:
    _a_second_section_of_8_01(sample)
    # Kurt is on the staff of one of them: that one
    mine = _run(sample, "class-list", "8.01", "--as", "u-kurt")
    assert mine.exit_code == 0 and mine.stdout.startswith("8.01: 2 students")
    # anyone else is asked which, and told the choices (a catalogue's facts, no student's)
    which = _run(sample, "class-list", "8.01", "--as", "u-reg")
    assert (which.exit_code, which.stdout) == (2, "")
    assert which.stderr == (
        "discretion: `8.01` is the code of 2 subjects: `cls-801` (Classical Mechanics, "
        "Fall 2026); `cls-801-s` (Classical Mechanics, Spring 2027); "
        "give the id of the one you mean\n"
    )
    refused = _run(sample, "class-list", "cls-801-s", "--as", "u-kurt")
    assert refused.exit_code == 1 and "class_lists.not_assigned" in refused.stderr


def test_subjects_lists_the_catalogue_and_counts_only_for_their_staff(sample: Context) -> None:
    staff = _run(sample, "subjects", "--as", "u-kurt")
    assert staff.exit_code == 0, staff.output
    assert staff.stdout.splitlines() == [
        "18.01  cls-1801  Fall 2026  Calculus",
        "8.01  cls-801  Fall 2026  Classical Mechanics  [you: teaching_assistant; 2 students]",
    ]
    student = json.loads(_run(sample, "subjects", "--as", "u-ada", "--json").stdout)
    assert student == [
        {"id": "cls-1801", "code": "18.01", "title": "Calculus", "term": "Fall 2026",
         "your_roles": [], "students": None},
        {"id": "cls-801", "code": "8.01", "title": "Classical Mechanics", "term": "Fall 2026",
         "your_roles": [], "students": None},
    ]  # fmt: skip
    nobody = _run(sample, "subjects")
    assert nobody.exit_code == 2 and "--as" in nobody.stderr


def test_ask_with_ids_reads_the_store(sample: Context) -> None:
    question = {
        "recipient": {"id": "u-kurt"},
        "student": {"id": "u-ada"},
        "information": ["grades"],
    }
    result = _run(sample, "ask", "-", "--json", stdin=json.dumps(question))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["decision"] == "permit"
    assert answer["facts"]["question"]["recipient"]["relations"] == ["teaching_assistant"]
    text_answer = _run(sample, "ask", "-", stdin=json.dumps(question)).stdout
    assert text_answer.startswith("PERMIT")
    unknown = _run(sample, "ask", "-", stdin=json.dumps({**question, "student": {"id": "u-0"}}))
    assert unknown.exit_code == 2 and "unknown person `u-0`" in unknown.stderr


def test_the_journal_shows_every_read_to_the_registrar_and_the_student(sample: Context) -> None:
    _run(sample, "release", "u-ada", "--as", "c-acme")
    refused = _run(sample, "release", "u-grace", "--as", "c-acme")
    assert refused.exit_code == 1 and "no student record with that id is open" in refused.stderr
    lines = _run(sample, "journal", "--reader", "c-acme", "--as", "u-reg").stdout.splitlines()
    assert [line.split(" ", 3)[3] for line in lines] == [
        "read u-ada (cli): course, date_of_birth, email, name, term_phone, year",
        "read u-grace (cli): nothing",
    ]
    own = json.loads(
        _run(sample, "journal", "--student", "u-ada", "--as", "u-ada", "--json").stdout
    )
    assert [e["reader_id"] for e in own] == ["c-acme"]
    other = _run(sample, "journal", "--student", "u-ada", "--as", "u-alan")
    assert other.exit_code == 2 and "Registrar" in other.stderr


def test_ask_says_in_words_when_a_consent_on_file_would_lift_a_denial(sample: Context) -> None:
    question = {"recipient": {"id": "c-acme"}, "student": {"id": "u-ada"},
                "information": ["grades"]}  # fmt: skip
    text_answer = _run(sample, "ask", "-", stdin=json.dumps(question)).stdout
    assert text_answer.startswith("DENY")
    assert "Consent 1 on file" in text_answer and "would permit grades" in text_answer
    as_json = json.loads(_run(sample, "ask", "-", "--json", stdin=json.dumps(question)).stdout)
    assert as_json["notes"][0].startswith("Consent 1 on file")
    stated = _run(
        sample, "ask", "-", stdin=json.dumps({**question, "purpose": "summer internship"})
    )
    assert stated.stdout.startswith("PERMIT") and "Consent 1" not in stated.stdout


def test_ask_names_a_subject_by_its_code(sample: Context) -> None:
    question = {"recipient": {"id": "u-kurt"}, "student": {"id": "u-ada"},
                "information": ["grades"], "subject": "8.01"}  # fmt: skip
    answer = json.loads(_run(sample, "ask", "-", "--json", stdin=json.dumps(question)).stdout)
    assert answer["decision"] == "permit"
    assert answer["facts"]["by_subject"]["grades"][0]["subject"] == "8.01"
    unknown = _run(sample, "ask", "-", stdin=json.dumps({**question, "subject": "6.001"}))
    assert unknown.exit_code == 2 and "unknown subject `6.001`" in unknown.stderr


def test_import_of_a_12_bundle_says_what_it_normalised(empty: Context) -> None:
    bundle = SAMPLE_BUNDLE.parent.parent / "oneroster12" / "bulk"
    result = _run(empty, "import", str(bundle))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported OneRoster 1.2: orgs (bulk), academicSessions (bulk)")
    assert "  normalised: classes.csv classType Scheduled -> scheduled (2 rows)\n" in result.stdout
    again = json.loads(_run(empty, "import", str(bundle), "--json").stdout)
    assert again["version"] == "1.2" and again["counts"]["people"] == 4
    assert {"file": "classes.csv", "column": "classType", "written": "Scheduled",
            "token": "scheduled", "rows": 2} in again["normalised"]  # fmt: skip
    found = _run(empty, "directory", "Sami Okafor")
    assert found.stdout == "email: sam@test.edu\nname: Sami Okafor\n"
    assert _run(empty, "directory", "Samuel Okafor").stdout == "no directory entry\n"


def test_import_of_a_13_bundle_is_refused_in_one_line(empty: Context, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE.parent.parent / "oneroster12" / "bulk", bundle)
    manifest = bundle / "manifest.csv"
    manifest.write_text(
        manifest.read_text().replace("oneroster.version,1.2", "oneroster.version,1.3")
    )
    result = _run(empty, "import", str(bundle))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "manifest.csv line 3, column value: oneroster.version must be 1.1 or 1.2; "
        "nothing was imported"
    ), result.stderr


def test_a_postgresql_database_not_created_says_so_and_how() -> None:
    from sqlalchemy.engine import make_url

    from tests.databases import PG_URL

    if PG_URL is None:
        pytest.skip("PostgreSQL skipped: set DISCRETION_TEST_DATABASE_URL")
    url = make_url(PG_URL).set(database="discretion_never_made")
    shown = url.render_as_string(hide_password=True)
    refused = runner.invoke(app, ["directory", "ada", "--database", url.render_as_string(False)])
    assert (refused.exit_code, refused.stdout) == (1, "")
    [line] = refused.stderr.splitlines()
    assert line.startswith(f"discretion: cannot use the database {shown}: ")
    assert line.endswith("; create it (e.g. createdb), then run `discretion db upgrade`")
