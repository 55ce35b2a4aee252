"""Every CSV the command writes neutralises formula cells (`directory --all`, `log show`)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import update
from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context, disclosure_log
from discretion.store.models import DirectoryValue

runner = CliRunner()
FORMULA = '=HYPERLINK("http://evil.example","Ada")'


def _rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_directory_export_neutralises_a_value_that_starts_with_equals(sample: Context) -> None:
    with sample.transaction() as session:  # as an import of the SIS's data could have stored it
        session.execute(
            update(DirectoryValue)
            .where(DirectoryValue.student_id == "u-ada", DirectoryValue.item == "name")
            .values(value=FORMULA)
        )
    args = ["directory", "--all", "--as", "u-emmy", "--database", sample.store.url]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    ada = next(row for row in _rows(result.stdout) if row["id"] == "u-ada")
    assert ada["name"] == "'" + FORMULA and ada["course"] == "8"


def test_log_export_neutralises_a_recipient_that_starts_with_equals(sample: Context) -> None:
    with sample.transaction() as session:
        disclosure_log.append(
            session, actor_id="u-reg", recipient=FORMULA, student_id="u-ada", items=["grades"],
            rules=["disclosure.outside_with_written_consent"], purpose="@a purpose",
        )  # fmt: skip
    args = ["log", "show", "--student", "u-ada", "--format", "csv", "--database", sample.store.url]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    [entry] = _rows(result.stdout)
    assert entry["recipient"] == "'" + FORMULA and entry["purpose"] == "'@a purpose"
