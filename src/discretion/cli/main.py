"""``discretion``: the command line, one module of commands per concern.

The modules are imported only when one of their commands runs (``cli/lazy.py``),
so that `discretion ask` does not wait for the store, the web server or the PDF
renderer. ``COMMANDS`` names each top-level command, the module under
``discretion.cli`` whose ``register(app)`` adds it, and the first sentence of
its help, which ``discretion --help`` lists; ``tests/cli/test_lazy_commands.py``
checks it against what the modules register. The order is that of the list.
"""

from __future__ import annotations

import typer

from discretion.cli import usage
from discretion.cli.lazy import Lazy, LazyGroup

__all__ = ["COMMANDS", "app"]

COMMANDS: dict[str, Lazy] = {
    "ask": Lazy("policy_commands", "Rule on one question, or an array of them, read as JSON."),
    "rules": Lazy(
        "policy_commands", "List every rule with its effect and citation, in the FAQ's order."
    ),
    "explain": Lazy(
        "policy_commands",
        "Show one rule, the policy point it implements, and a scenario that exercises it.",
    ),
    "advise": Lazy(
        "policy_commands", "Ask step by step what you intend to share, and get the ruling."
    ),
    "import": Lazy(
        "records", "Import a OneRoster bundle and Discretion's CSV files beside it, all or nothing."
    ),
    "demo": Lazy("records", "Build a synthetic campus in the store."),
    "directory": Lazy(
        "records", "Look up one student in the directory, or export it for someone inside."
    ),
    "release": Lazy(
        "records", "Show a student's record as one person may see it; log what the law asks."
    ),
    "class-list": Lazy("records", "Show a subject's class list to a member of its staff."),
    "subjects": Lazy("records", "List the subjects (code, id, term, title)."),
    "journal": Lazy(
        "records",
        "Show who read which record and what they were shown: the Registrar's search,"
        " or a student's own (--student themselves).",
    ),
    "suppress": Lazy(
        "changes",
        "Record a student's request to suppress directory items, or to withhold all of them.",
    ),
    "rescind": Lazy("changes", "End a suppression on the student's written rescission."),
    "suppressions": Lazy(
        "grants", "List a student's suppressions and withholdings, in force or rescinded."
    ),
    "serve": Lazy(
        "service", "Serve the web pages, the HTTP API and its docs (at /docs) with uvicorn."
    ),
    "email-check": Lazy(
        "email_check",
        "Check an email about students before sending it: exit 0 pass, 3 warn, 4 block.",
    ),
    "smtp-guard": Lazy(
        "smtp_guard", "Check mail about students between mail clients and the real relay."
    ),
    "db": Lazy("records", "The database schema."),
    "consent": Lazy("changes", "A student's consents to disclose."),
    "log": Lazy("changes", "The disclosure log (34 CFR 99.32)."),
    "authorization": Lazy(
        "grants", "Forms a student signed authorising a background investigation."
    ),
    "web-permission": Lazy(
        "grants", "A student's permissions to post information on a named web site."
    ),
    "token": Lazy("service", "API tokens for services and scripts."),
    "people": Lazy("service", "People's sign-in and granted roles."),
    "webhooks": Lazy("service", "Webhooks that receive privacy changes."),
    "sessions": Lazy("service", "People's sign-in sessions."),
    "access-request": Lazy(
        "access_requests", "Requests to inspect one's records, and their clock (34 CFR 99.10)."
    ),
    "waiver": Lazy(
        "waivers",
        "Waivers of the right to see confidential letters of recommendation (34 CFR 99.12).",
    ),
}


class RootGroup(LazyGroup):
    """The ``discretion`` group: usage errors in one line, commands loaded from ``COMMANDS``."""

    table = COMMANDS


app = typer.Typer(
    name="discretion",
    help="May this student information be shared? Ask the policy before you do.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=RootGroup,  # usage errors as one line (cli/usage.py), commands loaded lazily (cli/lazy.py)
    rich_markup_mode=None,  # plain help: `--json`, not `--json <bool>` in a box
)
app.callback()(usage.root)  # --version
