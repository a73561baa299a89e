"""The surveys section of the RECI digest: results of the surveys that closed within the digest's period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from handlers.messages import Heading, Part
from handlers.surveys.results import digest_parts
from storage.models import Survey
from storage.survey_tally import tally


async def survey_digest_parts(session: AsyncSession, *, start: date, end: date, timezone: str) -> list[Part]:
    """Surveys closed from `start` to `end` (local days, inclusive); nothing when none closed."""
    zone = ZoneInfo(timezone)
    since = datetime.combine(start, time.min, zone)
    until = datetime.combine(end + timedelta(days=1), time.min, zone)
    surveys = (
        await session.scalars(
            select(Survey)
            .where(Survey.status == "closed", Survey.closed_at >= since, Survey.closed_at < until)
            .order_by(Survey.closed_at, Survey.id)
            .options(selectinload(Survey.questions))
        )
    ).all()
    if not surveys:
        return []
    parts: list[Part] = [Heading("Anonymous surveys")]
    for survey in surveys:
        parts += digest_parts(survey, await tally(session, survey=survey), timezone=timezone)
    return parts
