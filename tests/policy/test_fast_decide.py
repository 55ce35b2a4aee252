"""``decide``'s fast path (the lazily grown tree, a ruling per class) equals the plain rules."""

from __future__ import annotations

import gzip
import importlib
import json
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discretion.policy import decide, parse_question, prebuilt
from discretion.policy.compiled import CompiledPolicy, fingerprint, leaves, question_json
from discretion.policy.decide import decide_plainly
from discretion.policy.facts import STATED, fact_value
from discretion.policy.profile import BUILTIN_PROFILES, Profile, load_profile
from discretion.policy.question import Question
from discretion.policy.rules import DEFAULT
from discretion.policy.vocabulary import Decision, RecipientKind

_decide = importlib.import_module("discretion.policy.decide")
MIT = load_profile("mit")


def _items(profile: Profile) -> st.SearchStrategy[frozenset[str] | None]:
    return st.none() | st.frozensets(st.sampled_from(sorted(profile.items)), max_size=4)


def _questions(profile: Profile) -> st.SearchStrategy[Question]:
    """Every stated fact, several items, suppressions, relations, and consents naming items."""
    stated = st.fixed_dictionaries({f.name: st.sampled_from(f.values or ()) for f in STATED})
    return st.builds(
        Question,
        information=st.lists(
            st.sampled_from(sorted(profile.items)), min_size=1, max_size=5, unique=True
        ).map(tuple),
        stated=stated,
        relations=st.frozensets(st.sampled_from(sorted(profile.need_to_know)), max_size=3),
        suppressed=st.frozensets(st.sampled_from(profile.directory_items)),
        consent_items=_items(profile),
        posting_items=_items(profile),
    )


def _same(fast: Any, plain: Any) -> None:
    assert fast == plain
    assert fast.to_json() == plain.to_json()
    assert [r.cites for r in fast.reasons] == [r.cites for r in plain.reasons]
    assert (fast.conditions, fast.remedy, fast.refer_to) == (
        plain.conditions,
        plain.remedy,
        plain.refer_to,
    )


def _adopted(profile: Profile) -> Any:
    engine = _decide._Engine(profile)
    assert engine.adopt(), f"no fresh shipped tree for `{profile.id}`: run `make policy-tree`"
    return engine


@cache
def _engine_of(kind: str) -> Any:
    """One engine of each kind for the whole run: later examples meet what earlier ones grew."""
    return _adopted(MIT) if kind == "prebuilt" else _decide._Engine(MIT, adopt_after=None)


@settings(max_examples=800, deadline=None)
@given(question=_questions(MIT))
def test_decide_equals_the_plain_rules(question: Question) -> None:
    _same(decide(question, MIT), decide_plainly(question, MIT))


@pytest.mark.parametrize("kind", ["grown", "prebuilt"])
@settings(max_examples=600, deadline=None)
@given(question=_questions(MIT))
def test_each_engine_equals_the_plain_rules(kind: str, question: Question) -> None:
    """The tree grown as walked and the shipped tree rule every question as the rules do."""
    engine = _engine_of(kind)
    _same(engine.decide(question), decide_plainly(question, MIT))
    assert engine.complete is (kind == "prebuilt")


