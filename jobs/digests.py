"""The weekly SMT digest and the monthly RECI digest: their outbox rows and their messages.

A digest row is keyed on (kind, channel, period): the ISO week for the SMT digest, the month for RECI.
Writing it is idempotent, so the scheduled run, a rerun, and the catch-up at start-up post it once.
The RECI digest carries no personal performance: no names, no overdue owners, no SMART objectives.
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
from jobs.digest_sections import RECI_SECTIONS, SMT_SECTIONS
from jobs.digest_text import attention, blocks, coming_up, group_name, progress
from jobs.periods import Period, iso_week, long_date, period_for, previous_period
from jobs.review_digest import challenge_parts, smart_parts
from jobs.smt_sections import coverage_section
from jobs.timing import local_now
from storage.models import Cadence, UpdateRequest

SMT_DIGEST = "smt_digest"
RECI_DIGEST = "reci_digest"


def _today(now: datetime, ctx: JobContext) -> date:
    """The organisation's date now: periods and "coming up" follow its time zone, not UTC."""
    return local_now(now, ctx.settings.timezone, ctx.settings).date()


def digest_period(kind: str, now: datetime, ctx: JobContext) -> Period:
    day = _today(now, ctx)
    return iso_week(day) if kind == SMT_DIGEST else period_for(Cadence.MONTHLY, day)


async def enqueue_digest(session: AsyncSession, kind: str, *, now: datetime, ctx: JobContext) -> bool:
    """Write the digest's row for the period containing `now`; False when it was already written."""
    channel = ctx.settings.smt_channel if kind == SMT_DIGEST else ctx.settings.reci_channel
    period = digest_period(kind, now, ctx)
    row = {
        "kind": kind,
        "recipient": outbox.channel_key(channel),
        "subject": "",
        "period": period.key,
        "due_at": now,
        "created_at": now,
    }
    return bool(await outbox.insert_new(session, [row]))


async def build_smt(session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime) -> Built:
    data = await gather(session, since=now - timedelta(days=7), until=now, personal=True)
    if data is None:
        return None
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
    return Outgoing(
        message=Message(
            fallback=f"SMT digest for {row.period}: {len(data.actions)} actions", parts=tuple(parts)
        ),
        describe=f"SMT digest for {row.period} to {ctx.settings.smt_channel}",
        channel=ctx.settings.smt_channel,
    )


async def build_reci(session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime) -> Built:
    period = previous_period(Cadence.MONTHLY, _today(now, ctx))
    since = datetime.combine(period.start, datetime.min.time(), tzinfo=now.tzinfo)
    data = await gather(session, since=since, until=now, personal=False)
    if data is None:
        return None
    parts: list[Part] = [
        Heading(f"RECI digest: {data.plan.name}"),
        Context(f"{len(data.actions)} actions · progress since {long_date(period.start)}"),
        *progress(data, since_words="last month"),
        Divider(),
        *attention(data, narratives=False),
        Heading("New evidence"),
        Text(f"{counted(data.new_evidence_count, 'update')} recorded since {long_date(period.start)}."),
        *coming_up(data, _today(now, ctx)),
    ]
    sections = RECI_SECTIONS if ctx.reci_sections is None else ctx.reci_sections
    for section in sections:
        parts += list(await section(session, period, now))
    return Outgoing(
        message=Message(
            fallback=f"RECI digest for {row.period}: {len(data.actions)} actions", parts=tuple(parts)
        ),
        describe=f"RECI digest for {row.period} to {ctx.settings.reci_channel}",
        channel=ctx.settings.reci_channel,
    )
