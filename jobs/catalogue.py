"""Every job the bot runs on its own clock, and `run_job`: run one of them "as of" any moment.

`run_job(ctx, name, at=...)` is the one entry point the scheduler, `nudgebot jobs run` and the sandbox
call. A job first writes its outbox rows (idempotent), then delivers every row that is due; the report
lists what was sent, in words. Another feature adds a job by adding a `JobSpec` to `_JOBS` and, if
it sends a new kind of row, a builder to `BUILDERS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.config import EngineSettings
from jobs.context import JobContext, JobReport
from jobs.delivery import Builder, deliver
from jobs.digests import RECI_DIGEST, SMT_DIGEST, build_reci, build_smt, enqueue_digest
from jobs.nudge_messages import build_escalation, build_nudge
from jobs.nudges import ESCALATION, NUDGE, plan_nudges
from jobs.review_cycle import (
    REVIEW_ASK,
    REVIEW_NOTICE,
    SMART_OUTCOME_ASK,
    build_outcome_ask,
    build_review_ask,
    build_review_notice,
    enqueue_reviews,
)
from jobs.survey_jobs import build_survey_invite, run_surveys
from storage.deliveries import forget_before
from storage.survey_audience import INVITE_KIND

Enqueue = Callable[[AsyncSession, JobContext, datetime], Awaitable[list[str]]]
TriggerFactory = Callable[[EngineSettings], Any]


class UnknownJob(KeyError):
    """A job name that is not in the catalogue."""


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    trigger: TriggerFactory
    enqueue: Enqueue
    # Run once at start-up when a scheduled run fell inside the grace window while the bot was down.
    catch_up: bool = False


async def _nudges(session: AsyncSession, ctx: JobContext, at: datetime) -> list[str]:
    tick = await plan_nudges(session, now=at, settings=ctx.settings)
    notes = [
        f"{tick.messages} owner message(s) written: {tick.new_asks} new ask(s), {tick.reminders} reminder(s)"
    ]
    if tick.escalated:
        notes.append(f"escalated: {', '.join(tick.escalated)}")
    return notes


def _digest(kind: str) -> Enqueue:
    async def enqueue(session: AsyncSession, ctx: JobContext, at: datetime) -> list[str]:
        written = await enqueue_digest(session, kind, now=at, ctx=ctx)
        return [] if written else [f"{kind} for this period was already written"]

    return enqueue


# Slack retries an event for about an hour at most; a week of delivery ids is plenty to drop duplicates.
DELIVERY_MEMORY = timedelta(days=7)


async def _housekeeping(session: AsyncSession, _ctx: JobContext, at: datetime) -> list[str]:
    dropped = await forget_before(session, before=at - DELIVERY_MEMORY)
    return [f"forgot {dropped} delivery id(s) older than {DELIVERY_MEMORY.days} days"]


def _zone(settings: EngineSettings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)


def _every_tick(settings: EngineSettings) -> IntervalTrigger:
    return IntervalTrigger(minutes=settings.nudge_tick_minutes, timezone=_zone(settings))


_JOBS = (
    JobSpec(
        name="nudges",
        description="Nudge owners whose updates are due, remind, escalate; retry unsent messages",
        trigger=_every_tick,
        enqueue=_nudges,
    ),
    JobSpec(
        name="smt_digest",
        description="Weekly digest to the SMT channel",
        trigger=lambda s: CronTrigger(
            day_of_week=s.smt_digest_day,
            hour=s.smt_digest_time.hour,
            minute=s.smt_digest_time.minute,
            timezone=_zone(s),
        ),
        enqueue=_digest(SMT_DIGEST),
        catch_up=True,
    ),
    JobSpec(
        name="surveys",
        description="Close anonymous surveys past their date (results to RECI); remind who has not answered",
        trigger=_every_tick,
        enqueue=run_surveys,
    ),
    JobSpec(
        name="reci_digest",
        description="Monthly progress digest to the RECI channel (no personal performance)",
        trigger=lambda s: CronTrigger(
            day=s.reci_digest_day,
            hour=s.reci_digest_time.hour,
            minute=s.reci_digest_time.minute,
            timezone=_zone(s),
        ),
        enqueue=_digest(RECI_DIGEST),
        catch_up=True,
    ),
    JobSpec(
        name="reviews",
        description="Two weeks before a review: tell the SMT, ask owners for a closing update (and managers "
        "for SMART outcomes before the plan's last review)",
        trigger=lambda s: CronTrigger(hour=8, minute=45, timezone=_zone(s)),
        enqueue=enqueue_reviews,
        catch_up=True,
    ),
    JobSpec(
        name="housekeeping",
        description="Forget inbound delivery ids older than a week (they only guard against redelivery)",
        trigger=lambda s: CronTrigger(hour=3, minute=17, timezone=_zone(s)),
        enqueue=_housekeeping,
    ),
)
CATALOGUE: dict[str, JobSpec] = {spec.name: spec for spec in _JOBS}

BUILDERS: dict[str, Builder] = {
    NUDGE: build_nudge,
    ESCALATION: build_escalation,
    SMT_DIGEST: build_smt,
    RECI_DIGEST: build_reci,
    INVITE_KIND: build_survey_invite,
    REVIEW_NOTICE: build_review_notice,
    REVIEW_ASK: build_review_ask,
    SMART_OUTCOME_ASK: build_outcome_ask,
}

catalogue: tuple[str, ...] = tuple(CATALOGUE)


def next_run(name: str, settings: EngineSettings, *, now: datetime) -> datetime | None:
    trigger = CATALOGUE[name].trigger(settings)
    when: datetime | None = trigger.get_next_fire_time(None, now)
    return when


async def run_job(ctx: JobContext, name: str, *, at: datetime) -> JobReport:
    """Run job `name` as of `at`: write its rows, then deliver everything due. Safe to run twice at once."""
    if at.tzinfo is None:
        raise ValueError("run_job needs a time-zone-aware `at`")
    spec = CATALOGUE.get(name)
    if spec is None:
        raise UnknownJob(name)
    report = JobReport(job=name, at=at)
    async with ctx.sessions() as session, session.begin():
        report.notes += await spec.enqueue(session, ctx, at)
    delivered = await deliver(ctx, now=at, builders=BUILDERS)
    report.sent += delivered.sent
    report.failed += delivered.failed
    return report


def missed(name: str, settings: EngineSettings, *, now: datetime) -> datetime | None:
    """The scheduled run of `name` that fell within the grace window before `now`, if any."""
    trigger = CATALOGUE[name].trigger(settings)
    earliest = now - timedelta(seconds=settings.misfire_grace_seconds)
    when: datetime | None = trigger.get_next_fire_time(None, earliest)
    return when if when is not None and when <= now else None


async def catch_up(ctx: JobContext, *, now: datetime) -> list[JobReport]:
    """At start-up: run each catch-up job whose scheduled time passed within the grace window.

    Posting once, not once per missed run, comes from the outbox key (kind, channel, period): a digest
    already sent for its period is not written again, whatever APScheduler does.
    """
    reports = []
    for spec in CATALOGUE.values():
        if spec.catch_up and missed(spec.name, ctx.settings, now=now) is not None:
            reports.append(await run_job(ctx, spec.name, at=now))
    return reports
