"""The policy's own commands: ask, rules, explain, advise (no store unless a question names ids)."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from discretion.cli.common import DatabaseOption, JsonOption, ProfileOption, fail, failing
from discretion.cli.render import render_answer, render_rule, render_ruling
from discretion.policy import DiscretionError, Profile, decide, load_profile, parse_question
from discretion.policy.errors import MalformedJsonError
from discretion.policy.jsontext import MAX_BYTES, load_json
from discretion.policy.registry import REGISTRY
from discretion.policy.rules import RULES

if TYPE_CHECKING:  # the services (and the store under them) load only for a question with ids
    from discretion.services import Context

__all__ = ["register"]


def _profile(name: str) -> Profile:
    try:
        return load_profile(name)
    except DiscretionError as error:
        fail(str(error))


def _read_json(source: str) -> Any:
    """Return the JSON value of a file, or of standard input for ``-``, read as bytes."""
    try:
        if source == "-":
            data, label = typer.get_binary_stream("stdin").read(MAX_BYTES + 1), "standard input"
        else:
            with Path(source).open("rb") as file:
                data, label = file.read(MAX_BYTES + 1), source
    except FileNotFoundError:
        fail(f"no such file `{source}`; give a JSON file, or - for standard input")
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        reason = getattr(error, "strerror", None) or "not a possible file name"
        fail(f"cannot read `{source}`: {reason}; give a JSON file, or - for standard input")
    try:
        return load_json(data, what=label)
    except MalformedJsonError as error:
        fail(str(error))


def _open_store(database: str | None, profile_name: str) -> Context:
    """Open the store a question's ids are looked up in; never create one (exit 2 if missing)."""
    from discretion.services import NoDatabaseError, NotMigratedError, open_context

    try:
        return open_context(database, profile_name, create=False)
    except NoDatabaseError as error:
        fail(
            f"no database at {error.path} to take `student.id` or `recipient.id` from; "
            "create it with `discretion db upgrade`, then fill it with `discretion import FOLDER` "
            "(or `discretion demo`), or name another with --database"
        )
    except NotMigratedError as error:
        fail(str(error))


def _needs_store(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    ids = [entry.get(key) for key in ("student", "recipient")]
    return any(isinstance(part, dict) and part.get("id") for part in ids)


def ask(
    source: Annotated[str, typer.Argument(metavar="FILE|-", help="A question, or a JSON array.")],
    as_json: JsonOption = False,
    profile_name: ProfileOption = "mit",
    database: DatabaseOption = None,
) -> None:
    """Rule on one question, or an array of them, read as JSON.

    A question that names `student.id` or `recipient.id` takes their facts
    from the store (and the JSON answer shows them under `facts`); the store
    must exist already. `subject` (a code such as 8.01) asks about the
    records of that subject. In an array, every invalid question is named,
    one line each, by its position counting from 1.
    """
    profile = _profile(profile_name)
    data = _read_json(source)
    batch = isinstance(data, list)
    entries = data if batch else [data]
    answers: list[dict[str, Any]] = []
    texts: list[str] = []
    errors: list[str] = []
    with ExitStack() as stack:
        session = None
        if any(_needs_store(entry) for entry in entries):
            from discretion.services import asking

            stack.enter_context(failing())
            context = _open_store(database, profile_name)
            stack.callback(context.close)
            session = stack.enter_context(context.transaction())
        for position, entry in enumerate(entries, 1):
            try:
                if session is not None and _needs_store(entry):
                    answer = asking.ask(session, profile, entry)
                    texts.append(render_answer(answer.ruling, answer.notes))
                    answers.append(answer.to_json())
                else:
                    ruling = decide(parse_question(entry, profile), profile)
                    texts.append(render_ruling(ruling))
                    answers.append(ruling.to_json())
            except DiscretionError as error:
                errors.append(f"question {position}: {error}" if batch else str(error))
        for message in errors[:-1]:
            typer.echo(f"discretion: {message}", err=True)
        if errors:
            fail(errors[-1])
    if as_json:
        typer.echo(json.dumps(answers if batch else answers[0], indent=2))
    else:
        typer.echo("\n\n".join(texts))


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
    typer.echo(render_rule(rule))
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
