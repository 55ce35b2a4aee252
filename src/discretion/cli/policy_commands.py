"""The policy's own commands: ask, rules, explain, advise (no store unless a question names ids)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from discretion.cli.common import DatabaseOption, JsonOption, ProfileOption, fail
from discretion.cli.render import render_rule, render_ruling
from discretion.policy import DiscretionError, Profile, decide, load_profile, parse_question
from discretion.policy.registry import REGISTRY
from discretion.policy.rules import RULES

__all__ = ["register"]


def _profile(name: str) -> Profile:
    try:
        return load_profile(name)
    except DiscretionError as error:
        fail(str(error))


NdjsonOption = Annotated[
    bool,
    typer.Option(
        "--ndjson",
        help="Read one question per line and write one JSON ruling per line as they come; "
        "a bad line gets an error line in its place, and exit status 2 at the end.",
    ),
]


def ask(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="A question, a JSON array, or (--ndjson) lines.")
    ],
    as_json: JsonOption = False,
    ndjson: NdjsonOption = False,
    profile_name: ProfileOption = "mit",
    database: DatabaseOption = None,
) -> None:
    """Rule on one question, or an array of them, read as JSON.

    A question that names `student.id` or `recipient.id` takes their facts
    from the store (and the JSON answer shows them under `facts`); the store
    must exist already. `subject` (a code such as 8.01) asks about the
    records of that subject. An array is all or nothing: every invalid
    question is named, one line each, by its index counting from 0 (as the
    API does), and nothing is ruled; an empty array is refused. Answered in
    words, each ruling of an array has a heading `Question I (N of M)`.

    With --ndjson, each line is one question and each output line one ruling
    in compact JSON (with or without --json), written as the lines come, in
    constant memory. A line that cannot be answered (not JSON, blank, longer
    than 16 MiB, invalid, an unknown id) is named on standard error as
    `line N: ...` (counting from 1) and answered with an error object
    `{"error": {"code", "message", "details": {"line": N}}}`, so output lines
    stay one to one with input lines; the exit status is then 2. The store is
    opened once, at the first question naming an id.
    """
    from discretion.cli import ask_stream  # the answering itself, with orjson and the store

    profile = _profile(profile_name)
    if ndjson:
        ask_stream.ask_each_line(source, profile, profile_name, database)
    else:
        ask_stream.ask_whole(source, as_json, profile, profile_name, database)


def list_rules(as_json: JsonOption = False) -> None:
    """List every rule with its effect and citation, in the FAQ's order."""
    if as_json:
        rows = [{"rule": r.id, "effect": r.effect.value, "cites": list(r.cites)} for r in RULES]
        typer.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r.id) for r in RULES)
    for r in RULES:
        typer.echo(f"{r.id:<{width}}  {r.effect.value:<9}  {', '.join(r.cites)}")


def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE_ID")],
    profile_name: ProfileOption = "mit",
) -> None:
    """Show one rule, the policy point it implements, and a scenario that exercises it."""
    from discretion.cli import examples  # the compiled policy finds the example

    rule = REGISTRY.get(rule_id)
    if rule is None:
        fail(f"unknown rule `{rule_id}`; `discretion rules` lists them")
    profile = _profile(profile_name)
    typer.echo(render_rule(rule, profile))
    example = examples.example_for(rule, profile)
    if example is None:
        typer.echo(f"\nNo question decides this rule under profile `{profile.id}`.")
        return
    title, question = example
    typer.echo(f"\nExample: {title}")
    typer.echo(json.dumps(question, indent=2))
    typer.echo(render_ruling(decide(parse_question(question, profile), profile)))


def advise_command(profile_name: ProfileOption = "mit") -> None:
    """Ask step by step what you intend to share, and get the ruling."""
    from discretion.cli import advise  # its steps load only when asked

    advise.run(_profile(profile_name))


def register(app: typer.Typer) -> None:
    """Add the policy's commands to ``app``."""
    app.command()(ask)
    app.command("rules")(list_rules)
    app.command()(explain)
    app.command("advise")(advise_command)
