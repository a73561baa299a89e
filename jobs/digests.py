"""The weekly SMT digest and the monthly network digest (`reci_digest`): their outbox rows and messages.

Each plan active that day gets its own digests, in its own channels (the plan file's `channels`, else the
SMT_CHANNEL / RECI_CHANNEL settings) and in its own words (`storage.plan_wording`). A digest row is keyed
on (kind, channel, plan key, period): the ISO week for the SMT digest, the month for the network's.
Writing it is idempotent, so the scheduled run, a rerun, and the catch-up at start-up post it once.
The network digest carries no personal performance: no names, no overdue owners, no SMART objectives.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.messages import Context, Divider, Heading, Message, Part, Text
from handlers.wording import counted
from jobs import outbox
from jobs.context import JobContext
from jobs.delivery import Built, Outgoing
from jobs.digest_data import gather
from jobs.digest_measures import measure_parts
from jobs.digest_sections import RECI_SECTIONS, SMT_SECTIONS
from jobs.digest_text import attention, blocks, coming_up, group_name, progress
from jobs.periods import Period, iso_week, long_date, period_for, previous_period
from jobs.review_digest import challenge_parts, smart_parts
from jobs.smt_sections import coverage_section
from jobs.timing import local_now
from storage.models import Cadence, Plan, UpdateRequest
from storage.plan_queries import active_plans
from storage.plan_wording import PlanWording

SMT_DIGEST = "smt_digest"
RECI_DIGEST = "reci_digest"


def _today(now: datetime, ctx: JobContext) -> date:
    """The organisation's date now: periods and "coming up" follow its time zone, not UTC."""
    return local_now(now, ctx.settings.timezone, ctx.settings).date()


def digest_period(kind: str, now: datetime, ctx: JobContext) -> Period:
    day = _today(now, ctx)
    return iso_week(day) if kind == SMT_DIGEST else period_for(Cadence.MONTHLY, day)


def digest_channel(kind: str, plan: Plan, ctx: JobContext) -> str:
    """The plan's own channel for this digest, else the setting's."""
    if kind == SMT_DIGEST:
        return plan.smt_channel or ctx.settings.smt_channel
    return plan.network_channel or ctx.settings.reci_channel


async def enqueue_digest(session: AsyncSession, kind: str, *, now: datetime, ctx: JobContext) -> bool:
    """Write each active plan's digest row for the period containing `now`; False when none was new."""
    period = digest_period(kind, now, ctx)
    rows = [
        {
            "kind": kind,
            "recipient": outbox.channel_key(digest_channel(kind, plan, ctx)),
            "subject": plan.key,
            "period": period.key,
            "due_at": now,
            "created_at": now,
        }
        for plan in await active_plans(session, today=_today(now, ctx))
    ]
    return bool(await outbox.insert_new(session, rows))


def _row_channel(row: UpdateRequest) -> str:
    return row.recipient.removeprefix("channel:")


async def build_smt(session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime) -> Built:
    data = await gather(
        session, since=now - timedelta(days=7), until=now, personal=True, plan_key=row.subject or None
    )
    if data is None:
        return None
    channel = _row_channel(row)
    parts: list[Part] = [
        Heading(f"SMT digest: {data.plan.name}"),
        Context(f"{len(data.actions)} actions · {row.period} · as of {long_date(now)}"),
    ]
    today = _today(now, ctx)
    for section in SMT_SECTIONS:
        if section is coverage_section:
            # SMART objectives for the plan file's `smart_roles`, and challenges: both read the database.
            parts += await smart_parts(session, data.plan, data.coverage, name=group_name, blocks=blocks)
            parts += await challenge_parts(session, data.plan)
        else:
            parts += section(data, today)
    # The measures read their own figures and compute what nudgebot knows, so they are not a section over
    # the gathered data: they close the digest, with their chart.
    parts += await measure_parts(session, data.plan, today=today, personal=True)
    return Outgoing(
        message=Message(
            fallback=f"SMT digest for {row.period}: {len(data.actions)} actions", parts=tuple(parts)
        ),
        describe=f"SMT digest for {row.period} to {channel}",
        channel=channel,
    )


async def build_reci(session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime) -> Built:
    period = previous_period(Cadence.MONTHLY, _today(now, ctx))
    since = datetime.combine(period.start, datetime.min.time(), tzinfo=now.tzinfo)
    data = await gather(session, since=since, until=now, personal=False, plan_key=row.subject or None)
    if data is None:
        return None
    channel = _row_channel(row)
    network = PlanWording.of(data.plan).network or "Network"
    parts: list[Part] = [
        Heading(f"{network[:1].upper() + network[1:]} digest: {data.plan.name}"),
        Context(f"{len(data.actions)} actions · progress since {long_date(period.start)}"),
        *progress(data, since_words="last month"),
        Divider(),
        *attention(data, narratives=False),
        Heading("New evidence"),
        Text(f"{counted(data.new_evidence_count, 'update')} recorded since {long_date(period.start)}."),
        *await measure_parts(session, data.plan, today=_today(now, ctx), personal=False),
        *coming_up(data, _today(now, ctx)),
    ]
    sections = RECI_SECTIONS if ctx.reci_sections is None else ctx.reci_sections
    for section in sections:
        parts += list(await section(session, period, now))
    return Outgoing(
        message=Message(
            fallback=f"{network} digest for {row.period}: {len(data.actions)} actions", parts=tuple(parts)
        ),
        describe=f"{network} digest for {row.period} to {channel}",
        channel=channel,
    )
