"""Plain words: every value a person is asked about, or told, has a phrase."""

from __future__ import annotations

from enum import StrEnum

import pytest

from discretion.policy.phrases import (
    DECISION_ICON,
    ITEM_LABELS,
    PHRASES,
    decision_label,
    item_label,
    phrase,
)
from discretion.policy.profile import BUILTIN_PROFILES, load_profile
from discretion.policy.vocabulary import (
    Act,
    Channel,
    ConsentForm,
    Decision,
    LegalProcess,
    Level,
    RecipientKind,
    RequestForm,
    Status,
    Students,
)

ASKED: tuple[type[StrEnum], ...] = (
    Act,
    RecipientKind,
    Students,
    Status,
    Level,
    ConsentForm,
    Channel,
    LegalProcess,
    RequestForm,
    Decision,
)


@pytest.mark.parametrize("values", ASKED, ids=lambda values: values.__name__)
def test_every_value_has_a_phrase(values: type[StrEnum]) -> None:
    assert set(PHRASES[values]) == set(values)
    for value in values:
        words = phrase(value)
        assert words and words[0].isupper(), value
        assert "_" not in words, value  # plain words, never the machine name


@pytest.mark.parametrize("values", ASKED, ids=lambda values: values.__name__)
def test_the_options_of_a_question_read_differently(values: type[StrEnum]) -> None:
    words = [phrase(value) for value in values]
    assert len(set(words)) == len(words)


def test_decisions_carry_an_icon_and_a_word_never_colour_alone() -> None:
    assert set(DECISION_ICON) == set(Decision)
    assert decision_label(Decision.PERMIT) == "✓ Permit"
    assert decision_label(Decision.DENY) == "✗ Deny"
    assert decision_label(Decision.REFER) == "→ Refer"


@pytest.mark.parametrize("name", BUILTIN_PROFILES)
def test_every_item_of_a_profile_has_a_readable_distinct_label(name: str) -> None:
    items = tuple(load_profile(name).items)
    labels = [item_label(item) for item in items]
    assert all("_" not in label for label in labels)
    assert len(set(labels)) == len(labels)


def test_item_labels_derive_from_the_id_unless_spelled_out() -> None:
    assert item_label("term_address") == "term address"
    assert item_label("ssn") == "Social Security number"
    mit = load_profile("mit")
    assert set(ITEM_LABELS) <= set(mit.items)  # no label for an item no profile has