@pytest.mark.parametrize("name", BUILTIN_PROFILES)
def test_the_shipped_tree_is_the_fully_grown_tree(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Growing the tree again writes the very bytes shipped: the file is not stale."""
    shipped = prebuilt.path(name)
    monkeypatch.setattr(prebuilt, "path", lambda profile_id: tmp_path / f"{profile_id}.json.gz")
    prebuilt.main([name])
    fresh = tmp_path / f"{name}.json.gz"
    assert shipped.read_bytes() == fresh.read_bytes(), (
        f"the shipped decision tree of `{name}` is stale: run `make policy-tree` and commit it"
    )
    data = json.loads(gzip.decompress(fresh.read_bytes()))
    assert data["sources"] == prebuilt.sources_digest(name)
    assert data["fingerprint"] == fingerprint(load_profile(name))


def test_every_built_in_profile_adopts_its_shipped_tree() -> None:
    for name in BUILTIN_PROFILES:
        engine = _adopted(load_profile(name))
        assert engine.complete and engine.adopt_after is None
        root = engine.root
        assert engine.adopt() and engine.root is root  # the file is read once


def test_a_fresh_engine_adopts_the_shipped_tree_after_meeting_some_classes(mit: Profile) -> None:
    engine = _decide._Engine(mit, adopt_after=2)
    questions = [Question.of((item,), recipient=kind) for item in ("name", "grades")
                 for kind in RecipientKind]  # fmt: skip
    for question in questions:
        _same(engine.decide(question), decide_plainly(question, mit))
    assert engine.complete and engine.met == 3  # the third new class made it adopt
    assert _decide._Engine(mit).adopt_after == _decide.ADOPT_AFTER


def test_a_profile_that_is_not_built_in_never_uses_a_shipped_tree(tmp_path: Path) -> None:
    copy = tmp_path / "mit.toml"
    copy.write_text(
        resources.files("discretion.policy").joinpath("profiles", "mit.toml").read_text()
    )
    custom = load_profile(copy)
    assert custom.id == "mit"
    engine = _decide._Engine(custom, adopt_after=0)
    question = Question.of(("grades",), recipient=RecipientKind.EMPLOYER)
    _same(engine.decide(question), decide_plainly(question, custom))
    assert not engine.complete and engine.adopt_after is None and engine.root is not None
    assert _decide._Engine(load_profile("mit"), {}).adopt_after is None  # rules of a test


@pytest.mark.parametrize("fault", ["stale", "missing"])
def test_a_stale_or_missing_shipped_tree_is_ignored(
    fault: str, mit: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fault == "stale":
        monkeypatch.setattr(prebuilt, "sources_digest", lambda profile_id: "edited since")
    else:
        monkeypatch.setattr(prebuilt, "_shipped", lambda profile_id: tmp_path / "none.json.gz")
    engine = _decide._Engine(mit, adopt_after=0)
    question = Question.of(("grades",), recipient=RecipientKind.PARENT)
    _same(engine.decide(question), decide_plainly(question, mit))
    assert not engine.complete and engine.met == 1  # it grows its tree as before


def test_a_value_the_shipped_tree_lacks_is_ruled_plainly(mit: Profile) -> None:
    engine = _adopted(mit)
    root = engine.root
    assert isinstance(root, _decide._Branch)
    question = Question.of(("grades",), recipient=RecipientKind.PARENT)
    value = fact_value(question, "grades", mit, root.name)
    del root.children[value]  # as if a fact took a value the file did not know
    _same(engine.decide(question), decide_plainly(question, mit))
    assert engine.root is root and value not in root.children  # nothing was added


@settings(max_examples=150, deadline=None)
@given(questions=st.lists(_questions(load_profile("ferpa")), min_size=1, max_size=20))
def test_a_fresh_engine_equals_the_plain_rules_whatever_it_saw_first(
    questions: list[Question],
) -> None:
    """The tree grows in the order questions come; no order changes an answer."""
    ferpa = load_profile("ferpa")
    engine = _decide._Engine(ferpa)
    for question in questions:
        _same(engine.decide(question), decide_plainly(question, ferpa))


def test_every_class_of_the_compiled_tree_is_ruled_alike(
    compiled: CompiledPolicy, mit: Profile
) -> None:
    """One question per leaf of the exhaustive tree: fast and plain agree on every class."""
    engine = _decide._Engine(mit)
    count = 0
    for leaf in leaves(compiled.tree):
        question = parse_question(question_json(leaf.known, mit), mit)
        ruling = engine.decide(question)
        assert ruling == decide_plainly(question, mit), leaf.known
        (item,) = question.information
        assert ruling.by_information[item].rule == leaf.outcome.deciding.rule.id
        count += 1
    assert count == len(list(leaves(compiled.tree)))


def test_a_ruling_is_assembled_once_per_class(mit: Profile) -> None:
    engine = _decide._Engine(mit)
    ask = {"recipient": {"kind": "employer"}, "information": ["name", "grades"]}
    first = engine.decide(parse_question(ask, mit))
    again = engine.decide(parse_question({**ask, "purpose": "another purpose"}, mit))
    assert again is first  # another question, the same class
    swapped = {**ask, "information": ["grades", "name"]}
    other = engine.decide(parse_question(swapped, mit))
    assert other is not first and other == decide_plainly(parse_question(swapped, mit), mit)
    assert list(other.by_information) == ["grades", "name"]
    assert len(engine.assembled) == 2 and len(engine.classes) == 2


def test_rules_that_read_nothing_make_a_tree_of_one_leaf(mit: Profile) -> None:
    engine = _decide._Engine(mit, {})
    ruling = engine.decide(Question.of(("name",), recipient=RecipientKind.PUBLIC))
    assert engine.root == 0 and ruling.rules == (DEFAULT.id,)
    assert engine.decide(Question.of(("grades",), recipient=RecipientKind.MEDIA)).rules == (
        DEFAULT.id,
    )


def test_the_reader_knows_only_facts(mit: Profile) -> None:
    reader = _decide._Reader(Question.of(("name",), recipient=RecipientKind.PUBLIC), "name", mit)
    assert reader.recipient is RecipientKind.PUBLIC and reader.recipient is RecipientKind.PUBLIC
    assert reader._read == [("recipient", RecipientKind.PUBLIC)]  # read once, recorded once
    with pytest.raises(AttributeError, match="shoe_size"):
        _ = reader.shoe_size


@pytest.mark.parametrize("adopt_after", [None, 5])
def test_threads_growing_one_tree_agree_with_the_plain_rules(
    mit: Profile, adopt_after: int | None
) -> None:
    """Threads agree with the rules while they grow a tree, and while it is swapped."""
    engine = _decide._Engine(mit, adopt_after=adopt_after)
    kinds = list(RecipientKind)
    questions = [
        Question.of((item,), recipient=kind) for item in sorted(mit.items)[:6] for kind in kinds
    ]
    found: dict[int, list[Any]] = {}

    def run(at: int) -> None:
        found[at] = [engine.decide(q) for q in questions[at:] + questions[:at]]

    threads = [threading.Thread(target=run, args=(at,)) for at in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for at, rulings in found.items():
        expected = [decide_plainly(q, mit) for q in questions[at:] + questions[:at]]
        assert rulings == expected
    assert {o.decision for o in engine.outcomes} <= set(Decision)
    assert engine.complete is (adopt_after is not None)


def test_a_ruling_builds_its_json_once_and_hands_out_fresh_outer_dicts(mit: Profile) -> None:
    ruling = decide_plainly(Question.of(("name", "grades"), recipient=RecipientKind.PARENT), mit)
    first, second = ruling.to_json(), ruling.to_json()
    assert first == second and first is not second
    assert first["by_information"] is second["by_information"]  # built once, shared
    first["decision"] = "changed"
    assert ruling.to_json()["decision"] == ruling.decision.value


def test_a_ruling_serialised_without_remembering_keeps_no_json(mit: Profile) -> None:
    # ask --ndjson: a million rulings serialised once each must not each keep their form
    ruling = decide_plainly(Question.of(("name", "grades"), recipient=RecipientKind.PARENT), mit)
    fresh = ruling.to_json(remember=False)
    again = ruling.to_json(remember=False)
    assert fresh == again and fresh["by_information"] is not again["by_information"]
    assert fresh == ruling.to_json()  # and the same form as the remembered one
    assert ruling.to_json(remember=False)["by_information"] is ruling.to_json()["by_information"]
