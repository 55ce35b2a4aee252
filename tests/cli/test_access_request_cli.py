"""`discretion access-request`: filed, paused, ended and shown, as people would, on both stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
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
