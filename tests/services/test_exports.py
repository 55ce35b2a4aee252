"""CSV leaving the system: a cell a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import pytest

from discretion.services import Context, disclosure_log
from discretion.services.exports import CsvWriter, neutralise


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Acme Corporation", "Acme Corporation"),
        ("a=b", "a=b"),  # only the first character makes a formula
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)  # fmt: skip
def test_neutralise_quotes_only_what_a_spreadsheet_would_run(cell: object, written: str) -> None:
    assert neutralise(cell) == written


def test_the_writer_neutralises_every_cell_and_stays_valid_csv() -> None:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["id", "name"])
    writer.writerow(["u-1", '=cmd|"/C calc"!A0'])
    assert out.getvalue() == 'id,name\nu-1,"\'=cmd|""/C calc""!A0"\n'
    assert list(csv.reader(io.StringIO(out.getvalue())))[1] == ["u-1", '\'=cmd|"/C calc"!A0']


def test_the_log_export_neutralises_a_recipient_that_starts_with_equals(sample: Context) -> None:
    with sample.transaction() as session:
        disclosure_log.append(
            session, actor_id="u-reg", recipient="=HYPERLINK(\"http://evil.example\")",
            student_id="u-ada", items=["grades"], rules=["disclosure.outside_with_written_consent"],
            purpose="+an internship",
        )  # fmt: skip
        entries = disclosure_log.entries_for(session, "u-ada")
    row = list(csv.DictReader(io.StringIO(disclosure_log.to_csv(entries))))[0]
    assert row["recipient"] == '\'=HYPERLINK("http://evil.example")'
    assert row["purpose"] == "'+an internship"
    assert row["items"] == "grades" and row["seq"] == "1"
    with sample.transaction() as session:  # the log itself keeps what was given
        assert disclosure_log.entries_for(session, "u-ada")[0].recipient.startswith("=HYPERLINK")
        assert disclosure_log.verify(session).ok
