"""``discretion email-check``: verdict, findings with fixes and citations, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from discretion.cli.main import app

runner = CliRunner()
CORPUS = Path(__file__).parents[1] / "mail" / "corpus"


@pytest.mark.parametrize(
    ("name", "code", "headline"),
    [("pass-meeting.eml", 0, "PASS"), ("warn-subject-cap.eml", 3, "WARN"),
     ("block-grades-csv.eml", 4, "BLOCK")],
)  # fmt: skip
def test_email_check_exits_by_level(name: str, code: int, headline: str) -> None:
    result = runner.invoke(app, ["email-check", str(CORPUS / name)])
    assert result.exit_code == code, result.output
    assert result.stdout.startswith(f"{headline}:")


def test_email_check_shows_each_finding_with_its_fix_and_citation() -> None:
    result = runner.invoke(app, ["email-check", str(CORPUS / "warn-subject-and-name.eml")])
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert "- warn mail.subject_words [subject]: the subject says `grades`" in lines
    assert "  fix: remove `grades` from the subject: subjects are never encrypted" in lines
    assert lines.count("  cites: faq.email") == 3
    assert "Jane Doe" not in result.stdout


def test_email_check_json_is_the_verdict() -> None:
    result = runner.invoke(app, ["email-check", "--json", str(CORPUS / "block-ids-body.eml")])
    assert result.exit_code == 4
    data = json.loads(result.stdout)
    assert data["verdict"] == "block" and data["students"] == 3
    assert [f["rule"] for f in data["findings"]][0] == "mail.batch"


def test_email_check_reads_standard_input() -> None:
    raw = (CORPUS / "pass-smime.eml").read_bytes()
    result = runner.invoke(app, ["email-check", "-"], input=raw)
    assert result.exit_code == 0
    assert "(the body is encrypted: only the headers were checked)" in result.stdout


def test_email_check_follows_the_profile() -> None:
    path = str(CORPUS / "warn-subject-cap.eml")
    assert runner.invoke(app, ["email-check", "--profile", "ferpa", path]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [(["missing.eml"], None, "discretion: no such file `missing.eml`; give an .eml file"),
     (["-"], b"", "discretion: the input is empty; give an email message (.eml)"),
     (["-"], b"\x00\x01garbage", "discretion: the input is not an email message"),
     (["--profile", "harvard", "-"], b"", "discretion: unknown profile `harvard`")],
)  # fmt: skip
def test_email_check_refuses_what_it_cannot_read_in_one_line(
    args: list[str], stdin: bytes | None, message: str
) -> None:
    result = runner.invoke(app, ["email-check", *args], input=stdin)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_email_check_refuses_a_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["email-check", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.startswith(
        f"discretion: cannot read `{tmp_path}`"
    )
