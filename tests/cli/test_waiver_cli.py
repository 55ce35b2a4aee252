"""`discretion waiver`: recorded and revoked, with plain one-line errors."""

from __future__ import annotations

from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context

runner = CliRunner()
DIGEST = "b" * 64


def _run(context: Context, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["waiver", *args, "--database", context.store.url])
    return result.exit_code, result.stdout, result.stderr


def test_a_waiver_is_recorded_revoked_once_and_refused_for_anything_but_letters(
    sample: Context,
) -> None:
    code, out, _ = _run(sample, "record", "u-ada", "--purpose", "employment", "--signed",
                        "2026-10-01", "--document-sha256", DIGEST, "--by", "u-ada")  # fmt: skip
    assert code == 0 and out == "1: u-ada waived seeing letters for employment, signed 2026-10-01\n"
    code, out, _ = _run(sample, "revoke", "1", "--by", "u-reg")
    assert code == 0 and out.startswith("1: revoked; letters placed before ")
    code, _, err = _run(sample, "revoke", "1", "--by", "u-ada")
    assert code == 2 and err.startswith("discretion: waiver 1 was revoked on ")
    code, _, err = _run(sample, "record", "u-ada", "--purpose", "grades", "--signed",
                        "2026-10-01", "--document-sha256", DIGEST, "--by", "u-ada")  # fmt: skip
    assert code == 2 and "covers letters for admission, employment, honor" in err
    code, _, err = _run(sample, "record", "u-ada", "--purpose", "honor", "--signed",
                        "2026-10-01", "--document-sha256", DIGEST, "--by", "u-alan")  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = _run(sample, "revoke", "1", "--by", "u-alan")
    assert code == 2 and err == "discretion: unknown waiver `1`\n"
