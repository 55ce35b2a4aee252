"""The root command group imports a command's module only when that command is used.

Each module of commands (``cli/records.py``, ``cli/service.py``, ...) adds its
commands with ``register(app)``, and importing it brings in what they need:
SQLAlchemy and the services, uvicorn and FastAPI, WeasyPrint. A command that
needs none of them, such as ``discretion ask`` on a question without ids,
should not wait for them. So the root knows its commands from a table
(``COMMANDS`` in ``cli/main.py``): each top-level name, the module that
registers it, and its one-line help. ``discretion --help`` is written from
the table alone; running a command, or asking for its help, imports its
module then. ``tests/cli/test_lazy_commands.py`` checks the table against
what the modules register, so the two cannot drift apart.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from gettext import gettext
from typing import Any, ClassVar

import typer
import typer.main
from typer._click import Command, Context, HelpFormatter
from typer._click.utils import make_default_short_help

from discretion.cli.usage import DiscretionGroup

__all__ = ["Lazy", "LazyCommands", "LazyGroup", "load"]


@dataclass(frozen=True)
class Lazy:
    """Where a top-level command is registered, and its help as ``discretion --help`` lists it.

    Attributes:
        module: the module under ``discretion.cli`` whose ``register(app)`` adds the command.
        help: the first sentence of the command's help (its docstring, or its group's help).
    """

    module: str
    help: str


def load(module: str) -> dict[str, Command]:
    """Import a module of commands and return the commands its ``register`` adds, by name."""
    commands = importlib.import_module(f"discretion.cli.{module}")
    # built as the root app is, so that each command is what it was when registered on the root
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    commands.register(app)
    return dict(typer.main.get_group(app).commands)


class LazyCommands(MutableMapping[str, Command]):
    """The root's commands by name: the table's names, each loaded on first use.

    A module is loaded once for all the commands it registers; loading names
    a command of the table that its module does not register raises
    ``LookupError`` (a table out of step with the code, caught by the tests).
    """

    def __init__(self, table: Mapping[str, Lazy], loaded: Mapping[str, Command]) -> None:
        self._table = table
        self._loaded = dict(loaded)

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            module = self._table[name].module  # KeyError: no such command
            registered = load(module)
            for each, entry in self._table.items():
                if entry.module != module or each in self._loaded:
                    continue
                if each not in registered:
                    raise LookupError(f"cli/{module}.py registers no command `{each}`")
                self._loaded[each] = registered[each]
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError(f"the command `{name}` cannot be removed")

    def __iter__(self) -> Iterator[str]:
        yield from self._table
        yield from (name for name in self._loaded if name not in self._table)

    def __len__(self) -> int:
        return len(self._table) + sum(name not in self._table for name in self._loaded)

    def __contains__(self, name: object) -> bool:
        return name in self._table or name in self._loaded


class LazyGroup(DiscretionGroup):
    """The root group: its commands come from ``table`` and load when used.

    A subclass sets ``table``; the group otherwise behaves as ``DiscretionGroup``.
    """

    table: ClassVar[Mapping[str, Lazy]] = {}

    def __init__(self, **attrs: Any) -> None:
        """Build the group as Typer does, with the table's commands in place of registered ones."""
        super().__init__(**attrs)
        self.commands = LazyCommands(self.table, self.commands)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """List the commands with their one-line help from the table, importing none of them.

        The rows are those ``TyperGroup.format_commands`` writes from the
        loaded commands (the tests compare the two).
        """
        rows = [(name, entry.help) for name, entry in self.table.items()]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section(gettext("Commands")):
            formatter.write_dl(
                [(name, make_default_short_help(text, limit)) for name, text in rows]
            )
