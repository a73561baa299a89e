"""The fenced schedule: a job runs only on a confirmed lock, and a database outage skips ticks quietly."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.scheduling import Schedule
from jobs.leader import Leadership
from storage.clock import FixedClock
from storage.db import create_engine, session_factory
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.jobs_support import job_context, outbox_rows, seed

CLOCK = FixedClock(datetime(2024, 10, 7, 9, 30, tzinfo=UTC))


def _runs(metrics: Metrics, outcome: str) -> float:
    value = metrics.registry.get_sample_value(
        "nudgebot_job_runs_total", {"job": "nudges", "outcome": outcome}
    )
    return value or 0.0


async def test_an_outage_skips_ticks_with_one_log_line_and_recovers(
    sessions: async_sessionmaker[AsyncSession], sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await seed(sessions)
    # Nothing listens on port 1: every connection is refused, as while PostgreSQL is down.
    down = create_engine("postgresql://nudgebot@127.0.0.1:1/nudgebot")
    metrics = Metrics()
    leadership = Leadership(create_engine(sqlite_url))  # SQLite: this process always leads
    try:
        schedule = Schedule(job_context(session_factory(down)), CLOCK, leadership, metrics)
        caplog.set_level(logging.INFO, logger="bot.scheduling")
        for _ in range(3):
            await schedule._fenced_run(schedule.ctx, "nudges", CLOCK)
        assert _runs(metrics, "skipped") == 3
        unreachable = [r for r in caplog.records if "database unreachable" in r.getMessage()]
        assert len(unreachable) == 1
        assert not [r for r in caplog.records if r.exc_info]  # no traceback per tick

        back = job_context(sessions)
        await schedule._fenced_run(back, "nudges", CLOCK)
        assert _runs(metrics, "ok") == 1
        assert any("database reachable again" in r.getMessage() for r in caplog.records)
    finally:
        await down.dispose()
        await leadership.release()


async def test_a_process_without_the_lock_runs_no_job(
    postgres_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed(sessions)
    engine = create_engine(postgres_url)
    leadership = Leadership(engine)  # never acquired: this process does not lead
    metrics = Metrics()
    messenger = RecordingMessenger()
    try:
        schedule = Schedule(job_context(sessions, messenger), CLOCK, leadership, metrics)
        await schedule._fenced_run(schedule.ctx, "nudges", CLOCK)
        assert _runs(metrics, "fenced") == 1
        assert messenger.attempts == 0
        assert await outbox_rows(sessions) == []
        # The control: the same run with a leader sends the nudges.
        assert await leadership.try_acquire()
        await schedule._fenced_run(schedule.ctx, "nudges", CLOCK)
        assert messenger.sent
    finally:
        await leadership.release()
        await engine.dispose()
