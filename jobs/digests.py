"""The weekly SMT digest and the monthly RECI digest: their outbox rows and their messages.

A digest row is keyed on (kind, channel, period): the ISO week for the SMT digest, the month for RECI.
Writing it is idempotent, so the scheduled run, a rerun, and the catch-up at start-up post it once.
The RECI digest carries no personal performance: no names, no overdue owners, no SMART objectives.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.markup import bold, escape, truncate
from handlers.messages import MAX_TEXT, Context, Divider, Heading, Message, Part, Text
from jobs import outbox
from jobs.charts import status_by_objective
from jobs.context import JobContext
from jobs.delivery import Built, Outgoing
from jobs.digest_data import ActionRow, DigestData, gather
from jobs.digest_sections import RECI_SECTIONS
from jobs.periods import Period, iso_week, long_date, period_for, previous_period
from jobs.timing import local_now
from storage.models import Cadence, Status, UpdateRequest

SMT_DIGEST = "smt_digest"
RECI_DIGEST = "reci_digest"
# SMART coverage the SMT digest reports (the plan's INF-3 and the SMT's own commitment).
COVERAGE_ROLES = ("policy", "smt")
_ATTENTION = (Status.AT_RISK.value, Status.OFF_TRACK.value)
# How many changes per objective, and items per list, a digest names before it counts the rest.
MAX_CHANGES = 8
MAX_LISTED = 12


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


def _group_name(role: str) -> str:
    return {"smt": "SMT", "policy": "Policy team"}.get(role, role.capitalize())


def _blocks(lines: Sequence[str]) -> list[Part]:
    """Lines joined into as few Text parts as the length limit allows."""
    parts: list[Part] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > MAX_TEXT:
            parts.append(Text(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        parts.append(Text(current))
    return parts


def _counts_line(actions: list[ActionRow], data: DigestData) -> str:
    counts = data.counts(actions)
    return (
        ", ".join(f"{counts[s.value]} {s.label.lower()}" for s in Status if counts.get(s.value))
        or "no actions"
    )


def _some(items: Sequence[str], limit: int) -> str:
    """The first `limit` items, then a count of the rest: digests stay inside the message limits."""
    shown = "; ".join(items[:limit])
    return f"{shown}; and {len(items) - limit} more" if len(items) > limit else shown


def _progress(data: DigestData, *, since_words: str) -> list[Part]:
    lines: list[str] = []
    for objective, actions in data.by_objective():
        changed = [
            f"{a.key} {Status(a.before).label} → {Status(a.status).label}"
            for a in actions
            if a.before != a.status
        ]
        change = _some(changed, MAX_CHANGES) if changed else "no change"
        lines.append(
            f"- {bold(escape(objective.name))}: {_counts_line(actions, data)}. "
            f"_Since {since_words}:_ {escape(change)}"
        )
    rows = [(o.name, data.counts(a)) for o, a in data.by_objective()]
    chart = status_by_objective(rows, title="Actions by status")
    return [Heading("Progress by objective"), *_blocks(lines), chart]


def _attention(data: DigestData, *, narratives: bool) -> list[Part]:
    flagged = [a for a in data.actions if a.status in _ATTENTION]
    if not flagged:
        return [Heading("At risk or off track"), Text("None this time.")]
    lines = []
    for a in flagged[:MAX_LISTED]:
        line = f"- {bold(a.key)} {escape(truncate(a.title, 160))} · {Status(a.status).label}"
        latest = data.latest.get(a.id)
        if narratives and latest is not None and latest.narrative:
            said = escape(truncate(latest.narrative, 300))
            line += f"\n  _{said}_ ({latest.at:%d %b}, {escape(latest.author)})"
        lines.append(line)
    if len(flagged) > MAX_LISTED:
        lines.append(f"…and {len(flagged) - MAX_LISTED} more: see `nudgebot review-pack` or /commitments.")
    return [Heading(f"At risk or off track ({len(flagged)})"), *_blocks(lines)]


def _coming(data: DigestData, today: date) -> list[Part]:
    half = period_for(Cadence.SIX_MONTHLY, today)
    review = half.end if half.end < data.plan.ends else data.plan.ends
    return [
        Heading("Coming up"),
        Text(
            f"- Six-monthly review: end of {escape(half.label)}, {long_date(review)}\n"
            f"- Trustees' annual reflection: plan year ends {long_date(data.plan.ends)}"
        ),
    ]


async def build_smt(session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime) -> Built:
    data = await gather(session, since=now - timedelta(days=7), until=now, personal=True)
    if data is None:
        return None
    parts: list[Part] = [
        Heading(f"SMT digest: {data.plan.name}"),
        Context(f"{len(data.actions)} actions · {row.period} · as of {long_date(now)}"),
        *_progress(data, since_words="last week"),
        Divider(),
        *_attention(data, narratives=True),
        Heading("Overdue updates by owner"),
    ]
    by_owner: dict[str, list[str]] = {}
    for o in data.overdue:
        by_owner.setdefault(o.owner, []).append(f"{o.subject}{' (escalated)' if o.escalated else ''}")
    owners = [f"- {bold(escape(name))}: {', '.join(items)}" for name, items in by_owner.items()]
    if len(owners) > MAX_LISTED:
        owners = [*owners[:MAX_LISTED], f"…and {len(owners) - MAX_LISTED} more owners"]
    parts += _blocks(owners) or [Text("None.")]
    parts.append(Heading(f"New evidence this week ({data.new_evidence_count})"))
    parts += _blocks(
        [
            f"- {bold(e.action_key)} {e.at:%d %b} by {escape(e.author)}"
            + (f" · {Status(e.status).label}" if e.status else "")
            for e in data.new_evidence
        ]
    ) or [Text("None.")]
    parts.append(Heading("SMART objectives (agreed / eligible, probation excluded)"))
    coverage = [c for c in data.coverage if c.group in COVERAGE_ROLES]
    parts += _blocks(
        [
            f"- {bold(_group_name(c.group))}: {c.agreed} / {c.eligible}"
            + (f" (missing: {escape(', '.join(c.missing))})" if c.missing else "")
            for c in coverage
        ]
    ) or [Text("No eligible people.")]
    parts += _coming(data, _today(now, ctx))
    parts.append(Heading(f"Failed sends ({len(data.failed)})"))
    failed = [f"- {escape(f)}" for f in data.failed[:MAX_LISTED]]
    if len(data.failed) > MAX_LISTED:
        failed.append(f"…and {len(data.failed) - MAX_LISTED} more")
    parts += _blocks(failed) or [Text("None.")]
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
        *_progress(data, since_words="last month"),
        Divider(),
        *_attention(data, narratives=False),
        Heading("New evidence"),
        Text(f"{data.new_evidence_count} update(s) recorded since {period.start.day} {period.start:%B}."),
        *_coming(data, _today(now, ctx)),
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
