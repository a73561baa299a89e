"""The monthly team digest: each team lead gets their team's actions, what is due, what is overdue and
which measures are off target, across every plan active that day.

One outbox row per (lead, team, month) — the team is the row's subject — so a rerun sends nothing twice.
"The team" is the team that owns an action (`Action.team`), the same team escalations go to.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.markup import bold, escape, truncate
from handlers.messages import Context, Heading, Message, Part, Text
from jobs import outbox
from jobs.context import JobContext
from jobs.delivery import Built, NotYet, Outgoing
from jobs.nudge_messages import as_recipient, recipient
from jobs.periods import period_for
from jobs.timing import local_now, may_nudge, next_nudge_moment
from storage.models import Action, Cadence, Measure, Person, Plan, Status, UpdateRequest

TEAM_DIGEST = "team_digest"
# How many lines each section lists before it only counts the rest.
MAX_LINES = 15


def _org_day(now: datetime, ctx: JobContext) -> date:
    return local_now(now, ctx.settings.timezone, ctx.settings).date()


async def enqueue_team_digests(session: AsyncSession, ctx: JobContext, at: datetime) -> list[str]:
    """One row for each lead of each team that owns an action in an active plan, for this month."""
    today = _org_day(at, ctx)
    teams = {
        team.strip().lower(): team
        for team in (
            await session.scalars(
                select(Action.team)
                .join(Plan, Plan.id == Action.plan_id)
                .where(
                    Action.team != "",
                    Action.archived_at.is_(None),
                    Plan.starts <= today,
                    Plan.ends >= today,
                )
                .distinct()
            )
        ).all()
    }
    period = period_for(Cadence.MONTHLY, today)
    rows = []
    for lead in (
        await session.scalars(select(Person).where(Person.active.is_(True), Person.leads != ""))
    ).all():
        for led in lead.leads.split(";"):
            team = teams.get(led.strip().lower())
            if team is not None:
                rows.append(
                    {
                        "kind": TEAM_DIGEST,
                        "recipient": outbox.person_key(lead.id),
                        "subject": team,
                        "period": period.key,
                        "person_id": lead.id,
                        "due_at": at,
                        "created_at": at,
                    }
                )
    written = await outbox.insert_new(session, rows)
    return [f"{len(written)} team digest(s) written"]


async def build_team_digest(
    session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime
) -> Built:
    lead = await recipient(session, row.person_id or 0)
    if lead is None or not lead.active:
        return None
    local = local_now(now, lead.timezone, ctx.settings)
    if not may_nudge(local, ctx.settings):
        return NotYet(next_nudge_moment(local, ctx.settings))
    team = row.subject
    today = _org_day(now, ctx)
    actions = (
        await session.scalars(
            select(Action)
            .join(Plan, Plan.id == Action.plan_id)
            .where(
                func.lower(Action.team) == team.lower(),
                Action.archived_at.is_(None),
                Plan.starts <= today,
                Plan.ends >= today,
            )
            .order_by(Plan.starts, Action.position)
        )
    ).all()
    if not actions:
        return None
    ids = [a.id for a in actions]
    keys = {a.id: a.key for a in actions}
    due: list[str] = []
    overdue: list[str] = []
    for ask, owner in (
        await session.execute(
            select(UpdateRequest, Person.name)
            .join(Person, Person.id == UpdateRequest.person_id)
            .where(
                UpdateRequest.kind == outbox.ASK,
                UpdateRequest.action_id.in_(ids),
                UpdateRequest.answered_at.is_(None),
                UpdateRequest.sent_at.is_not(None),
            )
            .order_by(UpdateRequest.subject, Person.name)
        )
    ).all():
        label = str((ask.payload or {}).get("period_label", ask.period))
        line = f"- {bold(keys.get(ask.action_id or 0, ask.subject))} from {escape(owner)} ({escape(label)})"
        if ask.reminders > 0 or ask.escalated_at is not None:
            overdue.append(line + (" · escalated" if ask.escalated_at is not None else ""))
        elif not _ended(ask, today):
            due.append(line)
    off_target = [
        f"- {bold(keys[m.action_id])} {escape(truncate(m.text, 160))}"
        for m in (
            await session.scalars(
                select(Measure)
                .where(Measure.action_id.in_(ids), Measure.status == Status.OFF_TRACK.value)
                .order_by(Measure.action_id, Measure.position)
            )
        ).all()
    ]
    counts: dict[str, int] = defaultdict(int)
    for a in actions:
        counts[a.status] += 1
    summary = ", ".join(f"{n} {Status(s).label.lower()}" for s, n in counts.items())
    parts: list[Part] = [
        Heading(f"Team digest: {truncate(team, 100)}"),
        Context(f"{len(actions)} actions your team owns · {summary} · as of {today.day} {today:%B %Y}"),
        Text(_section("Your team's actions", [_action_line(a) for a in actions])),
        Text(_section(f"Due now ({len(due)})", due)),
        Text(_section(f"Overdue ({len(overdue)})", overdue)),
        Text(_section(f"Measures off target ({len(off_target)})", off_target)),
        Context("You get this because you lead this team. Type /commitments team NAME to see it any time."),
    ]
    return Outgoing(
        message=Message(fallback=f"Team digest for {team}: {len(actions)} actions", parts=tuple(parts)),
        describe=f"team digest for {team} to {lead.name}",
        person=as_recipient(lead),
    )


def _ended(ask: UpdateRequest, today: date) -> bool:
    end = (ask.payload or {}).get("period_end")
    return isinstance(end, str) and date.fromisoformat(end) < today


def _action_line(action: Action) -> str:
    return f"- {bold(action.key)} {escape(truncate(action.title, 120))} · {Status(action.status).label}"


def _section(title: str, lines: list[str]) -> str:
    shown = lines[:MAX_LINES] + ([f"…and {len(lines) - MAX_LINES} more"] if len(lines) > MAX_LINES else [])
    return f"**{title}**\n" + ("\n".join(shown) if shown else "None.")
