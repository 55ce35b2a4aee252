"""Benchmark the ``discretion`` command as whole processes, as a shell runs it.

- start-up: ``discretion ask`` on one question, beside ``python -c 'import
  typer'`` (the least a Typer command can cost) in the same run, the two run
  in turn, A B A B ...; target: within 4x of it, in wall and CPU time.

Each measure is a function that returns rows (``MEASURES``); a new measure
(throughput of ``ask --json`` on a large array, memory of a streamed answer)
is one more function that times its commands with ``run`` and returns its
rows. Prints a markdown table and writes ``bench/results/cli.json``. Run with
``make bench`` (or ``python bench/cli.py --runs 15``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
QUESTION = {"information": ["grades"], "recipient": {"kind": "parent"}}  # refers: no store


@dataclass(frozen=True)
class Run:
    """One finished process: wall and CPU seconds, peak memory, exit code."""

    wall_s: float
    cpu_s: float  # user + system, the process and the children it waited for
    max_rss_mib: float
    returncode: int


@dataclass(frozen=True)
class Row:
    """One line of the table: a median, and its ratio to the baseline where it has one."""

    measure: str
    median: float
    unit: str
    ratio: float | None = None  # x the baseline of the same run
    target: float | None = None  # the ratio it should stay within


def discretion_command() -> list[str]:
    """Return how to run ``discretion``: the console script beside this Python, or the module."""
    script = shutil.which("discretion", path=str(Path(sys.executable).parent))
    if script is not None:
        return [script]
    return [
        sys.executable,
        "-c",
        "import sys; from discretion.cli.main import app; sys.exit(app())",
    ]


def run(argv: Sequence[str], stdin: Path | None = None) -> Run:
    """Run a command to its end, its output thrown away, and measure it (``os.wait4``)."""
    with open(stdin or os.devnull, "rb") as source:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def in_turn(commands: Sequence[Sequence[str]], runs: int, warmup: int = 1) -> list[list[Run]]:
    """Run the commands in turn, ``runs`` times each after ``warmup`` uncounted rounds.

    Taking turns spreads the machine's drift over all of them alike, so ratios
    of the medians hold on a noisy machine. A command that fails stops the bench.
    """
    counted: list[list[Run]] = [[] for _ in commands]
    for round_ in range(warmup + runs):
        for index, argv in enumerate(commands):
            done = run(argv)
            if done.returncode != 0:
                raise SystemExit(f"`{' '.join(argv)}` exited with {done.returncode}")
            if round_ >= warmup:
                counted[index].append(done)
    return counted


def startup(args: argparse.Namespace) -> list[Row]:
    """Time ``discretion ask`` on one question beside ``python -c 'import typer'``."""
    with tempfile.TemporaryDirectory() as folder:
        question = Path(folder) / "question.json"
        question.write_text(json.dumps(QUESTION))
        baseline, ask = in_turn(
            [[sys.executable, "-c", "import typer"], [*discretion_command(), "ask", str(question)]],
            args.runs,
        )
    rows = []
    for figure, unit in (("wall_s", "wall ms"), ("cpu_s", "CPU ms")):
        base = statistics.median(getattr(r, figure) for r in baseline)
        mine = statistics.median(getattr(r, figure) for r in ask)
        rows.append(Row(f"baseline: python -c 'import typer', {unit}", base * 1e3, unit, 1.0))
        rows.append(
            Row(f"discretion ask, one question, {unit}", mine * 1e3, unit, mine / base, 4.0)
        )
    peak = statistics.median(r.max_rss_mib for r in ask)
    rows.append(Row("discretion ask, one question, peak memory", peak, "MiB"))
    return rows


MEASURES: list[Callable[[argparse.Namespace], list[Row]]] = [startup]


def table(rows: Sequence[Row]) -> str:
    """Return the rows as a markdown table."""
    lines = ["| measure | median | unit | × baseline | target |", "|---|---:|---|---:|---:|"]
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        target = "" if row.target is None else f"≤ {row.target:g}×"
        lines.append(f"| {row.measure} | {row.median:,.1f} | {row.unit} | {ratio} | {target} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="counted runs of each command")
    args = parser.parse_args()
    rows = [row for measure in MEASURES for row in measure(args)]
    print(f"{args.runs} runs of each command, in turn, after one warm-up; medians")
    print(table(rows))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cli.json").write_text(
        json.dumps({"runs": args.runs, "rows": [asdict(row) for row in rows]}, indent=2)
    )


if __name__ == "__main__":
    main()
