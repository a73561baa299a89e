"""One scheduler: the advisory lock on PostgreSQL (another process takes over), and the job options."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from jobs.catalogue import CATALOGUE
from jobs.leader import Leadership
from jobs.scheduler import build_scheduler
from storage.clock import FixedClock
from storage.db import create_engine
from tests.support.jobs_support import job_context


async def test_only_one_process_leads_and_another_takes_over(db_url: str, engine: AsyncEngine) -> None:
    other_engine = create_engine(db_url)  # a second process has its own connection pool
    first, second = Leadership(engine), Leadership(other_engine)
    try:
        assert await first.try_acquire()
        if engine.dialect.name == "postgresql":
            assert not await second.try_acquire()
            started = asyncio.Event()

            async def start() -> None:
                started.set()

            waiting = asyncio.create_task(second.run_when_leader(start, retry_seconds=0.05))
            await asyncio.sleep(0.2)
            assert not started.is_set()
            await first.release()  # the holder dies: its session ends and the lock goes with it
            await asyncio.wait_for(waiting, timeout=5)
            assert started.is_set()
            assert second.held
        else:
            # SQLite serves one process: it is always the leader.
            assert await second.try_acquire()
    finally:
        await first.release()
        await second.release()
        await other_engine.dispose()


async def test_the_scheduler_registers_every_job_with_bounded_misfires(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ctx = job_context(sessions, misfire_grace_seconds=1234)
    scheduler = build_scheduler(ctx, clock=FixedClock(datetime(2024, 10, 7, 9, 30, tzinfo=UTC)))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(CATALOGUE)
    for job in jobs.values():
        assert job.coalesce is True
        assert job.misfire_grace_time == 1234
        assert job.max_instances == 1
    assert str(scheduler.timezone) == "Europe/London"
    assert "day_of_week='mon'" in str(jobs["smt_digest"].trigger)
    assert "hour='9'" in str(jobs["smt_digest"].trigger)
