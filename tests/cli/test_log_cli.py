"""The log's commands: checkpoint, verify against a checkpoint, the public key, and the key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context
from discretion.services.log_keys import DEMO_LOG_KEY, LogKey
from tests.conftest import TEST_LOG_KEY
from tests.services.test_log import _unguard

runner = CliRunner()


def _run(context: Context, *args: str) -> Any:
    return runner.invoke(app, [*args, "--database", context.store.url])


def _release(context: Context, seq: int = 1) -> None:
    released = _run(context, "release", "u-ada", "--as", "c-acme", "--purpose", "summer internship")
    assert released.exit_code == 0, released.output
    assert released.stdout.endswith(f"logged as disclosure {seq}\n")


def _keep(context: Context, folder: Path) -> Path:
    made = _run(context, "log", "checkpoint", "--json")
    assert made.exit_code == 0, made.output
    path = folder / "checkpoint.json"
    path.write_text(made.stdout)
    return path


def test_a_checkpoint_is_printed_kept_and_verified(sample: Context, tmp_path: Path) -> None:
    _release(sample)
    kept = _keep(sample, tmp_path)
    checkpoint = json.loads(kept.read_text())
    assert sorted(checkpoint) == ["at", "hash", "key_id", "seq", "signature"]
    assert checkpoint["seq"] == 1 and checkpoint["key_id"] == LogKey(TEST_LOG_KEY).key_id
    verified = _run(sample, "log", "verify", "--checkpoint", str(kept))
    assert verified.exit_code == 0, verified.output
    assert verified.stdout == (
        "the disclosure log holds 1 entry; the chain is intact, "
        "and entry 1 is as the checkpoint signs it\n"
    )
    plain = _run(sample, "log", "checkpoint")  # one line of JSON, the message on stderr
    assert json.loads(plain.stdout)["seq"] == 1
    assert plain.stderr.startswith("checkpoint of entry 1 signed with key ")


def test_verify_with_a_checkpoint_exits_1_naming_what_was_removed(
    sample: Context, tmp_path: Path
) -> None:
    _release(sample)
    _release(sample, 2)
    kept = _keep(sample, tmp_path)
    _unguard(sample)
    with sample.transaction() as session:
        session.execute(text("DELETE FROM disclosure WHERE seq = 2"))
        session.execute(text("UPDATE log_head SET seq = 1, "
                             "hash = (SELECT hash FROM disclosure WHERE seq = 1)"))  # fmt: skip
        session.execute(text("DELETE FROM log_checkpoint"))
    assert _run(sample, "log", "verify").exit_code == 0  # unseen without the checkpoint
    broken = _run(sample, "log", "verify", "--checkpoint", str(kept))
    assert broken.exit_code == 1
    assert broken.stdout.startswith("entry 2: missing: entries 2 to 2 are missing, though the "
                                    "given checkpoint of ")  # fmt: skip
    as_json = json.loads(_run(sample, "log", "verify", "--checkpoint", str(kept), "--json").stdout)
    assert as_json["ok"] is False and as_json["checkpoint"] == 2
    assert [(p["seq"], p["kind"]) for p in as_json["problems"]] == [(2, "missing")]


def test_verify_exits_1_on_a_tampered_checkpoint(sample: Context, tmp_path: Path) -> None:
    _release(sample)
    kept = _keep(sample, tmp_path)
    checkpoint = json.loads(kept.read_text())
    checkpoint["seq"] = 0
    kept.write_text(json.dumps(checkpoint))
    broken = _run(sample, "log", "verify", "--checkpoint", str(kept))
    assert broken.exit_code == 1
    assert "entry 0: checkpoint: the given checkpoint of " in broken.stdout
    assert "does not carry a valid signature" in broken.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read checkpoint file `{path}`: No such file or directory; give the file"),
        (
            "not json",
            "checkpoint file `{path}` is not JSON: Expecting value at line 1 column 1; "
            "give the file",
        ),
        ("[" * 5000, "checkpoint file `{path}` nests deeper than 32 levels; flatten it; give"),
        ('{"seq": 1}', "checkpoint file `{path}`: a checkpoint needs `hash` (str)"),
    ],
)
def test_verify_exits_2_on_a_bad_checkpoint_file(
    sample: Context, tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "kept.json"
    if content is not None:
        path.write_text(content)
    bad = _run(sample, "log", "verify", "--checkpoint", str(path))
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("discretion: " + message.format(path=path))


def test_the_public_key_checks_what_the_log_signs(sample: Context) -> None:
    shown = runner.invoke(app, ["log", "public-key"])
    assert shown.exit_code == 0 and shown.stdout == LogKey(TEST_LOG_KEY).public_key_pem()
    assert shown.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    as_json = json.loads(runner.invoke(app, ["log", "public-key", "--json"]).stdout)
    assert as_json["algorithm"] == "Ed25519" and len(as_json["public_key_hex"]) == 64
    made = json.loads(_run(sample, "log", "checkpoint", "--json").stdout)
    assert made["key_id"] == as_json["key_id"]
    assert TEST_LOG_KEY not in shown.output + json.dumps(as_json)


def test_without_a_key_the_log_is_not_written_and_serve_refuses(
    sample: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCRETION_LOG_KEY")
    monkeypatch.delenv("DISCRETION_DEMO", raising=False)
    for args in (("release", "u-ada", "--as", "c-acme", "--purpose", "summer internship"),
                 ("log", "checkpoint"), ("serve", "--port", "1")):  # fmt: skip
        refused = _run(sample, *args)
        assert refused.exit_code == 2, refused.output
        assert refused.stderr.count("\n") == 1 and "set DISCRETION_LOG_KEY" in refused.stderr
    refused = runner.invoke(app, ["log", "public-key"])
    assert refused.exit_code == 2 and "set DISCRETION_LOG_KEY" in refused.stderr
    assert _run(sample, "log", "show", "--student", "u-ada").stdout == (
        "no disclosures recorded about u-ada\n"
    )
    assert _run(sample, "log", "verify").exit_code == 0  # an empty log needs no key to read


def test_the_demo_works_with_the_published_key(
    sample: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCRETION_LOG_KEY")
    monkeypatch.setenv("DISCRETION_DEMO", "1")
    _release(sample)
    assert _run(sample, "log", "verify").exit_code == 0
    shown = json.loads(runner.invoke(app, ["log", "public-key", "--json"]).stdout)
    assert shown["key_id"] == LogKey(DEMO_LOG_KEY).key_id
