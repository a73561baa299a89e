"""The scheduler's job options (the lock that picks one scheduler is tested in test_leader.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.catalogue import CATALOGUE
from jobs.scheduler import build_scheduler
from storage.clock import FixedClock
from tests.support.jobs_support import job_context


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
