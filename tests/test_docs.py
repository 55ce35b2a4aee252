"""The examples in the README run, and print what the README shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from discretion.cli.main import app
from discretion.services import Context

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("ask-*.json"))


def test_there_are_three_ask_examples() -> None:
    assert len(EXAMPLES) == 3


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_ask_example_prints_what_the_readme_shows(example: Path) -> None:
    result = CliRunner().invoke(app, ["ask", str(example)])
    assert result.exit_code == 0, result.output
    expected = example.with_suffix(".txt").read_text()
    assert result.stdout == expected
    readme = (ROOT / "README.md").read_text()
    relative = example.relative_to(ROOT)
    assert f"$ discretion ask {relative}\n{expected}" in readme
    assert example.read_text().strip() in readme


SECURITY = ROOT / "docs" / "security.md"
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
    for image in images:
        assert (ROOT / image).is_file(), f"README.md shows a missing image `{image}`"


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


def _replay(tour: str, context: Context, codes: tuple[int, ...] = (0,)) -> None:
    """Run each `$ discretion ...` line of the README's tour on ``context``; compare output."""
    block = re.search(rf"<!-- {tour} -->\n```console\n(.*?)```", (ROOT / "README.md").read_text(),
                      re.S)  # fmt: skip
    assert block is not None, f"README.md lost its {tour}"
    commands = re.split(r"^\$ discretion ", block.group(1), flags=re.M)[1:]
    assert commands
    for text in commands:
        command, _, shown = text.partition("\n")
        result = CliRunner().invoke(app, [*shlex.split(command), "--database", context.store.url])
        assert result.exit_code in codes, (command, result.output)
        assert _steady(result.stdout) == _steady(shown), command


def test_the_readme_access_request_tour_replays(
    demo: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _replay("access-request-tour", demo)
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF")


def test_the_readme_email_checks_replay(demo: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _replay("email-tour", demo, codes=(3, 4))
