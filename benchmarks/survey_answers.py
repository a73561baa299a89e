"""5,000 answers to one survey, 32 at a time: none lost, and the last answers cost what the first did.

Each answer joins the mixing pool and a batch of the survey's minimum is written as one insert of new
rows (storage.survey_pool), so an answer's cost does not grow with the answers stored. Prints answers
per second, the mean cost of the first and the last 500 answers and their ratio (goal: within 2×), the
close, how many answers were stored (goal: all), and the rank correlation of each order with the
order of submission after close (goal: |rho| < 0.3).
Run: `make bench`, or alone
`NUDGEBOT_TEST_POSTGRES_URL=$(bash scripts/test-postgres.sh) .venv/bin/python -m benchmarks.survey_answers`
(SQLite always; PostgreSQL too when that variable is set).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text

from benchmarks.databases import on_sqlite_and_postgres
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.surveys import (
    AnswerOutcome,
    QuestionSpec,
    SurveySpec,
    close_survey,
    count_responses,
    create_survey,
)
from storage.surveys import submit_answer as submit

ANSWERS = 5_000
AT_ONCE = 32
WINDOW = 500
MAX_ABS_RHO = 0.3
NOW = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)
SPEC = SurveySpec(
    title="Benchmark",
    intro="",
    audience_kind="everyone",
    audience_value="",
    closes_on=date(2024, 10, 18),
    min_answers=10,
    questions=(QuestionSpec("scale", "How safe?"), QuestionSpec("text", "What should change?")),
)


def _answers(n: int) -> dict[str, object]:
    return {
        "1": 1 + n % 5,
        "2": f"A written answer of ordinary length, number {n}, about what should change.",
    }


def _rho(order: list[int]) -> float:
    n = len(order)
    d2 = sum((position - index) ** 2 for position, index in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


def _index(raw: Any) -> int:
    answers = raw if isinstance(raw, dict) else json.loads(raw)
    return int(str(answers["2"]).split("number ")[1].split(",")[0])


async def measure(url: str, label: str, missed: list[str]) -> None:
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        await upgrade(engine)
        async with sessions() as session:
            survey = await create_survey(session, spec=SPEC, created_by=None, now=NOW)
            await session.commit()
        costs = [0.0] * ANSWERS
        outcomes: list[AnswerOutcome] = [AnswerOutcome.UNKNOWN] * ANSWERS
        gate = asyncio.Semaphore(AT_ONCE)

        async def one(n: int) -> None:
            async with gate:
                start = time.perf_counter()
                outcomes[n] = await submit(
                    sessions, survey_id=survey.id, respondent=f"person:{n}", answers=_answers(n)
                )
                costs[n] = (time.perf_counter() - start) * 1000

        began = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(ANSWERS)))
        elapsed = time.perf_counter() - began
        start = time.perf_counter()
        await close_survey(sessions, survey_id=survey.id, now=NOW)
        closing = (time.perf_counter() - start) * 1000
        async with sessions() as session:
            stored = await count_responses(session, survey_id=survey.id)
            storage = (
                "SELECT answers FROM survey_responses NOT INDEXED"
                if label == "SQLite"
                else "SELECT answers FROM survey_responses ORDER BY ctid"
            )
            orders = {
                "storage": storage,
                "plain scan": "SELECT answers FROM survey_responses",
                "ORDER BY id": "SELECT answers FROM survey_responses ORDER BY id",
            }
            rhos = {
                name: _rho([_index(r[0]) for r in await session.execute(text(sql))])
                for name, sql in orders.items()
            }
        taken = sum(o in {AnswerOutcome.STORED, AnswerOutcome.RECEIVED} for o in outcomes)
        first, last = statistics.mean(costs[:WINDOW]), statistics.mean(costs[-WINDOW:])
        print(
            f"{label}: {ANSWERS} answers, {AT_ONCE} at a time: {ANSWERS / elapsed:.0f} answers/s; "
            f"mean cost first {WINDOW} {first:.2f} ms, last {WINDOW} {last:.2f} ms, "
            f"ratio {last / first:.2f}; "
            f"worst {max(costs):.1f} ms; close {closing:.0f} ms; taken {taken}, stored {stored}, "
            f"lost {ANSWERS - stored}"
        )
        if stored != ANSWERS:
            missed.append(f"survey answers on {label}: {ANSWERS - stored} of {ANSWERS} lost")
        if last > 2 * first:
            missed.append(f"survey answers on {label}: the last answers cost {last / first:.2f}× the first")
        missed += [
            f"survey answers on {label}: {name} follows submission order (rho {rho:+.3f})"
            for name, rho in rhos.items()
            if abs(rho) >= MAX_ABS_RHO
        ]
        print(
            f"{label}: rank correlation with submission order after close: "
            + ", ".join(f"{name} {rho:+.3f}" for name, rho in rhos.items())
        )
    finally:
        await engine.dispose()


async def main() -> list[str]:
    """The goals missed: any answer lost, the last answers over 2× the first, any order with |rho| ≥ 0.3."""
    missed: list[str] = []

    async def one(url: str, label: str) -> None:
        await measure(url, label, missed)

    await on_sqlite_and_postgres(one)
    return missed


if __name__ == "__main__":
    asyncio.run(main())
