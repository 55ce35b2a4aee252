"""The root command loads each module of commands only when it is used (cli/lazy.py).

The table in ``cli/main.py`` must name exactly the commands the modules
register, with their own help, and ``discretion --help`` written from it must
read as it would from the loaded commands. A run of ``ask`` on a question
without ids, of ``--help`` or of ``--version`` must not import the store, the
web server or the PDF renderer: checked in a fresh interpreter, by module
name, never by time.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer._click import Context, HelpFormatter
from typer.core import TyperGroup

import discretion.cli
from discretion.cli.lazy import LazyGroup, load
from discretion.cli.main import COMMANDS, app

# what only the store, the servers, the PDF renderer, the compiled policy or a refusal need
HEAVY = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "weasyprint",
    "jinja2",
    "numpy",
    "jsonschema",
    "discretion.services",
    "discretion.store",
    "discretion.mail",
    "discretion.importers",
)
MODULES = sorted({entry.module for entry in COMMANDS.values()})

# runs the command line as the console script does, then prints what was imported
PROBE = """
import json, sys
from discretion.cli.main import app
try:
    app(sys.argv[1:], prog_name="discretion")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _imported(*args: str) -> tuple[set[str], str]:
    """Run the command line in a fresh interpreter; return what it imported, and its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1])), done.stdout


def _heavy(modules: set[str]) -> list[str]:
    """Return which of HEAVY were imported (a package counts when any module of it was)."""
    return sorted({h for m in modules for h in HEAVY if m == h or m.startswith(h + ".")})


def test_lazy_table_names_exactly_the_registered_commands_each_in_its_module() -> None:
    registered = {module: list(load(module)) for module in MODULES}
    for name, entry in COMMANDS.items():
        assert name in registered[entry.module], f"cli/{entry.module}.py registers no `{name}`"
    every = [name for names in registered.values() for name in names]
    assert sorted(every) == sorted(COMMANDS), "a module registers a command the table lacks"


def test_lazy_table_covers_every_module_that_registers_commands() -> None:
    path = Path(discretion.cli.__file__).parent
    registering = {
        info.name
        for info in pkgutil.iter_modules([str(path)])
        if "def register(" in (path / f"{info.name}.py").read_text()
    }
    assert registering == set(MODULES)


def test_lazy_table_help_is_each_commands_own_first_sentence() -> None:
    for module in MODULES:
        for name, command in load(module).items():
            assert COMMANDS[name].help == command.get_short_help_str(limit=10**6), name


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_lazy_help_lists_commands_as_the_loaded_commands_would(width: int) -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, LazyGroup)
    ctx = Context(root, info_name="discretion")
    lazy, loaded = HelpFormatter(width=width), HelpFormatter(width=width)
    root.format_commands(ctx, lazy)
    TyperGroup.format_commands(root, ctx, loaded)  # loads every module, as before
    assert lazy.getvalue() == loaded.getvalue()
    assert "ask" in lazy.getvalue()


def test_lazy_ask_without_ids_imports_no_store_server_or_renderer(tmp_path: Path) -> None:
    question = tmp_path / "question.json"
    question.write_text(json.dumps({"information": ["grades"], "recipient": {"kind": "parent"}}))
    modules, out = _imported("ask", str(question), "--json")
    assert json.loads(out)["decision"] == "refer"
    assert _heavy(modules) == []
    assert "discretion.cli.records" not in modules


def test_lazy_help_and_version_import_no_command_module() -> None:
    for args in (["--help"], ["--version"]):
        modules, out = _imported(*args)
        assert out
        loaded = [m for m in MODULES if f"discretion.cli.{m}" in modules]
        assert (loaded, _heavy(modules)) == ([], []), args


def test_lazy_command_loads_only_its_module() -> None:
    modules, out = _imported("rules")
    assert "parents.refer_to_dean_by_level" in out
    loaded = [m for m in MODULES if f"discretion.cli.{m}" in modules]
    assert loaded == ["policy_commands"]
    assert _heavy(modules) == []
