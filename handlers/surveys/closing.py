"""Closing a survey and posting its results to the RECI channel, shared by `/feedback close` and the job."""

from __future__ import annotations

import logging
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from handlers.context import Deps
from handlers.messenger import SendError
from handlers.surveys.results import free_text_messages, results_message
from storage import audit
from storage.models import Survey
from storage.survey_audience import forget_invitations
from storage.survey_tally import tally
from storage.surveys import close_survey, get_survey, scrub_after_close

log = logging.getLogger(__name__)


def local_today(deps: Deps) -> date:
    return deps.clock.now().astimezone(ZoneInfo(deps.timezone)).date()


async def close_and_announce(deps: Deps, survey_id: str, *, actor: str) -> bool:
    """Close an open survey (destroying who answered), then post its results. False if it was not open."""
    now = deps.clock.now()
    if not await close_survey(deps.sessions, survey_id=survey_id, now=now):
        return False
    async with deps.sessions() as session:
        audit.record(
            session, at=now, actor=actor, event="survey.close", entity="survey", entity_key=survey_id
        )
        # Whatever invitation rows are left would name people beside the survey: none outlives it.
        await forget_invitations(session, survey_id=survey_id)
        await session.commit()
    try:
        async with deps.sessions() as session:
            await scrub_after_close(session)
    except SQLAlchemyError as exc:
        # The survey is closed and its key gone either way; only the clean-up of freed space waits.
        log.warning("survey %s: database clean-up after close skipped (%s)", survey_id, type(exc).__name__)
    log.info("survey %s closed", survey_id)
    await post_results(deps, survey_id)
    return True


async def post_results(deps: Deps, survey_id: str) -> bool:
    """Post a closed survey's results to the RECI channel once; a failed post is tried again next run."""
    if deps.messenger is None:
        return False
    now = deps.clock.now()
    async with deps.sessions() as session:
        claimed = await session.execute(
            update(Survey)
            .where(Survey.id == survey_id, Survey.status == "closed", Survey.results_posted_at.is_(None))
            .values(results_posted_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return False
        survey = await get_survey(session, survey_id=survey_id)
        assert survey is not None
        counted = await tally(session, survey=survey)
    try:
        await deps.messenger.post_channel(
            deps.channels.reci, results_message(survey, counted, with_text=False, timezone=deps.timezone)
        )
    except SendError as exc:
        log.warning("survey %s: results not posted (%s); will retry", survey_id, exc.reason)
        async with deps.sessions() as session:
            await session.execute(update(Survey).where(Survey.id == survey_id).values(results_posted_at=None))
            await session.commit()
        return False
    return True


async def post_free_text(deps: Deps, survey: Survey) -> None:
    """Post released written answers to the RECI channel, shuffled, in as many messages as they need."""
    if deps.messenger is None:
        return
    async with deps.sessions() as session:
        counted = await tally(session, survey=survey)
    for message in free_text_messages(survey, counted):
        await deps.messenger.post_channel(deps.channels.reci, message)
