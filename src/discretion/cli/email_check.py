"""``discretion email-check``: judge an outgoing email before it is sent (`faq.email`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from discretion.cli.common import DatabaseOption, JsonOption, ProfileOption, echo_json, fail, store
from discretion.mail.checker import check
from discretion.mail.parsing import MAX_BYTES
from discretion.mail.store_people import store_checker
from discretion.mail.verdict import MailError, Verdict
from discretion.policy import DiscretionError, load_profile

__all__ = ["register", "render_verdict"]

_HEADLINES = {
    "pass": "PASS: nothing in this message needs changing before it is sent",
    "warn": "WARN: change what follows before sending, or send it knowing the risk",
    "block": "BLOCK: do not send this message by email",
}


def render_verdict(verdict: Verdict) -> str:
    """Return the verdict as text: a headline, then each finding with its fix and citation."""
    lines = [_HEADLINES[verdict.level.value]]
    if verdict.encrypted:
        lines.append("(the body is encrypted: only the headers were checked)")
    for finding in verdict.findings:
        where = f" [{finding.where}]" if finding.where else ""
        lines.append(f"- {finding.level.value} {finding.rule}{where}: {finding.message}")
        if finding.fix:
            lines.append(f"  fix: {finding.fix}")
        lines.append(f"  cites: {', '.join(finding.cites)}")
    return "\n".join(lines)


def _read(source: str) -> bytes:
    try:
        if source == "-":
            return typer.get_binary_stream("stdin").read(MAX_BYTES + 1)
        with Path(source).open("rb") as file:
            return file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        fail(f"no such file `{source}`; give an .eml file, or - for standard input")
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        reason = getattr(error, "strerror", None) or "not a possible file name"
        fail(f"cannot read `{source}`: {reason}; give an .eml file, or - for standard input")


def email_check(
    source: Annotated[
        str, typer.Argument(metavar="FILE.eml|-", help="The message, or - for stdin.")
    ],
    as_json: JsonOption = False,
    use_store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="Also find students by name in the store, and ask the "
            "policy whether each recipient may receive what is sent.",
        ),
    ] = False,
    database: DatabaseOption = None,
    profile_name: ProfileOption = "mit",
) -> None:
    """Check an email about students before sending it: exit 0 pass, 3 warn, 4 block.

    The checker reads the subject, the body (without quoted replies or the
    signature) and CSV, XLSX, PDF and text attachments. It never prints the
    body's words. With --store it also knows the students of the store by
    name, username and address, and asks the policy about each recipient.
    """
    raw = _read(source)
    try:
        if use_store:
            with store(database, profile_name) as context:
                verdict = store_checker(context)(raw)
        else:
            verdict = check(raw, load_profile(profile_name))
    except MailError as error:
        fail(str(error))
    except DiscretionError as error:
        fail(str(error))
    if as_json:
        echo_json(verdict.to_json())
    else:
        typer.echo(render_verdict(verdict))
    raise typer.Exit(verdict.exit_code)


def register(root: typer.Typer) -> None:
    """Add the command to the CLI."""
    root.command("email-check")(email_check)
