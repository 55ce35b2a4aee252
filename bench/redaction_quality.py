"""Report the redactor's quality on the corpus, and its cost with 100,000 other students.

Prints mentions, true and false positives, false negatives, precision and
recall over ``tests/services/redaction_corpus.yaml`` (the figures the tests
assert), then times building a :class:`Redactor` over 100,000 synthetic
identities and redacting the corpus with it. Beside each time, ``str.lower``
over the same texts, in the same run, sets the baseline, so the ratio holds on
a noisy machine. Run with ``PYTHONPATH=src python bench/redaction_quality.py``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.services

from tests.services.redaction_quality import load_corpus, score_corpus  # noqa: E402

from discretion.services.redaction import Identity, Redactor, Verifier  # noqa: E402

GIVEN = ("John", "Mary", "Wei", "Priya", "Tom", "Grace", "Liam", "Sofia", "Diego", "Ana", "Omar")
FAMILY = ("Smith", "Chen", "Patel", "Young", "Brown", "Nguyen", "Garcia", "Kim", "Lee", "Okafor")


def crowd(count: int, seed: int) -> list[Identity]:
    """Return ``count`` synthetic students, names drawn from common ones with a numbered suffix."""
    rng = random.Random(seed)
    people = []
    for n in range(count):
        given = rng.choice(GIVEN)
        family = rng.choice(FAMILY) + rng.choice(("", "son", "ez", "ski"))
        handle = f"{given[0]}{family}{n}".lower()
        people.append(
            Identity(f"student-{n + 100:06}", given, family, handle, f"{handle}@demo.edu")
        )
    return people


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """Return the fastest of ``repeat`` runs of ``work``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print the corpus figures and the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--others", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    corpus = load_corpus()
    score = score_corpus(corpus)
    print(f"notes            {len(corpus.notes)}")
    print(f"mentions         {score.mentions}")
    print(f"true positives   {score.true_positives}")
    print(f"false positives  {score.false_positives}")
    print(f"false negatives  {score.false_negatives}")
    print(f"precision        {score.precision:.3f}")
    print(f"recall           {score.recall:.3f}")
    print(f"known misses     {score.known_misses} (documented limits, not in the recall)")

    people = [*crowd(args.others, seed=1), *corpus.others]
    texts = [note.text for note in corpus.notes]
    build = best_of(1, lambda: Redactor(corpus.subject, people, corpus.keep))
    build_check = best_of(1, lambda: Verifier(corpus.subject, people))
    redactor = Redactor(corpus.subject, people, corpus.keep)
    verifier = Verifier(corpus.subject, people)
    baseline = best_of(args.repeat, lambda: [text.lower() for text in texts])
    redact = best_of(args.repeat, lambda: [redactor.redact(text) for text in texts])
    scan = best_of(args.repeat, lambda: [verifier.scan(text) for text in texts])
    characters = sum(len(text) for text in texts)
    print(f"others indexed   {len(people)}")
    print(f"Redactor()       {build:.2f} s   Verifier() {build_check:.2f} s")
    print(f"corpus           {len(texts)} notes, {characters} characters")
    print(f"str.lower        {baseline * 1e3:.3f} ms (baseline)")
    print(f"redact           {redact * 1e3:.3f} ms, {redact / baseline:,.0f}x the baseline")
    print(f"scan             {scan * 1e3:.3f} ms, {scan / baseline:,.0f}x the baseline")
    print(f"redact per note  {redact / len(texts) * 1e6:.0f} us")


if __name__ == "__main__":
    main()
