"""The nudge job: who is due, reminders after N working days, escalation after M reminders.

One tick decides everything in one transaction: for each owner it may nudge now (a working day in their
time zone, past their nudge time, outside quiet hours) it writes one `nudge` message row keyed on
(owner, local date) and the `ask` rows it lists (see `storage.models.UpdateRequest`). The message row's
unique key is what makes two runs at once, or a rerun, write it once; whoever wrote it attaches the asks.
Follow-ups count working days from the first nudge: the k-th follow-up is due k × N working days after
it; follow-ups 1…M are reminders (in that day's one message), follow-up M+1 escalates the ask.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from jobs import outbox
from jobs.config import EngineSettings
from jobs.due import Owned, Snapshot, snapshot
from jobs.periods import period_for
from jobs.timing import local_now, may_nudge
from jobs.workdays import working_days_between
from storage.models import Cadence, Person, UpdateRequest

NUDGE = "nudge"
ESCALATION = "escalation"


@dataclass
class Plan:
    """What one tick decided, before it is written."""

    new: dict[int, list[tuple[Owned, str, str]]] = field(default_factory=lambda: defaultdict(list))
    reminders: dict[int, list[UpdateRequest]] = field(default_factory=lambda: defaultdict(list))
    escalate: list[UpdateRequest] = field(default_factory=list)
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
    earliest = min(period_for(c, org_day).start for c in Cadence)
    snap = await snapshot(session, now=now, earliest=earliest)
    asks = await _current_asks(session, since=datetime.combine(earliest, time(0), tzinfo=now.tzinfo))
    decided = _decide(snap, asks, now=now, settings=settings)
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
        for pid in sorted(set(decided.new) | set(decided.reminders))
    ]
    written = await outbox.insert_new(session, message_rows)
    ask_rows: list[dict[str, Any]] = []
    for (_, recipient, _, _), message_id in written.items():
        pid = int(recipient.split(":")[1])
        result.messages += 1
        for item, period_key, label in decided.new.get(pid, []):
            ask_rows.append(
                {
                    "kind": outbox.ASK,
                    "recipient": recipient,
                    "subject": item.subject,
                    "period": period_key,
                    "person_id": pid,
                    "action_id": item.action.id,
                    "parent_id": message_id,
                    "due_at": now,
                    "created_at": now,
                    "payload": {"period_label": label, "title": item.title, "figure": item.figure},
                }
            )
        for ask in decided.reminders.get(pid, []):
            moved = await session.execute(
                update(UpdateRequest)
                .where(UpdateRequest.id == ask.id, UpdateRequest.reminders == ask.reminders)
                .values(reminders=ask.reminders + 1, parent_id=message_id)
            )
            result.reminders += int(getattr(moved, "rowcount", 0) or 0)
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


def _decide(
    snap: Snapshot,
    asks: dict[tuple[int, str, str], UpdateRequest],
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
            decided.new[item.person.id].append((item, period.key, period.label))
            continue
        if ask.answered_at is not None or ask.escalated_at is not None or ask.sent_at is None:
            continue
        first_day = local_now(ask.sent_at, item.person.timezone, settings).date()
        follow_up = ask.reminders + 1
        if working_days_between(first_day, today) < follow_up * every:
            continue
        if follow_up <= settings.escalate_after_reminders:
            decided.reminders[item.person.id].append(ask)
        else:
            decided.escalate.append(ask)
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
    by_owner: dict[int, list[dict[str, str]]] = defaultdict(list)
    for ask in decided.escalate:
        if ask.id in marked and ask.person_id is not None:
            payload = ask.payload or {}
            by_owner[ask.person_id].append(
                {
                    "subject": ask.subject,
                    "title": str(payload.get("title", "")),
                    "period": str(payload.get("period_label", ask.period)),
                }
            )
    rows: list[dict[str, Any]] = []
    out: list[str] = []
    for owner_id, items in by_owner.items():
        owner = decided.people[owner_id]
        out += [f"{i['subject']} ({owner.name})" for i in items]
        for lead in leads.get(owner.team.strip().lower(), []):
            if lead.id == owner_id:
                continue
            rows.append(
                {
                    "kind": ESCALATION,
                    "recipient": outbox.person_key(lead.id),
                    "subject": outbox.person_key(owner_id),
                    "period": decided.today[owner_id].isoformat(),
                    "person_id": lead.id,
                    "due_at": now,
                    "created_at": now,
                    "payload": {"owner": owner.name, "items": items},
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
