"""Shared fixtures, and the counts the exhaustive tests report at the end of a run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from discretion.policy.compiled import CompiledPolicy, compile_policy
from discretion.policy.profile import Profile, load_profile
from discretion.services import Context, open_context
from tests.databases import PG_URL, Templates

SCENARIOS = Path(__file__).parent / "scenarios"
# the disclosure log's key for the whole run (spawned writers inherit it); not a secret
TEST_LOG_KEY = "test-log-key-for-discretion-tests-only-0123456789"
os.environ.setdefault("DISCRETION_LOG_KEY", TEST_LOG_KEY)

# what each exhaustive test checked: name -> (questions, evaluations)
CHECKED: dict[str, tuple[int, int]] = {}
# what each sampled property test checked: name -> (cases, samples)
SAMPLED: dict[str, tuple[int, int]] = {}


@pytest.fixture(scope="session")
def mit() -> Profile:
    return load_profile("mit")


@pytest.fixture(scope="session")
def ferpa() -> Profile:
    return load_profile("ferpa")


@pytest.fixture(scope="session")
def compiled(mit: Profile) -> CompiledPolicy:
    return compile_policy(mit)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if PG_URL is None:
        terminalreporter.section("PostgreSQL")
        terminalreporter.write_line(
            "PostgreSQL SKIPPED: set DISCRETION_TEST_DATABASE_URL to run the store tests on it",
            yellow=True,
        )
    if SAMPLED:
        terminalreporter.section("properties checked on samples")
        for name, (cases, samples) in sorted(SAMPLED.items()):
            terminalreporter.write_line(f"{name}: {cases:,} cases over {samples:,} samples")
    if not CHECKED:
        return
    terminalreporter.section("questions checked exhaustively")
    for name, (questions, leaves) in sorted(CHECKED.items()):
        terminalreporter.write_line(f"{name}: {questions:,} questions ({leaves:,} classes)")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="record new golden outputs (a new policy version's fingerprint) instead of checking",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and PG_URL is None:
        pytest.skip("PostgreSQL skipped: set DISCRETION_TEST_DATABASE_URL")
    return str(request.param)


def _fresh(
    templates: Templates, backend: str, name: str, fill: object, tmp_path: Path
) -> Iterator[Context]:
    url = templates.fresh(backend, name, fill, tmp_path)  # type: ignore[arg-type]
    context = open_context(url)
    try:
        yield context
    finally:
        context.close()
        templates.drop(url)


def _nothing(context: Context) -> None:
    return None


def _sample(context: Context) -> None:
    from discretion.importers.bundle import import_bundle

    with context.transaction() as session:
        import_bundle(session, context.profile, SAMPLE_BUNDLE)


SAMPLE_BUNDLE = Path(__file__).parent / "data" / "oneroster" / "bulk"
# the campus `discretion demo` builds by default
DEMO_STUDENTS, DEMO_SEED = 500, 1


def _demo(context: Context) -> None:
    from discretion.importers.demo import build_demo

    build_demo(context, DEMO_STUDENTS, DEMO_SEED)


@pytest.fixture
def empty(templates: Templates, backend: str, tmp_path: Path) -> Iterator[Context]:
    """A migrated, empty store on each backend."""
    yield from _fresh(templates, backend, "empty", _nothing, tmp_path)


@pytest.fixture
def sample(templates: Templates, backend: str, tmp_path: Path) -> Iterator[Context]:
    """The hand-written sample bundle, imported, on each backend."""
    yield from _fresh(templates, backend, "sample", _sample, tmp_path)


@pytest.fixture
def demo(templates: Templates, backend: str, tmp_path: Path) -> Iterator[Context]:
    """The default demo campus (500 students, seed 1), on each backend."""
    yield from _fresh(templates, backend, "demo", _demo, tmp_path)
