"""What the shuffled rewrite costs: one survey answer, and a close, with 100 / 500 / 2,000 answers stored.

Every answer rewrites its survey's responses in a new random order (storage.surveys), so an answer
costs time in proportion to the answers already in. Run: `NUDGEBOT_TEST_POSTGRES_URL=$(bash
scripts/test-postgres.sh) .venv/bin/python -m benchmarks.survey_answers` (SQLite always; PostgreSQL
too when that variable is set). Prints the median and worst of 20 answers, and the close.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import insert

from benchmarks.databases import on_sqlite_and_postgres
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import SurveyResponse
from storage.surveys import QuestionSpec, SurveySpec, close_survey, create_survey, record_answer

SIZES = (100, 500, 2_000)
ANSWERS_TIMED = 20
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


async def measure(url: str, label: str) -> None:
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        await upgrade(engine)
        for size in SIZES:
            async with sessions() as session:
                survey = await create_survey(session, spec=SPEC, created_by=None, now=NOW)
                await session.commit()
            rows = [
                {"id": uuid.uuid4().hex, "survey_id": survey.id, "answers": _answers(n)} for n in range(size)
            ]
            async with engine.begin() as conn:
                await conn.execute(insert(SurveyResponse), rows)
            timings = []
            for n in range(ANSWERS_TIMED):
                start = time.perf_counter()
                async with sessions() as session:
                    await record_answer(
                        session, survey_id=survey.id, respondent=f"person:{n}", answers=_answers(n)
                    )
                    await session.commit()
                timings.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            async with sessions() as session:
                await close_survey(session, survey_id=survey.id, now=NOW)
                await session.commit()
            closing = (time.perf_counter() - start) * 1000
            median = statistics.median(timings)
            print(
                f"{label}: {size:>5} answers stored: one more answer median {median:.1f} ms, "
                f"worst {max(timings):.1f} ms; close {closing:.1f} ms"
            )
    finally:
        await engine.dispose()


async def main() -> None:
    await on_sqlite_and_postgres(measure)


if __name__ == "__main__":
    asyncio.run(main())
