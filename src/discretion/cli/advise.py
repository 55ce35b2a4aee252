"""The interactive advisor: ask what the person intends, step by step, then rule."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from discretion.cli.render import render_ruling
from discretion.policy import DiscretionError, Profile, decide, parse_question
from discretion.policy.vocabulary import (
    OUTSIDE,
    Act,
    Channel,
    ConsentForm,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Students,
)

__all__ = ["run"]


def _choose(text: str, choices: type[StrEnum], default: str) -> str:
    answer = typer.prompt(f"{text} ({', '.join(choices)})", default=str(default), type=choices)
    return str(answer.value)


def _names(text: str, known: tuple[str, ...], *, required: bool) -> list[str]:
    while True:
        answer = str(typer.prompt(text, default="" if not required else None))
        names = [n.strip() for n in answer.split(",") if n.strip()]
        unknown = [n for n in names if n not in known]
        if unknown:
            typer.echo(f"unknown `{unknown[0]}`; choose from: {', '.join(known)}", err=True)
        elif names or not required:
            return names


def _question(profile: Profile) -> dict[str, Any]:
    act = _choose("What do you intend to do?", Act, Act.DISCLOSE)
    kind = _choose("Who would receive it?", RecipientKind, "official")
    recipient: dict[str, Any] = {"kind": kind}
    if kind == RecipientKind.OFFICIAL:
        recipient["need_to_know"] = typer.confirm(
            "Do they need this information for their duties?", default=False
        )
        if act == Act.SHARE_CLASS_LIST:
            recipient["assigned_to_subject"] = typer.confirm(
                "Are they assigned to the subject?", default=False
            )
    if RecipientKind(kind) in OUTSIDE:
        recipient["legal_process"] = _choose(
            "Under what legal process?", LegalProcess, LegalProcess.NONE
        )
    information = _names(
        "Which information (comma-separated)?", tuple(profile.items), required=True
    )
    students = _choose("About one student or many?", Students, "one")
    student = {
        "level": _choose("The student's level", Level, "undergraduate"),
        "suppressed": _names(
            "Directory items the student suppressed (comma-separated, blank for none)",
            profile.directory_items,
            required=False,
        ),
        "withheld": typer.confirm("Did the student withhold everything?", default=False),
    }
    form = _choose("The student's consent", ConsentForm, ConsentForm.NONE)
    consent: dict[str, Any] = {"form": form}
    if form not in (ConsentForm.NONE, ConsentForm.VERBAL):
        consent["specific"] = typer.confirm(
            "Does it name this recipient, purpose and information?", default=False
        )
    channel = _choose("How would it travel?", Channel, Channel.IN_PERSON)
    if act == Act.POST_ON_WEB or channel in (Channel.WEB_PUBLIC, Channel.WEB_RESTRICTED):
        consent["web_posting"] = typer.confirm(
            "Did the student permit this posting?", default=False
        )
    question: dict[str, Any] = {
        "act": act,
        "recipient": recipient,
        "information": information,
        "students": students,
        "student": student,
        "consent": consent,
        "channel": channel,
    }
    if act == Act.INSPECT_OWN_RECORD:
        question["record"] = {
            "request_form": _choose("How did the student ask?", RequestForm, "written"),
            "identifies_other_students": typer.confirm(
                "Does the record identify other students?", default=False
            ),
            "sole_possession_note": typer.confirm(
                "Does it include notes you never showed anyone?", default=False
            ),
            "access_waived": typer.confirm("Did the student waive access to it?", default=False),
        }
    return question


def run(profile: Profile) -> None:
    """Advise until the person has no more questions."""
    typer.echo(f"Discretion advisor ({profile.name}). Answer each question; Ctrl-C to stop.")
    while True:
        try:
            ruling = decide(parse_question(_question(profile), profile), profile)
        except DiscretionError as error:  # pragma: no cover - the prompts only offer valid values
            typer.echo(f"discretion: {error}", err=True)
        else:
            typer.echo("\n" + render_ruling(ruling) + "\n")
        if not typer.confirm("Another question?", default=False):
            return
