"""Fixtures for the fault tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from discretion.services import Context
from tests.conftest import _fresh, _sample
from tests.databases import Templates


@pytest.fixture
def sqlite_sample(templates: Templates, tmp_path: Path) -> Iterator[Context]:
    """The sample bundle, imported, in an SQLite file of this test's own."""
    yield from _fresh(templates, "sqlite", "sample", _sample, tmp_path)
