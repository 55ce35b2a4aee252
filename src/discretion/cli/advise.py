"""The interactive advisor: the web advisor's questions (``policy.steps``), one by one, then rule.

The steps, their skip rules, their wording and the checking of an answer
are the policy's; this module only prompts and prints.
"""

from __future__ import annotations

import typer

from discretion.cli.render import render_ruling
from discretion.policy import DiscretionError, Profile, decide, parse_question
from discretion.policy.advising import answer, next_step, options, question_from_answers, validate
from discretion.policy.steps import Answers, Kind, Step, Value

__all__ = ["run"]


def _ask(step: Step, profile: Profile, answers: Answers) -> Value:
    """Ask one step until it gets a valid answer; blank takes the step's default."""
    offered = options(step, profile, answers)
    typer.echo(f"\n{step.question}" + (f" {step.hint}" if step.hint else ""))
    if step.kind is Kind.ONE:
        for option in offered:
            typer.echo(f"  {option.value:<26} {option.phrase}")
        text = "Answer"
    elif step.kind is Kind.ITEMS:
        typer.echo(f"  {', '.join(option.value for option in offered)}")
        text = "Answer (comma-separated" + (")" if step.required else ", blank for none)")
    else:
        text = "Answer (yes/no)"
    default = step.default if step.default is not None else ("" if not step.required else None)
    while True:
        raw = str(typer.prompt(text, default=default, show_default=bool(default)))
        value, error = validate(step, [raw], profile, answers)
        if value is not None:
            return value
        typer.echo(error, err=True)


def _answers(profile: Profile) -> Answers:
    answers: Answers = {}
    while (step := next_step(answers, profile)) is not None:
        answers = answer(answers, step.id, _ask(step, profile, answers))
    return answers


def run(profile: Profile) -> None:
    """Advise until the person has no more questions."""
    typer.echo(f"Discretion advisor ({profile.name}). Answer each question; Ctrl-C to stop.")
    while True:
        question = question_from_answers(_answers(profile), profile)
        try:
            ruling = decide(parse_question(question, profile), profile)
        except DiscretionError as error:  # pragma: no cover - the steps only make valid questions
            typer.echo(f"discretion: {error}", err=True)
        else:
            typer.echo("\n" + render_ruling(ruling) + "\n")
        if not typer.confirm("Another question?", default=False):
            return
