"""`discretion access-request`: filed, paused, ended and shown, as people would, on both stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context

runner = CliRunner()


def _run(context: Context, *args: str) -> Any:
    return runner.invoke(app, ["access-request", *args, "--database", context.store.url])


def test_a_request_is_filed_paused_resumed_and_fulfilled(sample: Context) -> None:
    filed = _run(sample, "file", "u-alan", "--by", "u-alan", "--json")
    assert filed.exit_code == 0, filed.output
    view = json.loads(filed.stdout)
    request = str(view["id"])
    assert view["state"] == "open" and view["method"] == "online"
    due = datetime.fromisoformat(view["due_at"]) - datetime.fromisoformat(view["received_at"])
    assert due == timedelta(days=45)
    paused = _run(sample, "pause", request, "--by", "u-reg", "--reason", "verifying identity")
    assert paused.exit_code == 0 and ", paused, due " in paused.stdout
    assert _run(sample, "resume", request, "--by", "u-reg").exit_code == 0
    assert _run(sample, "fulfil", request, "--by", "u-reg").stdout.startswith(
        f"{request}: u-alan by online, received "
    )
    shown = _run(sample, "show", request, "--as", "u-alan").stdout.splitlines()
    assert [line.split()[-3:] for line in shown[1:]] == [
        ["file", "by", "u-alan"], ["pause", "by", "u-reg"],
        ["resume", "by", "u-reg"], ["fulfil", "by", "u-reg"],
    ]  # fmt: skip
    again = _run(sample, "withdraw", request, "--by", "u-alan")
    assert again.exit_code == 2 and "it is final" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    second = json.loads(_run(sample, "file", "u-alan", "--by", "u-alan", "--json").stdout)["id"]
    refused = _run(sample, "refuse", str(second), "--by", "u-reg", "--reason", "not a record")
    assert refused.exit_code == 0 and ", refused" in refused.stdout, refused.output
    shown = _run(sample, "show", str(second), "--as", "u-reg", "--json").stdout
    assert json.loads(shown)["reason"] == "not a record"


def test_a_letter_is_recorded_and_listed_overdue(sample: Context) -> None:
    old = (datetime.now(UTC) - timedelta(days=46)).date().isoformat()
    filed = _run(sample, "file", "u-ada", "--by", "u-reg", "--method", "paper", "--received", old)
    assert filed.exit_code == 0, filed.output
    assert "OVERDUE" in filed.stdout
    listed = _run(sample, "list", "--as", "u-reg", "--open")
    assert listed.stdout.count("\n") == 1 and "OVERDUE" in listed.stdout
    assert _run(sample, "list", "--as", "u-alan").stdout == "no access requests\n"


def test_bad_input_is_one_line_and_exit_2(sample: Context) -> None:
    spoken = _run(sample, "file", "u-alan", "--by", "u-reg", "--method", "verbal")
    assert spoken.exit_code == 2 and "must be in writing" in spoken.stderr
    assert len(spoken.stderr.strip().splitlines()) == 1
    bad_date = _run(sample, "file", "u-alan", "--by", "u-reg", "--method", "email",
                    "--received", "yesterday")  # fmt: skip
    assert bad_date.exit_code == 2 and "is not a date" in bad_date.stderr
    other = _run(sample, "show", "1", "--as", "u-ada")
    assert other.exit_code == 2 and "only the student or the Registrar" in other.stderr


def test_the_registrar_compiles_reviews_and_releases_and_the_student_downloads(
    demo: Context, tmp_path: Path
) -> None:
    received = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    filed = _run(demo, "file", "student-000001", "--by", "staff-registrar-1",
                 "--method", "email", "--received", received, "--json")  # fmt: skip
    request = str(json.loads(filed.stdout)["id"])
    compiled = _run(demo, "compile", request, "--by", "staff-registrar-1")
    assert compiled.exit_code == 0, compiled.output
    first = compiled.stdout.splitlines()[0]
    assert first.startswith(f"copy 1 of request {request}: ready; ")
    assert "left out: 1 sole_possession_notes, 1 waived_recommendation_letters" in first
    early = _run(demo, "copy", request, "--as", "student-000001", "--output", str(tmp_path / "x"))
    assert early.exit_code == 2 and "no copy to download" in early.stderr
    released = _run(demo, "release", request, "--by", "staff-registrar-1")
    assert ": released, kept until " in released.stdout
    pdf, data = tmp_path / "copy.pdf", tmp_path / "copy.json"
    wrote = _run(demo, "copy", request, "--as", "student-000001", "--output", str(pdf))
    assert wrote.exit_code == 0 and wrote.stdout.startswith(f"wrote {pdf} (")
    assert pdf.read_bytes().startswith(b"%PDF")
    _run(demo, "copy", request, "--as", "student-000001", "--output", str(data), "--format", "json")
    assert json.loads(data.read_text())["student"]["id"] == "student-000001"
    shown = _run(demo, "show", request, "--as", "student-000001").stdout
    assert (
        ", fulfilled by staff-registrar-1" not in shown and "fulfil by staff-registrar-1" in shown
    )
    bad = _run(demo, "copy", request, "--as", "student-000001", "--output", str(pdf),
               "--format", "docx")  # fmt: skip
    assert bad.exit_code == 2 and bad.stderr == "discretion: --format is pdf or json, not `docx`\n"
    assert _run(demo, "purge", "--by", "staff-registrar-1").stdout == "purged 0 copies\n"
