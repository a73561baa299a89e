"""The nudge job: who is due, reminders after N working days, escalation after M reminders.

One tick decides everything in one transaction: for each owner it may nudge now (a working day in their
time zone, past their nudge time, outside quiet hours) it writes one `nudge` message row keyed on
(owner, local date) and the `ask` rows it lists (see `storage.models.UpdateRequest`). The message row's
unique key is what makes two runs at once, or a rerun, write it once; whoever wrote it attaches the asks.
Each follow-up is due N working days after the last message that reached the owner about the ask (the
first nudge, then each reminder, counted from when it was *sent*): follow-ups 1…M are reminders (in that
day's one message), follow-up M+1 escalates the ask. Counting from the last send, not from the first nudge,
keeps the spacing after downtime: a late reminder is never followed by an escalation one tick later.
The escalation goes to the leads of the team that owns the action (the owner's team when it names none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from jobs import outbox
from jobs.config import EngineSettings
from jobs.due import Owned, Snapshot, snapshot
from jobs.periods import Period, period_for
from jobs.timing import local_now, may_nudge
from jobs.workdays import working_days_between
from storage.models import Cadence, Person, UpdateRequest

NUDGE = "nudge"
ESCALATION = "escalation"


@dataclass
class Plan:
    """What one tick decided, before it is written."""

    new: dict[int, list[tuple[Owned, Period, str]]] = field(default_factory=lambda: defaultdict(list))
    reminders: dict[int, list[UpdateRequest]] = field(default_factory=lambda: defaultdict(list))
    # Current asks an earlier message listed but never delivered (downtime): folded into today's message.
    unsent: dict[int, list[UpdateRequest]] = field(default_factory=lambda: defaultdict(list))
    escalate: list[UpdateRequest] = field(default_factory=list)
    # The team each escalated ask goes to (by ask id): the action's team, else the owner's.
    teams: dict[int, str] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    today: dict[int, date] = field(default_factory=dict)


@dataclass
class TickResult:
    messages: int = 0
    new_asks: int = 0
    reminders: int = 0
    escalated: list[str] = field(default_factory=list)


async def plan_nudges(session: AsyncSession, *, now: datetime, settings: EngineSettings) -> TickResult:
    """Decide and write this tick's message, ask and escalation rows (caller commits)."""
    org_day = local_now(now, settings.timezone, settings).date()
    # The longest period in use starts at most a plan year back, whatever month each plan's year starts in.
    earliest = min(period_for(Cadence.ANNUAL, org_day, month).start for month in range(1, 13))
    snap = await snapshot(session, now=now, earliest=earliest, today=org_day)
    asks = await _current_asks(session, since=datetime.combine(earliest, time(0), tzinfo=now.tzinfo))
    last_sent = await _last_sent(session, asks.values())
    decided = _decide(snap, asks, last_sent, now=now, settings=settings)
    result = TickResult()
    message_rows = [
        {
            "kind": NUDGE,
            "recipient": outbox.person_key(pid),
            "subject": "",
            "period": decided.today[pid].isoformat(),
            "person_id": pid,
            "due_at": now,
            "created_at": now,
        }
        for pid in sorted(set(decided.new) | set(decided.reminders) | set(decided.unsent))
    ]
    written = await outbox.insert_new(session, message_rows)
    ask_rows: list[dict[str, Any]] = []
    for (_, recipient, _, _), message_id in written.items():
        pid = int(recipient.split(":")[1])
        result.messages += 1
        for item, period, label in decided.new.get(pid, []):
            ask_rows.append(
                {
                    "kind": outbox.ASK,
                    "recipient": recipient,
                    "subject": item.subject,
                    "period": period.key,
                    "person_id": pid,
                    "action_id": item.action.id,
                    "parent_id": message_id,
                    "due_at": now,
                    "created_at": now,
                    # The period's end lets the sender drop an ask that went stale while it waited.
                    "payload": {
                        "period_label": label,
                        "title": item.title,
                        "figure": item.figure,
                        "period_end": period.end.isoformat(),
                    },
                }
            )
        for ask in decided.reminders.get(pid, []):
            moved = await session.execute(
                update(UpdateRequest)
                .where(UpdateRequest.id == ask.id, UpdateRequest.reminders == ask.reminders)
                .values(reminders=ask.reminders + 1, parent_id=message_id)
            )
            result.reminders += int(getattr(moved, "rowcount", 0) or 0)
        for ask in decided.unsent.get(pid, []):
            await session.execute(
                update(UpdateRequest)
                .where(UpdateRequest.id == ask.id, UpdateRequest.sent_at.is_(None))
                .values(parent_id=message_id)
            )
    result.new_asks = len(await outbox.insert_new(session, ask_rows))
    result.escalated = await _escalate(session, decided, now=now)
    return result


