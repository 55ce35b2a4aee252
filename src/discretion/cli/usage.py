"""How the command line reports its own misuse: one plain line on stderr, and exit 2.

Typer (through the Click it carries) raises a usage error for a missing option
or argument, an unknown command or option, or a value its type refuses, and
would print it as a box under the usage text. ``DiscretionGroup`` runs the
command tree in Click's non-standalone mode and prints every such error as

    discretion: <what was wrong>; see `discretion <command> --help`

The root Typer app is built with ``cls=DiscretionGroup``; the sub-apps added
with ``add_typer`` need not be, since only the root's ``main`` runs (both for
the installed script and for ``CliRunner.invoke(app, ...)``). This module also
holds the root callback, which answers ``--version``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

import typer
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperArgument, TyperGroup, TyperOption

from discretion.policy.version import POLICY_VERSION

__all__ = ["PROG", "DiscretionGroup", "one_line", "root", "version_line"]

PROG = "discretion"
_QUOTED = re.compile(r"'([^'\n]*)'")  # Click quotes names and values; we use backticks
_NO_SUCH_OPTION = re.compile(r"^(No such option): (\S+)")
_UNABLE = re.compile(r", unable to parse .*$")  # says again what "should be a valid ..." said
_LONGEST = 400  # characters of a message kept; user input can be megabytes long


def one_line(text: str) -> str:
    """Return text on one printable line: whitespace runs become a space, controls are escaped.

    A line longer than 400 characters (a hostile value quoted whole) keeps its
    start and its end, around an ellipsis.
    """
    flat = " ".join(text.split())
    shown = "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in flat
    )
    # Lone surrogates (undecodable bytes in argv) cannot be written as UTF-8.
    shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(shown) <= _LONGEST:
        return shown
    half = _LONGEST // 2  # keep the end too: it says what to do
    return shown[:half] + "…" + shown[-half:]


def _usage_message(error: UsageError) -> str:
    """Say what was wrong with the command line, and where its help is."""
    ctx = error.ctx
    path = ctx.command_path if ctx is not None else PROG
    if (
        ctx is not None
        and isinstance(error, NoArgsIsHelpError)
        and isinstance(ctx.command, TyperGroup)
    ):
        names = ", ".join(ctx.command.list_commands(ctx))
        what = f"name a command: {names}"
    else:
        message = error.format_message().strip().rstrip(".")
        message = _NO_SUCH_OPTION.sub(r"\1 `\2`", _QUOTED.sub(r"`\1`", message))
        message = message.replace(": Value error, ", ": ").replace(": Input should", ": it should")
        message = _UNABLE.sub("", message)
        what = message[:1].lower() + message[1:]
    return f"{one_line(what)}; see `{one_line(path)} --help`"


def _is_utf8(text: str) -> bool:
    """Say whether an argument decoded from bytes without lone surrogates (undecodable bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _leave(message: str, code: int) -> NoReturn:
    typer.echo(f"{PROG}: {message}", err=True)
    sys.exit(code)


class DiscretionGroup(TyperGroup):
    """The root command group: its errors of usage are one line, with exit 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; in standalone mode, exit with its code (see module docstring)."""
        run_args = {
            "args": args,
            "prog_name": prog_name or PROG,
            "complete_var": complete_var,
            "windows_expand_args": windows_expand_args,
            **extra,
        }
        if not standalone_mode:
            return super().main(standalone_mode=False, **run_args)
        for arg in sys.argv[1:] if args is None else args:
            if not _is_utf8(arg):
                raw = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                _leave(f"`{one_line(raw)}` is not UTF-8 text; see `{PROG} --help`", 2)
        try:
            code = super().main(standalone_mode=False, **run_args)
        except UsageError as error:
            _leave(_usage_message(error), error.exit_code)
        except typer.TyperException as error:  # a file that cannot be opened, and the like
            _leave(one_line(error.format_message()), error.exit_code)
        except typer.Abort:
            _leave("stopped before the command finished (no more input, or interrupted)", 1)
        # typer.Exit(code) comes back as its code; a command that returns gives None.
        sys.exit(code if isinstance(code, int) else 0)


def _option_placeholder(self: TyperOption, ctx: Any) -> str | None:
    """Show an option's value as a word: its metavar, else its name in capitals; a flag none."""
    if self.is_flag or self.count:
        return None
    word = self.metavar or (self.name or "value").upper()
    return word + ("..." if self.nargs != 1 else "")


def _argument_name(self: TyperArgument) -> str:
    """Show an argument as its metavar, else its name in capitals (`STUDENT`, not `student`)."""
    return self.metavar or (self.name or "value").upper() + ("..." if self.nargs != 1 else "")


# Typer's plain help writes a value's Python type after it (`--seed <int>`, `student <str>`);
# the help shows what to write instead, as Click does: `--seed SEED`, `STUDENT`.
# tests/test_docs.py reads every command's help for a type left in angle brackets.
TyperOption.display_type_rich = _option_placeholder  # type: ignore[method-assign]
TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
TyperArgument._rich_display_name = _argument_name  # type: ignore[method-assign]


def version_line() -> str:
    """Return ``discretion X.Y.Z (policy A.B.C)``."""
    from importlib.metadata import PackageNotFoundError, version  # for --version only

    try:
        package = version("discretion")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree, uninstalled
        package = "unknown"
    return f"{PROG} {package} (policy {POLICY_VERSION})"


def _show_version(wanted: bool) -> None:
    if wanted:
        typer.echo(version_line())
        raise typer.Exit(0)


def root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version of Discretion and of its policy, and exit.",
        ),
    ] = False,
) -> None:
    """May this student information be shared? Ask the policy before you do."""
