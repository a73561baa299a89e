"""Survey jobs: remind those who have not answered, close surveys when due and post their results.

Each is a plain async function of (deps, messenger, now); `jobs.survey_jobs` puts them in the jobs
catalogue (invitations are outbox rows the engine's sender delivers). Logs carry survey ids and
counts only, never a person next to a survey.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from handlers.context import Deps
from handlers.messenger import Messenger, Recipient, SendError
from handlers.surveys.closing import close_and_announce, post_results
from handlers.surveys.notices import reminder
from jobs.nudge_messages import as_recipient
from storage.clock import FixedClock
from storage.models import Survey
from storage.survey_audience import invitees_not_answered
from storage.surveys import get_survey

log = logging.getLogger(__name__)

# The reminder goes out this many days before the closing date.
REMIND_DAYS_BEFORE = 1


def _as_of(deps: Deps, messenger: Messenger, now: datetime) -> Deps:
    return replace(deps, messenger=messenger, clock=FixedClock(now))


async def send_survey_reminders(deps: Deps, messenger: Messenger, now: datetime) -> int:
    """The day before a survey closes, remind only those invitees who have not answered.

    The survey is marked reminded before anything is sent and nothing per person is written: a
    row per reminded person would record, after close, who had not answered. A crash mid-way means
    some people miss a reminder, never that anyone gets two.
    """
    today = now.astimezone(ZoneInfo(deps.timezone)).date()
    async with deps.sessions() as session:
        due = (
            await session.scalars(
                select(Survey.id).where(
                    Survey.status == "open",
                    Survey.reminded_at.is_(None),
                    Survey.closes_on >= today,
                    Survey.closes_on <= today + timedelta(days=REMIND_DAYS_BEFORE),
                )
            )
        ).all()
    total = 0
    for survey_id in due:
        async with deps.sessions() as session:
            claimed = await session.execute(
                update(Survey)
                .where(Survey.id == survey_id, Survey.reminded_at.is_(None))
                .values(reminded_at=now)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            if not claimed.rowcount:  # type: ignore[attr-defined]
                continue
            survey = await get_survey(session, survey_id=survey_id)
            people = await invitees_not_answered(session, survey_id=survey_id)
        assert survey is not None
        sent = 0
        for person in people:
            sent += await _send_with_retry(messenger, as_recipient(person), survey)
        total += sent
        log.info("survey %s: %d reminders sent", survey_id, sent)
    return total


async def _send_with_retry(messenger: Messenger, to: Recipient, survey: Survey) -> int:
    for _ in range(3):
        try:
            await messenger.send_direct(to, reminder(survey))
        except SendError as exc:
            if not exc.retryable:
                return 0
            await asyncio.sleep(min(exc.retry_after or 1.0, 30.0))
        else:
            return 1
    return 0


async def close_due_surveys(deps: Deps, messenger: Messenger, now: datetime) -> int:
    """Close every open survey whose closing date has passed, and post results not yet posted."""
    run = _as_of(deps, messenger, now)
    today = now.astimezone(ZoneInfo(deps.timezone)).date()
    async with deps.sessions() as session:
        due = (
            await session.scalars(select(Survey.id).where(Survey.status == "open", Survey.closes_on < today))
        ).all()
        unposted = (
            await session.scalars(
                select(Survey.id).where(Survey.status == "closed", Survey.results_posted_at.is_(None))
            )
        ).all()
    closed = 0
    for survey_id in due:
        closed += await close_and_announce(run, survey_id, actor="system")
    for survey_id in unposted:
        await post_results(run, survey_id)
    return closed
