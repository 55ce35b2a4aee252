"""Benchmark ``discretion ask`` as a whole process: an array, and ``--ndjson``.

Each figure is a whole child process, start-up included, timed from outside.
Beside the array's, in the same run, a child that only reads the same file
and parses it with orjson sets the baseline, so the ratio holds on a noisy
machine. ``--ndjson`` then answers a million lines, and its peak resident
memory (``ru_maxrss`` of that child, from ``os.wait4``) shows that memory does
not grow with the input. Linux counts in a child's ``ru_maxrss`` the memory of
the parent it was forked from, so this script never holds much itself: it
writes the questions as it draws them and has a child count the rulings. Run with ``make bench``, or
``python bench/ask_stream.py [--questions N] [--lines N] [--src DIR]``
(``--src`` measures another checkout's ``src``, e.g. before a change).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from discretion.policy import load_profile
from discretion.policy.facts import REQUIRED, STATED
from discretion.policy.jsontext import MAX_BYTES
from discretion.policy.profile import Profile

RESULTS = Path(__file__).parent / "results"
SRC = Path(__file__).parents[1] / "src"
CLI = "from discretion.cli.main import app; app()"
BASELINE = "import sys, orjson; orjson.loads(open(sys.argv[1], 'rb').read())"
COUNT = "import sys, orjson; print(len(orjson.loads(open(sys.argv[1], 'rb').read())))"


def random_question_json(profile: Profile, rng: random.Random) -> dict[str, Any]:
    """Draw a valid question in its JSON form: one to three items, each fact stated or not.

    The required facts are always stated; each other one is stated, with a
    value drawn uniformly, one time in eight (so 100,000 questions fit in the
    16 MiB an array may take); a tenth of the questions suppress an item.
    """
    question: dict[str, Any] = {
        "recipient": {},
        "information": rng.sample(list(profile.items), rng.randint(1, 3)),
    }
    for fact in STATED:
        if fact.default is REQUIRED or rng.random() < 0.125:
            *path, last = fact.at or ()
            here = question
            for key in path:
                here = here.setdefault(key, {})
            here[last] = fact.json(rng.choice(fact.values or (None,)))
    if rng.random() < 0.1:
        question.setdefault("student", {})["suppressed"] = [rng.choice(profile.directory_items)]
    return question


def write_questions(path: Path, count: int, seed: int, *, lines: bool) -> None:
    """Write ``count`` random questions: a compact JSON array, or one per line."""
    profile, rng = load_profile("mit"), random.Random(seed)
    with path.open("w") as file:
        file.write("" if lines else "[")
        for index in range(count):
            text = json.dumps(random_question_json(profile, rng), separators=(",", ":"))
            file.write(text + "\n" if lines else ("," if index else "") + text)
        file.write("" if lines else "]")


def run(
    args: list[str], src: Path, stdin: Path | None, stdout: Path
) -> tuple[float, int, float, float]:
    """Run a child; return its wall seconds, exit status, peak resident MiB and CPU seconds.

    On a shared machine the wall time moves with the other load; the CPU time
    (user and system) moves much less, so the table gives both.
    """
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONUNBUFFERED", None)  # measure the buffering people get
    with (
        stdin.open("rb") if stdin else open(os.devnull, "rb") as given,
        stdout.open("wb") as taken,
    ):
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, *args], stdin=given, stdout=taken, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, child.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--src", type=Path, default=SRC, help="the src directory to measure")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        array, answers = work / "questions.json", work / "rulings.json"
        write_questions(array, args.questions, args.seed, lines=False)
        size = array.stat().st_size
        assert size <= MAX_BYTES, f"{size} bytes: more than an array may hold"

        seconds, code, rss, cpu = run(["-c", BASELINE, str(array)], args.src, None, work / "none")
        assert code == 0
        baseline = (seconds, cpu)
        rows.append(
            _row("baseline: read and orjson-parse the array", args.questions, seconds, rss, cpu)
        )
        seconds, code, rss, cpu = run(
            ["-c", CLI, "ask", str(array), "--json"], args.src, None, answers
        )
        assert code == 0, f"ask --json exited {code}"
        count = subprocess.run(
            [sys.executable, "-c", COUNT, str(answers)], capture_output=True, check=True
        )
        assert int(count.stdout) == args.questions
        rows.append(
            _row("`ask FILE --json`, an array", args.questions, seconds, rss, cpu, baseline)
        )

        help_text = subprocess.run(
            [sys.executable, "-c", CLI, "ask", "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(args.src)},
        ).stdout
        if "--ndjson" in help_text and args.lines:
            stream = work / "questions.ndjson"
            write_questions(stream, args.lines, args.seed, lines=True)
            seconds, code, rss, cpu = run(
                ["-c", CLI, "ask", "--ndjson", "-"], args.src, stream, Path(os.devnull)
            )
            assert code == 0, f"ask --ndjson exited {code}"
            rows.append(_row("`ask --ndjson -`, a line each", args.lines, seconds, rss, cpu))

    print(f"{args.questions:,} random questions in an array; {args.lines:,} lines for --ndjson")
    print(
        "| measure | questions | wall s | rulings/s | × baseline | CPU s | "
        "per CPU s | × baseline CPU | peak RSS MiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        ratios = ["" if row[key] is None else f"{row[key]:.1f}" for key in ("ratio", "cpu_ratio")]
        print(
            f"| {row['measure']} | {row['questions']:,} | {row['seconds']:.2f} | "
            f"{row['per_s']:,.0f} | {ratios[0]} | {row['cpu_s']:.2f} | "
            f"{row['per_cpu_s']:,.0f} | {ratios[1]} | {row['rss_mib']:.0f} |"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ask_stream.json").write_text(json.dumps({"rows": rows}, indent=2) + "\n")


def _row(
    measure: str,
    questions: int,
    seconds: float,
    rss: float,
    cpu: float,
    baseline: tuple[float, float] | None = None,
) -> dict[str, Any]:
    return {
        "measure": measure,
        "questions": questions,
        "seconds": seconds,
        "per_s": questions / seconds,
        "ratio": None if baseline is None else seconds / baseline[0],
        "cpu_s": cpu,
        "per_cpu_s": questions / cpu,
        "cpu_ratio": None if baseline is None else cpu / baseline[1],
        "rss_mib": rss,
    }


if __name__ == "__main__":
    main()
