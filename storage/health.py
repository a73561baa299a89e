"""What the health and metrics endpoints ask the database: is it there, and how deep is the outbox."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import UpdateRequest


async def ping(session: AsyncSession) -> None:
    """One round trip; raises when the database cannot be reached."""
    await session.execute(text("SELECT 1"))


async def outbox_depth(session: AsyncSession) -> dict[tuple[str, str], int]:
    """Outbox rows counted by (state, kind): names of states and kinds only, never a recipient."""
    rows = await session.execute(
        select(UpdateRequest.status, UpdateRequest.kind, func.count()).group_by(
            UpdateRequest.status, UpdateRequest.kind
        )
    )
    return {(str(status), str(kind)): int(count) for status, kind, count in rows.all()}
