"""Builders for the nudge engine's message rows: the owner's nudge and the SMT lead's escalation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from handlers.markup import bold, escape
from handlers.messages import Context, Heading, Message, Text
from handlers.messenger import Recipient
from handlers.nudges import DueItem, nudge_message
from handlers.wording import counted
from jobs.context import JobContext
from jobs.delivery import Built, NotYet, Outgoing
from jobs.timing import local_now, may_nudge, next_nudge_moment
from storage.models import Action, Evidence, Person, UpdateRequest


async def recipient(session: AsyncSession, person_id: int) -> Person | None:
    return await session.scalar(
        select(Person).where(Person.id == person_id).options(selectinload(Person.identities))
    )


def as_recipient(person: Person) -> Recipient:
    return Recipient(
        person_id=person.id,
        name=person.name,
        email=person.email,
        identities={i.platform: i.external_id for i in person.identities},
    )


def _not_now(person: Person, ctx: JobContext, now: datetime) -> NotYet | None:
    """Nudges, reminders and escalations wait for the recipient's working hours."""
    local = local_now(now, person.timezone, ctx.settings)
    if may_nudge(local, ctx.settings):
        return None
    return NotYet(next_nudge_moment(local, ctx.settings))


async def build_nudge(session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime) -> Built:
    """The owner's one message: every unanswered ask this row lists, reminders marked as such."""
    person = await recipient(session, row.person_id or 0)
    if person is None or not person.active:
        return None
    asks = (
        await session.execute(
            select(UpdateRequest, Action)
            .join(Action, Action.id == UpdateRequest.action_id)
            .where(UpdateRequest.parent_id == row.id, UpdateRequest.answered_at.is_(None))
            .order_by(Action.position, UpdateRequest.subject)
        )
    ).all()
    if not asks:
        return None
    waiting = _not_now(person, ctx, now)
    if waiting is not None:
        return waiting
    latest = await _latest_updates(session, [a.id for _, a in asks])
    items = [
        DueItem(
            action_key=action.key,
            title=action.title,
            period_label=str((ask.payload or {}).get("period_label", ask.period)),
            status=action.status,
            reminder=ask.reminders > 0,
            last_update=latest.get(action.id, ""),
            measure=ask.measure_text,
        )
        for ask, action in asks
    ]
    reminder = " (reminder)" if any(i.reminder for i in items) else ""
    keys = ", ".join(dict.fromkeys(a.subject for a, _ in asks))
    return Outgoing(
        message=nudge_message(person.name, items),
        describe=f"nudge{reminder} to {person.name}: {keys}",
        person=as_recipient(person),
    )


async def _latest_updates(session: AsyncSession, action_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    rows = (
        await session.execute(
            select(Evidence.action_id, Evidence.created_at, Evidence.author_name)
            .where(Evidence.action_id.in_(action_ids))
            .order_by(Evidence.created_at)
        )
    ).all()
    for action_id, created, author in rows:
        day = f"{created.day} {created:%b}"
        out[action_id] = f"{day} by {author}" if author else day
    return out


async def build_escalation(
    session: AsyncSession, row: UpdateRequest, ctx: JobContext, now: datetime
) -> Built:
    """A message to the SMT lead of the owner's team naming the overdue actions."""
    lead = await recipient(session, row.person_id or 0)
    if lead is None or not lead.active:
        return None
    waiting = _not_now(lead, ctx, now)
    if waiting is not None:
        return waiting
    payload = row.payload or {}
    owner = str(payload.get("owner", "an owner"))
    items = list(payload.get("items", []))
    lines = "\n".join(
        f"- {bold(escape(str(i['subject'])))} {escape(str(i['title']))} ({escape(str(i['period']))})"
        for i in items
    )
    heading = f"Overdue updates from {owner}"
    return Outgoing(
        message=Message(
            fallback=f"{heading}: {', '.join(str(i['subject']) for i in items)}",
            parts=(
                Heading(heading),
                Text(
                    f"{escape(owner)} has not answered {counted(len(items), 'update request')} after "
                    f"{counted(ctx.settings.escalate_after_reminders, 'reminder')}:\n{lines}"
                ),
                Context("You get this because you lead their team. They are listed in the SMT digest too."),
            ),
        ),
        describe=f"escalation to {lead.name} about {owner}: {', '.join(str(i['subject']) for i in items)}",
        person=as_recipient(lead),
    )
