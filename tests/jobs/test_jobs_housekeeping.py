"""Housekeeping: inbound delivery ids are kept a week, long enough to drop any redelivery, then forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.catalogue import run_job
from storage.deliveries import first_delivery
from storage.models import ProcessedDelivery
from tests.support.jobs_support import job_context


async def test_old_delivery_ids_are_forgotten_and_recent_ones_kept(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime(2024, 10, 7, 3, 17, tzinfo=UTC)
    for days, delivery in ((30, "Ev-old"), (8, "Ev-last-week"), (6, "Ev-recent"), (0, "Ev-now")):
        assert await first_delivery(
            sessions, platform="slack", delivery_id=delivery, now=now - timedelta(days=days)
        )

    report = await run_job(job_context(sessions), "housekeeping", at=now)

    assert report.notes == ["forgot 2 delivery id(s) older than 7 days"]
    async with sessions() as session:
        kept = sorted((await session.scalars(select(ProcessedDelivery.delivery_id))).all())
    assert kept == ["Ev-now", "Ev-recent"]
    # A redelivery of a remembered event is still refused.
    assert not await first_delivery(sessions, platform="slack", delivery_id="Ev-recent", now=now)
