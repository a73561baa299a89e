"""The scheduler: APScheduler 3.11's AsyncIOScheduler running every catalogue job on its trigger.

Explicit ids with `replace_existing`, `coalesce` and a bounded `misfire_grace_time` (the default 1 s would
silently drop a run that was due while the process was busy). APScheduler alone does not post a digest
that fell due while the bot was down: `start_scheduler` runs `catalogue.catch_up` once, and the outbox
key makes every extra run harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from jobs.catalogue import CATALOGUE, catch_up, run_job
from jobs.context import JobContext
from storage.clock import Clock

log = logging.getLogger(__name__)


# How the scheduler calls a job: (context, job name, clock). The bot wraps `run_logged` to fence it
# by the scheduler lock and to count runs.
JobRunner = Callable[[JobContext, str, Clock], Awaitable[None]]


async def run_logged(ctx: JobContext, name: str, clock: Clock) -> None:
    try:
        report = await run_job(ctx, name, at=clock.now())
    except Exception:
        # One bad run must not stop the schedule; the outbox keeps whatever was not sent.
        log.exception("job %s failed", name)
        return
    log.info("job %s: %d sent, %d failed", name, len(report.sent), len(report.failed))


def build_scheduler(ctx: JobContext, *, clock: Clock, run: JobRunner = run_logged) -> AsyncIOScheduler:
    settings = ctx.settings
    scheduler = AsyncIOScheduler(timezone=ZoneInfo(settings.timezone))
    for spec in CATALOGUE.values():
        scheduler.add_job(
            run,
            trigger=spec.trigger(settings),
            args=[ctx, spec.name, clock],
            id=spec.name,
            name=spec.description,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=settings.misfire_grace_seconds,
        )
    return scheduler


async def start_scheduler(ctx: JobContext, *, clock: Clock) -> AsyncIOScheduler:
    """Start the schedule from inside the running loop, then post any digest missed while down."""
    scheduler = build_scheduler(ctx, clock=clock)
    scheduler.start()
    for report in await catch_up(ctx, now=clock.now()):
        log.info("caught up %s: %d sent", report.job, len(report.sent))
    return scheduler
