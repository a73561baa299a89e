"""Run every benchmark module listed here, in order; exit non-zero if any of them missed a goal."""

from __future__ import annotations

import asyncio
import importlib
import sys

# One module per benchmark; each has `async def main()`, which may return the goals it missed.
BENCHES = (
    "benchmarks.commitments_lookup",
    "benchmarks.load",
    "benchmarks.fanout",
    "benchmarks.digest_sql",
    "benchmarks.survey_answers",
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
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(run())
