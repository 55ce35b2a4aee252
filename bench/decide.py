"""Benchmark ``decide``: full rulings per second, single calls and a batch.

Beside each figure, in the same run, a plain Python function that returns
only a decision sets the baseline, so the ratio holds on a noisy machine.
``decide`` walks a decision tree it grows as it goes: "first sight, fresh
engine" starts with no tree (every new class of item runs the plain rules
once); "first sight of the question, tree grown" rules questions it has not
seen, but whose classes it has. ``decide_plainly`` is the plain rules alone.
Run with ``make bench`` (or ``python bench/decide.py --batch 1000000``).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from discretion.policy import Question, Ruling, load_profile
from discretion.policy.compiled import CompiledPolicy, compile_policy
from discretion.policy.decide import _Engine, decide_plainly
from discretion.policy.facts import STATED
from discretion.policy.profile import Profile
from discretion.policy.vocabulary import (
    OUTSIDE,
    ConsentForm,
    LegalProcess,
    RecipientKind,
    Students,
)

RESULTS = Path(__file__).parent / "results"


def random_questions(profile: Profile, count: int, seed: int) -> list[Question]:
    """Draw valid questions of one to three items, every fact uniform."""
    rng = random.Random(seed)
    items, directory = list(profile.items), list(profile.directory_items)

    def stated() -> dict[str, object]:
        # every stated fact uniform over its values, but few students withhold everything
        facts = {f.name: rng.choice(f.values or (None,)) for f in STATED}
        facts["withheld"] = rng.random() < 0.05
        return facts

    return [
        Question(
            tuple(rng.sample(items, rng.randint(1, 3))),
            stated(),
            suppressed=frozenset(i for i in directory if rng.random() < 0.1),
        )
        for _ in range(count)
    ]


def plain_decision(question: Question, profile: Profile) -> str:
    """The baseline: a hand-written function that returns only a decision, no ruling."""
    facts = question.stated
    kind = facts["recipient"]
    outside = kind in OUTSIDE
    if outside and facts["students"] is Students.MANY:
        return "deny"
    if kind is RecipientKind.MEDIA or facts["legal_process"] in (
        LegalProcess.SUBPOENA,
        LegalProcess.COURT_ORDER,
        LegalProcess.NON_ROUTINE,
    ):
        return "refer"
    written = facts["consent"] in (ConsentForm.WRITTEN, ConsentForm.SIGNED_AUTHORIZATION)
    for item in question.information:
        directory = profile.items[item].directory
        if kind is RecipientKind.OFFICIAL and facts["need_to_know"]:
            continue
        if directory and item not in question.suppressed and not facts["withheld"]:
            continue
        if kind is RecipientKind.PARENT:
            return "refer"
        if not (written and facts["specific"]):
            return "deny"
    return "permit"


def per_call(function: Callable[[Question], object], questions: list[Question]) -> float:
    """Return the median seconds per call over five passes."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for question in questions:
            function(question)
        times.append((time.perf_counter() - start) / len(questions))
    return statistics.median(times)


def random_codes(policy: CompiledPolicy, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``count`` single-item questions uniformly, already encoded as fact codes."""
    rng = np.random.default_rng(seed)
    items = rng.integers(0, len(policy.items), count, dtype=np.int32)
    traits = policy.space.domains["item"]
    traits_of = np.asarray(
        [traits.index(policy.space.profile.items[name]) for name in policy.items], dtype=np.int32
    )
    directory = np.asarray([policy.space.profile.items[n].directory for n in policy.items])
    codes = np.empty((len(policy.columns), count), dtype=np.int32)
    for row, name in enumerate(policy.columns):
        if name == "item":
            codes[row] = traits_of[items]
        elif name == "suppressed":
            codes[row] = rng.integers(0, 2, count) * directory[items]
        else:
            codes[row] = rng.integers(0, len(policy.space.domains[name]), count)
    return codes, items


def _first_sight(engine: _Engine, question: Question) -> Ruling:
    """Rule on a question the engine has not seen: its memo of questions forgets it first."""
    engine.rulings.pop(question.key, None)
    return engine.decide(question)


def _size(node: object) -> int:
    """Return the number of nodes and leaves of decide's tree."""
    children = getattr(node, "children", None)
    return 1 if children is None else 1 + sum(_size(c) for c in children.values())


def max_rss_mib() -> float:
    """Return the process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    profile = load_profile("mit")
    questions = random_questions(profile, args.questions, args.seed)

    baseline = per_call(lambda q: plain_decision(q, profile), questions)
    plain = per_call(lambda q: decide_plainly(q, profile), questions[: len(questions) // 10])
    engine = _Engine(profile)  # a fresh engine: no tree grown, nothing remembered
    start = time.perf_counter()
    engine.decide(questions[0])
    one = time.perf_counter() - start
    engine = _Engine(profile)
    start = time.perf_counter()
    for question in questions:
        engine.decide(question)
    cold = (time.perf_counter() - start) / len(questions)
    grown = len(engine.outcomes), _size(engine.root)
    unseen = per_call(lambda q: _first_sight(engine, q), questions)
    warm = per_call(engine.decide, questions)

    start = time.perf_counter()
    policy = compile_policy(profile)
    compile_seconds = time.perf_counter() - start
    codes, items = random_codes(policy, args.batch, args.seed)
    gc.collect()
    rss_before = max_rss_mib()
    start = time.perf_counter()
    rulings = policy.rulings(codes, items)
    batch_seconds = time.perf_counter() - start
    rss_after = max_rss_mib()
    assert len(rulings) == args.batch

    rows = [
        ("baseline: plain decision only, per call", baseline * 1e6, 1 / baseline, 1.0),
        ("plain rules, full ruling (decide_plainly)", plain * 1e6, 1 / plain, plain / baseline),
        (
            "decide, first sight, fresh engine (tree grown as walked)",
            cold * 1e6,
            1 / cold,
            cold / baseline,
        ),
        (
            "decide, first sight of the question, tree grown (walk + class)",
            unseen * 1e6,
            1 / unseen,
            unseen / baseline,
        ),
        ("decide, seen before (memo)", warm * 1e6, 1 / warm, warm / baseline),
        (
            f"batch of {args.batch:,}, full rulings (compiled)",
            batch_seconds / args.batch * 1e6,
            args.batch / batch_seconds,
            batch_seconds / args.batch / baseline,
        ),
    ]
    print(f"{args.questions:,} random questions of 1-3 items; batch of single-item questions")
    print("| measure | µs per ruling | rulings/s | × baseline |")
    print("|---|---:|---:|---:|")
    for label, micros, rate, ratio in rows:
        print(f"| {label} | {micros:.2f} | {rate:,.0f} | {ratio:.2f} |")
    print(
        f"decide's tree after the cold pass: {grown[1]:,} nodes, {grown[0]} outcomes; "
        f"the first question in a fresh engine: {one * 1e3:.2f} ms"
    )
    print(
        f"compile (once per process, batch only): {compile_seconds:.2f} s; "
        f"peak RSS {rss_before:.0f} MiB before the batch, {rss_after:.0f} MiB after"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "decide.json").write_text(
        json.dumps(
            {
                "rows": [
                    dict(zip(("measure", "us", "per_s", "ratio"), r, strict=True)) for r in rows
                ],
                "compile_s": compile_seconds,
                "first_question_s": one,
                "tree": {"outcomes": grown[0], "nodes": grown[1]},
                "rss_mib": [rss_before, rss_after],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
