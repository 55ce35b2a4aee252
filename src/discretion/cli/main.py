"""``discretion``: the command line, one module of commands per concern."""

from __future__ import annotations

import typer

from discretion.cli import (
    access_requests,
    changes,
    email_check,
    grants,
    policy_commands,
    records,
    service,
    smtp_guard,
    usage,
    waivers,
)

__all__ = ["app"]

app = typer.Typer(
    name="discretion",
    help="May this student information be shared? Ask the policy before you do.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=usage.DiscretionGroup,  # usage errors as one line (cli/usage.py)
    rich_markup_mode=None,  # plain help: `--json`, not `--json <bool>` in a box
)
app.callback()(usage.root)  # --version


policy_commands.register(app)
records.register(app)
changes.register(app)
grants.register(app)
service.register(app)
access_requests.register(app)
waivers.register(app)
email_check.register(app)
smtp_guard.register(app)
