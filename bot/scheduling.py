"""Composing the jobs: engine settings from `bot.settings`, the job context, the fenced schedule."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.metrics import Metrics
from bot.settings import Settings
from bot.wiring import Core
from handlers.messenger import Messenger
from jobs.catalogue import catch_up, run_job
from jobs.config import EngineSettings, PaceRates
from jobs.context import JobContext
from jobs.leader import Leadership, LeaseTiming
from jobs.scheduler import build_scheduler
from storage.clock import Clock
from storage.db import is_database_unreachable

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


class Schedule:
    """The schedule of this process: it runs only while this process holds the scheduler lock.

    Every job run passes `_fenced_run`: it asks the lock first (a leader that was frozen runs
    nothing), is tracked so that losing the lock or a shutdown cancels it, and a database outage
    skips the tick with one log line per outage rather than one traceback per tick.
    """

    def __init__(
        self, ctx: JobContext, clock: Clock, leadership: Leadership, metrics: Metrics | None
    ) -> None:
        self.ctx = ctx
        self.clock = clock
        self.leadership = leadership
        self.metrics = metrics
        self.scheduler: AsyncIOScheduler | None = None
        self.running: set[asyncio.Task[Any]] = set()
        self.database_down = False
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.leadership.run(self._gain, self._lose))

    async def _gain(self) -> None:
        self.scheduler = build_scheduler(self.ctx, clock=self.clock, run=self._fenced_run)
        self.scheduler.start()
        self._set_leader(True)
        # Missed digests are caught up beside the lock checks, never in front of them.
        self._track(asyncio.get_running_loop().create_task(self._catch_up()))

    async def _lose(self) -> None:
        self._set_leader(False)
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        for task in list(self.running):
            task.cancel()

    def _set_leader(self, leads: bool) -> None:
        if self.metrics is not None:
            self.metrics.leader.set(1 if leads else 0)

    def _track(self, task: asyncio.Task[Any]) -> None:
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    async def _catch_up(self) -> None:
        if await self.leadership.confirm():
            await self._guarded("catch_up", lambda: catch_up(self.ctx, now=self.clock.now()))

    async def _fenced_run(self, ctx: JobContext, name: str, clock: Clock) -> None:
        if not await self.leadership.confirm():
            log.info("job %s not run: this process no longer holds the scheduler lock", name)
            self._count(name, "fenced", 0.0)
            return
        task = asyncio.current_task()
        if task is not None:
            self._track(task)
        await self._guarded(name, lambda: run_job(ctx, name, at=clock.now()))

    async def _guarded(self, name: str, work: Callable[[], Awaitable[object]]) -> None:
        started = time.perf_counter()
        try:
            await work()
        except asyncio.CancelledError:
            self._count(name, "cancelled", time.perf_counter() - started)
            raise
        except Exception as exc:
            if is_database_unreachable(exc):
                if not self.database_down:
                    log.warning("database unreachable: skipping job runs until it is back (%s)", name)
                self.database_down = True
                self._count(name, "skipped", time.perf_counter() - started)
                return
            log.exception("job %s failed", name)
            self._count(name, "failed", time.perf_counter() - started)
            return
        if self.database_down:
            log.info("database reachable again: jobs run as scheduled")
            self.database_down = False
        self._count(name, "ok", time.perf_counter() - started)

    def _count(self, name: str, outcome: str, seconds: float) -> None:
        if self.metrics is not None:
            self.metrics.job_runs.labels(job=name, outcome=outcome).inc()
            self.metrics.job_seconds.labels(job=name).observe(seconds)

    async def drain(self, grace_seconds: float) -> None:
        """Start nothing new, give running jobs `grace_seconds`, cancel the rest, let go of the lock."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.running:
            _done, pending = await asyncio.wait(set(self.running), timeout=grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
        await self.stop()

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.leadership.release()
        self._set_leader(False)


def lease_timing(settings: Settings) -> LeaseTiming:
    return LeaseTiming(
        check_seconds=settings.leader_check_seconds,
        lease_seconds=settings.leader_lease_seconds,
        retry_seconds=settings.leader_retry_seconds,
    )


def start_jobs(core: Core, metrics: Metrics | None = None) -> Schedule | None:
    """Schedule the jobs in the background whenever this process holds the scheduler lock.

    Needs a messenger on the core (the chat adapter sets it); without one nothing is scheduled.
    """
    messenger = core.deps.messenger
    if messenger is None:
        log.warning("no messenger configured: nudges and digests are not scheduled")
        return None
    leadership = Leadership(core.engine, timing=lease_timing(core.settings))
    schedule = Schedule(job_context(core, messenger), core.deps.clock, leadership, metrics)
    schedule.start()
    return schedule