async def _current_asks(
    session: AsyncSession, *, since: datetime
) -> dict[tuple[int, str, str], UpdateRequest]:
    """Asks written since the start of the longest period in use: every ask a current period can have."""
    rows = (
        await session.scalars(
            select(UpdateRequest).where(UpdateRequest.kind == outbox.ASK, UpdateRequest.created_at >= since)
        )
    ).all()
    return {(r.person_id or 0, r.subject, r.period): r for r in rows}


async def _last_sent(session: AsyncSession, asks: Iterable[UpdateRequest]) -> dict[int, datetime]:
    """When the message that last listed each ask was sent, by message id (unsent ones are missing)."""
    parents = {a.parent_id for a in asks if a.parent_id is not None}
    if not parents:
        return {}
    rows = await session.execute(
        select(UpdateRequest.id, UpdateRequest.sent_at).where(
            UpdateRequest.id.in_(parents), UpdateRequest.sent_at.is_not(None)
        )
    )
    return {row_id: sent for row_id, sent in rows.all() if sent is not None}


def _decide(
    snap: Snapshot,
    asks: dict[tuple[int, str, str], UpdateRequest],
    last_sent: dict[int, datetime],
    *,
    now: datetime,
    settings: EngineSettings,
) -> Plan:
    decided = Plan()
    every = settings.reminder_after_working_days
    for item in snap.owned:
        local = local_now(now, item.person.timezone, settings)
        if not may_nudge(local, settings):
            continue
        today = local.date()
        if not item.asked_on(today):
            continue
        period = item.period(today)
        if (item.person.id, item.action.id) in snap.snoozed or snap.updated_in(item, period):
            continue
        decided.people[item.person.id] = item.person
        decided.today[item.person.id] = today
        ask = asks.get((item.person.id, item.subject, period.key))
        if ask is None:
            decided.new[item.person.id].append((item, period, period.label))
            continue
        if ask.answered_at is not None or ask.escalated_at is not None:
            continue
        if ask.sent_at is None:
            decided.unsent[item.person.id].append(ask)
            continue
        # The latest reminder's message, once sent; a reminder still waiting to go out holds the clock.
        last = last_sent.get(ask.parent_id) if ask.parent_id is not None else None
        if last is None and ask.reminders == 0:
            last = ask.sent_at
        if last is None:
            continue
        last_day = local_now(last, item.person.timezone, settings).date()
        if working_days_between(last_day, today) < every:
            continue
        if ask.reminders + 1 <= settings.escalate_after_reminders:
            decided.reminders[item.person.id].append(ask)
        else:
            decided.escalate.append(ask)
            decided.teams[ask.id] = item.action.team or item.person.team
    return decided


async def _escalate(session: AsyncSession, decided: Plan, *, now: datetime) -> list[str]:
    """Mark asks escalated (once: the guarded update decides) and write a message row for each SMT lead."""
    if not decided.escalate:
        return []
    ids = [a.id for a in decided.escalate]
    marked = set(
        (
            await session.scalars(
                update(UpdateRequest)
                .where(UpdateRequest.id.in_(ids), UpdateRequest.escalated_at.is_(None))
                .values(escalated_at=now)
                .returning(UpdateRequest.id)
            )
        ).all()
    )
    leads = await _leads_by_team(session)
    by_owner: dict[tuple[int, str], list[dict[str, str]]] = defaultdict(list)
    for ask in decided.escalate:
        if ask.id in marked and ask.person_id is not None:
            payload = ask.payload or {}
            by_owner[(ask.person_id, decided.teams.get(ask.id, ""))].append(
                {
                    "subject": ask.subject,
                    "title": str(payload.get("title", "")),
                    "period": str(payload.get("period_label", ask.period)),
                }
            )
    rows: list[dict[str, Any]] = []
    out: list[str] = []
    # One message per (lead, owner) a day, whichever of the lead's teams the overdue actions belong to.
    per_lead: dict[tuple[int, int], list[dict[str, str]]] = defaultdict(list)
    for (owner_id, team), items in by_owner.items():
        owner = decided.people[owner_id]
        out += [f"{i['subject']} ({owner.name})" for i in items]
        for lead in leads.get(team.strip().lower(), []):
            if lead.id != owner_id:
                per_lead[(lead.id, owner_id)] += items
    for (lead_id, owner_id), items in per_lead.items():
        rows.append(
            {
                "kind": ESCALATION,
                "recipient": outbox.person_key(lead_id),
                "subject": outbox.person_key(owner_id),
                "period": decided.today[owner_id].isoformat(),
                "person_id": lead_id,
                "due_at": now,
                "created_at": now,
                "payload": {"owner": decided.people[owner_id].name, "items": items},
            }
        )
    await outbox.insert_new(session, rows)
    return out


async def _leads_by_team(session: AsyncSession) -> dict[str, list[Person]]:
    leads: dict[str, list[Person]] = defaultdict(list)
    for person in (
        await session.scalars(select(Person).where(Person.active.is_(True), Person.leads != ""))
    ).all():
        for team in person.leads.split(";"):
            if team.strip():
                leads[team.strip().lower()].append(person)
    return leads
