"""The corpus: every message gets the verdict (and rules) expected.yaml gives it.

Precision and recall of BLOCK and of WARN over the whole corpus are asserted
(100% for BLOCK, 95% or more for WARN); ``pytest -s`` prints them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from discretion.mail.checker import check
from discretion.mail.verdict import Verdict
from discretion.policy import load_profile

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, object]] = yaml.safe_load((CORPUS / "expected.yaml").read_text())


@cache
def verdict_of(name: str) -> Verdict:
    return check((CORPUS / name).read_bytes(), load_profile("mit"))


def test_the_corpus_is_large_and_every_file_has_an_expectation() -> None:
    files = {path.name for path in CORPUS.glob("*.eml")}
    assert len(files) >= 80
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_gets_its_expected_verdict(name: str) -> None:
    expected, verdict = EXPECTED[name], verdict_of(name)
    rules = sorted({finding.rule for finding in verdict.findings})
    assert verdict.level.value == expected["verdict"], (name, rules)
    if "rules" in expected:
        assert rules == sorted(expected["rules"]), name  # type: ignore[call-overload]


def _precision_recall(level: str) -> tuple[float, float]:
    said = {name for name in EXPECTED if verdict_of(name).level.value == level}
    meant = {name for name, entry in EXPECTED.items() if entry["verdict"] == level}
    right = len(said & meant)
    return (right / len(said) if said else 1.0, right / len(meant) if meant else 1.0)


def test_corpus_precision_and_recall_meet_the_bar() -> None:
    figures = {level: _precision_recall(level) for level in ("block", "warn")}
    for level, (precision, recall) in figures.items():
        print(f"\n{level}: precision {precision:.1%}, recall {recall:.1%} over {len(EXPECTED)}")
    assert figures["block"] == (1.0, 1.0)
    assert min(figures["warn"]) >= 0.95
