"""The docs run and say what the program does.

Every example in README.md and docs/*.md that shows output is replayed here
and compared; every command and every `DISCRETION_*` setting is documented;
every relative link leads to a file that exists.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
EXAMPLES = sorted((DOCS / "examples").glob("ask-*.json"))


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _holding(text: str) -> list[Path]:
    """The pages of the docs that hold ``text``."""
    return [page for page in PAGES if text in page.read_text()]


def test_there_are_three_ask_examples() -> None:
    assert len(EXAMPLES) == 3


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_ask_example_prints_what_the_readme_shows(example: Path) -> None:
    result = CliRunner().invoke(app, ["ask", str(example)])
    assert result.exit_code == 0, result.output
    expected = example.with_suffix(".txt").read_text()
    assert result.stdout == expected
    relative = example.relative_to(ROOT)
    pages = _holding(f"$ discretion ask {relative}\n{expected}")
    assert pages, f"no page of the docs shows `discretion ask {relative}` with its output"
    for page in pages:
        assert example.read_text().strip() in page.read_text(), (
            f"{_name(page)} shows the answer to {relative} but not the question"
        )


SECURITY = DOCS / "security.md"
_CITED = re.compile(
    r"`((?:(?:api|cli|services|store|faults|policy|web|mail)/)?test_\w+\.py)(?:::(\w+))?`"
)


def test_security_page_names_only_tests_that_exist() -> None:
    text = SECURITY.read_text()
    cited = _CITED.findall(text)
    assert len(cited) >= 40  # the page proves what it claims, point by point
    for path, name in cited:
        source = ROOT / "tests" / path
        assert source.is_file(), f"docs/security.md cites a missing test file `{path}`"
        if name:
            assert re.search(rf"^def {name}\(", source.read_text(), re.M), (
                f"docs/security.md cites `{path}::{name}`, which does not exist"
            )


def test_the_readme_shows_only_images_that_exist() -> None:
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", (ROOT / "README.md").read_text())
    assert len(images) >= 3
    for page in PAGES:
        for image in re.findall(r"!\[[^\]]+\]\(([^)]+)\)", page.read_text()):
            assert (page.parent / image).is_file(), f"{_name(page)} shows a missing image `{image}`"


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_every_relative_link_leads_to_a_file_that_exists() -> None:
    for page in [*PAGES, ROOT / "CONTRIBUTING.md"]:
        text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)  # not in code blocks
        for target in _LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            assert (page.parent / path).exists(), f"{_name(page)} links to a missing `{target}`"


# ---- the CLI reference and the settings are complete


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_cli_reference", DOCS / "gen_cli_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_documents_every_command_as_its_help_says() -> None:
    generator = _generator()
    committed = (DOCS / "cli-reference.md").read_text()
    sections: list[tuple[str, str]] = generator.sections()
    assert len(sections) > 40
    for name, text in sections:
        block = f"\n## `{name}`\n\n```text\n{text}```\n"
        assert f"\n## `{name}`\n" in committed, (
            f"`{name}` is not in docs/cli-reference.md; run `make docs-cli` "
            "(python docs/gen_cli_reference.py) and commit the page"
        )
        assert block in committed, (
            f"docs/cli-reference.md shows an old `{name} --help`; run `make docs-cli` "
            "(python docs/gen_cli_reference.py) and commit the page"
        )
    assert committed == generator.render(), (
        "docs/cli-reference.md names a command the program no longer has; run `make docs-cli`"
    )


def test_every_help_shows_words_for_values_not_python_types() -> None:
    typed = re.compile(r" <(?:str|int|float|bool|path|file|datetime|uuid|[a-z]+ range)>")
    for name, text in _generator().sections():
        assert not typed.search(text), f"`{name} --help` shows a Python type: {typed.search(text)}"
        arguments = text.partition("\nArguments:\n")[2].partition("\n\n")[0]
        assert not re.search(r"^  [a-z_]+ ", arguments, re.M), f"`{name}`: a lower-case argument"


def _documented_settings(page: Path) -> set[str]:
    """The `DISCRETION_*` names in the first column of the page's settings table."""
    names: set[str] = set()
    for line in page.read_text().splitlines():
        if line.startswith("| `DISCRETION_"):
            names.update(re.findall(r"`(DISCRETION_[A-Z_]+)`", line.split("|")[1]))
    return names


def _used_settings(folder: str, files: str = "*") -> set[str]:
    """Every `DISCRETION_*` name in the folder's files, as `grep -rhoE` would find them."""
    return {
        name
        for path in (ROOT / folder).rglob(files)
        if path.is_file() and "__pycache__" not in path.parts
        for name in re.findall(r"DISCRETION_[A-Z_]+", path.read_text(errors="replace"))
    }


def test_every_setting_the_program_reads_is_in_the_operating_table() -> None:
    documented = _documented_settings(DOCS / "operating.md")
    for name in sorted(_used_settings("src")):
        assert name in documented, (
            f"`{name}` is read by src/ but has no row in the settings table of "
            "docs/operating.md (## Configuration); add one"
        )
    for name in sorted(documented - _used_settings("src")):
        pytest.fail(f"docs/operating.md documents `{name}`, which src/ no longer reads")


