"""Surveys in the jobs engine: the invitation builder, the `surveys` job, and the RECI digest section.

Invitations are outbox rows (`survey_invite`, one per invitee) that the engine's sender delivers like
any other message, paced and retried. The `surveys` job closes surveys past their date (results to the
RECI channel) and sends the day-before reminders (`jobs.surveys`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from handlers.messages import Part
from handlers.surveys.notices import invitation
from jobs.context import JobContext
from jobs.delivery import Built, Outgoing
from jobs.nudge_messages import as_recipient
from jobs.periods import Period
from jobs.survey_digest import survey_digest_parts
from jobs.surveys import close_due_surveys, send_survey_reminders
from storage.models import Person, UpdateRequest
from storage.surveys import get_survey


async def build_survey_invite(
    session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime
) -> Built:
    """An invitation, unless the survey has closed (or the person left) since the row was written."""
    person = await session.scalar(
        select(Person).where(Person.id == row.person_id).options(selectinload(Person.identities))
    )
    survey = await get_survey(session, survey_id=row.subject)
    today = now.astimezone(ZoneInfo(ctx.settings.timezone)).date()
    if person is None or not person.active or survey is None:
        return None
    if survey.status != "open" or survey.closes_on < today:
        return None
    return Outgoing(
        message=invitation(survey),
        describe=f"survey {survey.id} invitation",
        person=as_recipient(person),
    )


async def run_surveys(_session: AsyncSession, ctx: JobContext, at: datetime) -> list[str]:
    """The `surveys` job: close what is due, remind who has not answered; counts only in the report."""
    deps = ctx.as_of(at)
    closed = await close_due_surveys(deps, ctx.messenger, at)
    reminded = await send_survey_reminders(deps, ctx.messenger, at)
    return [f"{closed} survey(s) closed", f"{reminded} survey reminder(s) sent"]


async def survey_section(session: AsyncSession, period: Period, _now: datetime) -> Sequence[Part]:
    """The RECI digest's survey results: surveys closed within the digest's period (UTC days)."""
    return await survey_digest_parts(session, start=period.start, end=period.end, timezone="UTC")
