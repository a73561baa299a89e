"""Inbound deliveries seen before: the first to arrive wins, across processes, by primary key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedDelivery


async def first_delivery(
    sessions: async_sessionmaker[AsyncSession], *, platform: str, delivery_id: str, now: datetime
) -> bool:
    """True for the first delivery of (`platform`, `delivery_id`), recording it; False for any later one."""
    async with sessions() as session:
        session.add(ProcessedDelivery(platform=platform, delivery_id=delivery_id[:200], received_at=now))
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            return False
    return True


async def forget_before(session: AsyncSession, *, before: datetime) -> int:
    """Drop delivery ids older than `before`: platforms stop redelivering within minutes, so old ids
    only take space. Returns how many were dropped."""
    result = await session.execute(delete(ProcessedDelivery).where(ProcessedDelivery.received_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