def test_every_setting_the_tests_read_is_documented() -> None:
    documented = _documented_settings(DOCS / "operating.md") | _documented_settings(
        ROOT / "CONTRIBUTING.md"
    )
    for name in sorted(_used_settings("tests", "*.py")):  # not tests/oidc/node_modules
        assert name in documented, (
            f"`{name}` is read by the tests but is in neither docs/operating.md's settings "
            "table nor CONTRIBUTING.md's; add a row"
        )


# ---- examples with output are replayed

_VARYING = [
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "DATE"),
    (re.compile(r"\d{2}:\d{2}"), "TIME"),
    (re.compile(r"\(\d[\d,]* bytes"), "(SIZE bytes"),
    (re.compile(r"sha256 [0-9a-f]{16}"), "sha256 DIGEST"),
]


def _steady(text: str) -> str:
    for pattern, placeholder in _VARYING:
        text = pattern.sub(placeholder, text)
    return text


def _shows(shown: str, actual: str) -> bool:
    """Whether ``actual`` is what the page shows; a line `...` there stands for any lines."""
    pattern = "".join(
        r"(?:.*\n)*?"
        if line == "..."
        else re.escape(line[:-3]) + r"\S*\n"  # `dsc_...`: a secret shown in part
        if re.fullmatch(r"\w+_\.\.\.", line)
        else re.escape(line) + r"\n"
        for line in _steady(shown).splitlines()
    )
    return re.fullmatch(pattern, _steady(actual)) is not None


def _blocks(tour: str) -> tuple[Path, list[str]]:
    """The page holding the tour, and its console blocks in order."""
    marker = re.compile(rf"<!-- {tour} -->\n```console\n(.*?)```", re.S)
    found = [(page, marker.findall(page.read_text())) for page in PAGES]
    holding = [(page, blocks) for page, blocks in found if blocks]
    assert len(holding) == 1, f"the {tour} should be on one page; found on {len(holding)}"
    return holding[0]


def _commands(block: str) -> list[tuple[str, str]]:
    """Each `$ ...` line of a console block (continued with `\\`) with the output it shows."""
    joined = re.sub(r" \\\n\s*", " ", block)
    steps = re.split(r"^\$ ", joined, flags=re.M)[1:]
    return [(step.partition("\n")[0], step.partition("\n")[2]) for step in steps]


def _run(line: str, context: Context) -> tuple[int, str]:
    """Run one shown command line: `[echo 'JSON' |] discretion ... [| head -N | tail -N]`."""
    stages = [shlex.split(stage) for stage in line.split(" | ")]
    stdin = None
    if stages[0][0] == "echo":
        stdin = " ".join(stages.pop(0)[1:]) + "\n"
    command, *filters = stages
    assert command[0] == "discretion", line
    result = CliRunner().invoke(app, [*command[1:], "--database", context.store.url], input=stdin)
    output = result.stdout or result.stderr
    for name, count in filters:
        kept = output.splitlines(keepends=True)
        n = int(count.lstrip("-"))
        output = "".join({"head": kept[:n], "tail": kept[-n:]}[name])
    return result.exit_code, output


# every marked tour, where it is replayed, and the exit statuses it expects
TOURS = {
    "demo-tour": (0,),
    "store-tour": (0, 1),
    "access-request-tour": (0,),
    "email-tour": (3, 4),
    "token-tour": (0, 2),
}


def test_every_marked_tour_is_replayed() -> None:
    marked = {
        name for page in PAGES for name in re.findall(r"<!-- ([\w-]+-tour) -->", page.read_text())
    }
    assert marked == set(TOURS), "a `<!-- ...-tour -->` block must have an entry in TOURS"


def _replay(tour: str, context: Context) -> None:
    """Run each command of the tour's blocks on ``context``; compare with what the page shows."""
    page, blocks = _blocks(tour)
    steps = [step for block in blocks for step in _commands(block)]
    assert steps, f"{_name(page)}: the {tour} shows no command"
    for line, shown in steps:
        code, output = _run(line, context)
        assert code in TOURS[tour], (_name(page), line, output)
        assert _shows(shown, output), (
            f"{_name(page)}, {tour}: `{line}` printed\n{output}\nnot what the page shows\n{shown}"
        )


def test_the_readme_demo_tour_replays(demo: Context) -> None:
    _replay("demo-tour", demo)


def test_the_store_tour_replays(demo: Context) -> None:
    _replay("store-tour", demo)


def test_the_access_request_tour_replays(
    demo: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _replay("access-request-tour", demo)
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF")


def test_the_token_tour_replays(demo: Context) -> None:
    _replay("token-tour", demo)


def test_the_email_the_checks_read_is_the_one_shown() -> None:
    page = (DOCS / "staff-and-students.md").read_text()
    message = (DOCS / "examples" / "email-to-advisor.eml").read_text()
    assert f"```text\n{message}" in page, "docs/staff-and-students.md shows another message"


def test_the_email_checks_replay(demo: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _replay("email-tour", demo)
