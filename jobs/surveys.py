"""Survey jobs: send invitations from the outbox, remind those who have not answered, close when due.

Each is a plain async function of (deps, messenger, now), so the scheduler, `jobs run NAME --at`
and tests call them alike. Logs carry survey ids and counts only, never a person next to a survey.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from handlers.context import Deps
from handlers.messenger import Messenger, Recipient, SendError
from handlers.surveys.closing import close_and_announce, post_results
from handlers.surveys.notices import invitation, reminder
from storage.clock import FixedClock
from storage.models import Person, Survey, UpdateRequest
from storage.survey_audience import INVITE_KIND, invitees_not_answered
from storage.surveys import get_survey

log = logging.getLogger(__name__)

# How long to wait before retrying an invitation the platform refused for now.
RETRY_DELAY = timedelta(minutes=5)
MAX_ATTEMPTS = 5
# The reminder goes out this many days before the closing date.
REMIND_DAYS_BEFORE = 1


def recipient(person: Person) -> Recipient:
    return Recipient(
        person_id=person.id,
        name=person.name,
        email=person.email,
        identities={i.platform: i.external_id for i in person.identities},
    )


def _as_of(deps: Deps, messenger: Messenger, now: datetime) -> Deps:
    return replace(deps, messenger=messenger, clock=FixedClock(now))


async def send_survey_invitations(deps: Deps, messenger: Messenger, now: datetime) -> int:
    """Send every due invitation once: claim its outbox row, send, mark it sent (or due again later)."""
    async with deps.sessions() as session:
        due = (
            await session.scalars(
                select(UpdateRequest.id).where(
                    UpdateRequest.kind == INVITE_KIND,
                    UpdateRequest.status == "pending",
                    UpdateRequest.due_at <= now,
                    (UpdateRequest.next_attempt_at.is_(None)) | (UpdateRequest.next_attempt_at <= now),
                )
            )
        ).all()
    sent = 0
    for row_id in due:
        sent += await _send_invitation(deps, messenger, row_id, now)
    if due:
        log.info("survey invitations: %d sent of %d due", sent, len(due))
    return sent


async def _send_invitation(deps: Deps, messenger: Messenger, row_id: int, now: datetime) -> int:
    async with deps.sessions() as session:
        claimed = await session.execute(
            update(UpdateRequest)
            .where(UpdateRequest.id == row_id, UpdateRequest.status == "pending")
            .values(status="sending", claimed_at=now, attempts=UpdateRequest.attempts + 1)
        )
        await session.commit()
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return 0
        row = await session.get(UpdateRequest, row_id)
        assert row is not None
        assert row.person_id is not None
        person = await session.scalar(
            select(Person).where(Person.id == row.person_id).options(selectinload(Person.identities))
        )
        survey = await get_survey(session, survey_id=row.subject)
        if person is None or survey is None or survey.status != "open":
            row.status = "cancelled"
            await session.commit()
            return 0
        try:
            ref = await messenger.send_direct(recipient(person), invitation(survey))
        except SendError as exc:
            retry = exc.retryable and row.attempts < MAX_ATTEMPTS
            row.status = "pending" if retry else "failed"
            row.next_attempt_at = now + RETRY_DELAY if retry else None
            row.last_error = exc.reason[:200]
            await session.commit()
            return 0
        row.status, row.sent_at, row.message_ref = "sent", now, ref.as_dict()
        await session.commit()
        return 1


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
            sent += await _send_with_retry(messenger, recipient(person), survey)
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
