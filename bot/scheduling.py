"""Composing the jobs: engine settings from `bot.settings`, the job context, the scheduler and its lock."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.settings import Settings
from bot.wiring import Core
from handlers.messenger import Messenger
from jobs.config import EngineSettings, PaceRates
from jobs.context import JobContext
from jobs.leader import Leadership
from jobs.scheduler import start_scheduler

log = logging.getLogger(__name__)


def engine_settings(settings: Settings) -> EngineSettings:
    return EngineSettings(
        smt_channel=settings.smt_channel,
        reci_channel=settings.reci_channel,
        timezone=settings.timezone,
        nudge_time=settings.nudge_time,
        quiet_hours_start=settings.quiet_hours_start,
        quiet_hours_end=settings.quiet_hours_end,
        reminder_after_working_days=settings.reminder_after_working_days,
        escalate_after_reminders=settings.escalate_after_reminders,
        nudge_tick_minutes=settings.nudge_tick_minutes,
        misfire_grace_seconds=settings.misfire_grace_seconds,
        smt_digest_day=settings.smt_digest_day,
        smt_digest_time=settings.smt_digest_time,
        reci_digest_day=settings.reci_digest_day,
        reci_digest_time=settings.reci_digest_time,
        max_attempts=settings.send_max_attempts,
        rates=PaceRates(
            workspace_per_second=settings.send_rate_per_second,
            channel_per_second=settings.send_rate_per_channel,
        ),
    )


def job_context(core: Core, messenger: Messenger) -> JobContext:
    return JobContext(deps=core.with_messenger(messenger).deps, settings=engine_settings(core.settings))


@dataclass
class SchedulerHandle:
    """The running schedule (once this process leads) and what stops it."""

    leadership: Leadership
    task: asyncio.Task[None]
    scheduler: AsyncIOScheduler | None = None

    async def stop(self) -> None:
        self.task.cancel()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.leadership.release()


def start_jobs(core: Core) -> SchedulerHandle | None:
    """Schedule the jobs in the background once this process holds the scheduler lock.

    Needs a messenger on the core (the chat adapter sets it); without one nothing is scheduled.
    """
    messenger = core.deps.messenger
    if messenger is None:
        log.warning("no messenger configured: nudges and digests are not scheduled")
        return None
    ctx = job_context(core, messenger)
    leadership = Leadership(core.engine)
    handle: SchedulerHandle

    async def start() -> None:
        handle.scheduler = await start_scheduler(ctx, clock=core.deps.clock)

    handle = SchedulerHandle(
        leadership, asyncio.get_running_loop().create_task(leadership.run_when_leader(start))
    )
    return handle
