"""CPU cost of the command line: ``supportdesk calendar`` and ``sla`` as scripts call them.

Run from the project root after ``./dev`` installed the project (bytecode compiled)::

    .venv/bin/python -m bench.cli_bench [--runs 5] [--limit 0.5] [--quick]

The run migrates a fresh SQLite database in a temporary folder, then runs each command
``--runs`` times as a real process (the installed ``supportdesk`` console script) with
``PYTHONDONTWRITEBYTECODE=1``, checks its JSON answer, and measures the CPU time the
process used (user + system, from ``getrusage(RUSAGE_CHILDREN)``) and its wall time. It
prints the median of each and says when a median CPU time is over ``--limit`` seconds (a
target, reported, not a failure: timings on a shared machine are not a test); the exit
status is 1 only when an answer is wrong.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUPPORTDESK = str(Path(sys.executable).parent / "supportdesk")
LIMIT_SECONDS = 0.5


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    expected: dict[str, object] | None  # None: only checks that the answer is JSON


CASES = (
    Case(
        "calendar add",
        ("calendar", "add", "--calendar", "ru-support", "--start", "2026-12-30T18:00:00+03:00",
         "--hours", "2", "--json"),
        {"due": "2027-01-11T11:00:00+03:00", "calendar_draft": False},
    ),
    Case(
        "calendar span",
        ("calendar", "span", "--calendar", "ru-production", "--start", "2026-01-01T00:00:00+03:00",
         "--end", "2026-02-01T00:00:00+03:00", "--json"),
        {"working_seconds": 120 * 3600, "working_days": 15, "calendar_draft": False},
    ),
    Case("calendar list", ("calendar", "list", "--json"), None),
    Case(
        "sla targets",
        ("sla", "targets", "--plan", "8x5", "--type", "incident", "--priority", "P1",
         "--start", "2026-11-27T20:00:00+03:00", "--json"),
        {
            "reaction_due": "2026-11-30T11:00:00+03:00",
            "resolution_due": "2026-11-30T15:00:00+03:00",
            "reaction_calendar": "ru-support",
            "resolution_calendar": "ru-support",
            "calendar_draft": False,
        },
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Timing:
    cpu: float
    wall: float


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(case: Case, env: dict[str, str]) -> tuple[Timing, str | None]:
    """One call of the command; the failure is a sentence, or None when the answer is right."""
    cpu, wall = children_cpu(), time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [SUPPORTDESK, *case.args], env=env, capture_output=True, text=True, check=False
    )
    timing = Timing(children_cpu() - cpu, time.perf_counter() - wall)
    if result.returncode != 0:
        return timing, f"exit {result.returncode}: {result.stderr.strip()}"
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        return timing, f"not JSON: {result.stdout!r}"
    if case.expected is not None and answer != case.expected:
        return timing, f"answered {answer}, expected {case.expected}"
    return timing, None


def bytecode_state() -> str:
    """Whether the installed dependencies and our sources have bytecode beside them."""
    parts = []
    for module in ("django", "supportdesk"):
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec else None
        present = bool(origin) and Path(importlib.util.cache_from_source(str(origin))).exists()
        parts.append(f"{module} {'compiled' if present else 'NOT compiled'}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="calls per command (default 5)")
    parser.add_argument("--quick", action="store_true", help="3 calls per command")
    parser.add_argument(
        "--limit", type=float, default=LIMIT_SECONDS, help="median CPU seconds allowed"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 3

    from bench.desk_bench import machine  # one description of the machine for every bench

    print("\n".join(machine()))
    print(f"bytecode: {bytecode_state()}; PYTHONDONTWRITEBYTECODE=1 for every call")
    failures: list[str] = []
    missed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cli-bench-") as folder:
        env = {
            **os.environ,
            "PYTHONDONTWRITEBYTECODE": "1",
            "DATABASE_URL": f"sqlite:///{folder}/cli.sqlite3",
            "SUPPORTDESK_VAR_DIR": folder,
            "SUPPORTDESK_SECRET_KEY": os.environ.get("SUPPORTDESK_SECRET_KEY", "cli-bench"),
        }
        env.pop("PYTHONPYCACHEPREFIX", None)
        subprocess.run([SUPPORTDESK, "migrate", "-v0"], env=env, check=True)  # noqa: S603
        print(f"\n{'command':<16} {'CPU median':>11} {'wall median':>12}   CPU of each call (s)")
        for case in CASES:
            timings = []
            for _ in range(args.runs):
                timing, failure = run_once(case, env)
                timings.append(timing)
                if failure:
                    failures.append(f"{case.name}: {failure}")
            cpu = statistics.median(t.cpu for t in timings)
            wall = statistics.median(t.wall for t in timings)
            each = " ".join(f"{t.cpu:.2f}" for t in timings)
            verdict = "" if cpu <= args.limit else f"  OVER {args.limit:g} s"
            print(f"{case.name:<16} {cpu:>9.3f} s {wall:>10.3f} s   {each}{verdict}")
            if cpu > args.limit:
                missed.append(f"{case.name}: median CPU {cpu:.3f} s > {args.limit:g} s")
    for target in missed:
        print(f"TARGET MISSED {target}")
    for failure in failures:
        print(f"FAILED {failure}")
    print("ok" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
