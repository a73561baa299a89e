"""Run every benchmark module listed here, in order."""

from __future__ import annotations

import asyncio
import importlib

# One module per benchmark; each has `async def main() -> None`.
BENCHES = (
    "benchmarks.commitments_lookup",
    "benchmarks.commitments",
    "benchmarks.fanout",
    "benchmarks.digest_sql",
    "benchmarks.survey_answers",
)


def run() -> None:
    for name in BENCHES:
        print(f"== {name}")
        asyncio.run(importlib.import_module(name).main())


if __name__ == "__main__":
    run()
