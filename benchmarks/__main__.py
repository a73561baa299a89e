"""Run every benchmark module listed here, in order; exit non-zero if any of them missed a goal.

`python -m benchmarks --results FILE` also writes everything printed to FILE (`make bench` writes
`benchmarks/RESULTS.md`), headed by the date, the machine and the commit, so every figure the README
quotes can be traced to the run that printed it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

# One module per benchmark; each has `async def main()`, which may return the goals it missed.
BENCHES = (
    "benchmarks.commitments_lookup",
    "benchmarks.profile_commands",
    "benchmarks.load",
    "benchmarks.fanout",
    "benchmarks.digest_sql",
    "benchmarks.survey_answers",
)


class Tee:
    """stdout that is also written to a file."""

    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
            stream.flush()
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def header() -> str:
    git = shutil.which("git") or "git"
    commit = subprocess.run(  # noqa: S603 (a fixed git command, no input from outside)
        [git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"# make bench — {datetime.now(UTC):%d %B %Y %H:%M} UTC\n\n"
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"commit {commit or '?'}.\n"
        "Reproduce: `make bench` (this file is its output).\n\n```\n"
    )


def run() -> int:
    missed: list[str] = []
    for name in BENCHES:
        print(f"== {name}", flush=True)
        missed += asyncio.run(importlib.import_module(name).main()) or []
    if missed:
        print(f"== {len(missed)} goal(s) missed:")
        for miss in missed:
            print(f"MISSES: {miss}")
    else:
        print("== every goal met")
    return 1 if missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--results", type=Path, help="also write the output to this file")
    args = parser.parse_args()
    if args.results is None:
        return run()
    with args.results.open("w") as out, contextlib.redirect_stdout(Tee(sys.stdout, out)):
        print(header(), end="")
        code = run()
        print("```")
    return code


if __name__ == "__main__":
    sys.exit(main())
