"""Rebuild a nudge message already sent, so each item shows what its owner has done with it.

The message is rebuilt from the update requests it carried (their `message_ref` is where it landed):
answered items lose their buttons and say what was recorded, by whom and when; items a newer nudge
asked about again say they are out of date; the rest keep theirs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Deps
from handlers.markup import escape
from handlers.messages import Buttons, Context, Message, Part
from handlers.nudges import DueItem, nudge_message
from handlers.wording import day, period_label, when
from storage.evidence import (
    active_snoozes,
    evidence_for_requests,
    handed_back,
    latest_by_action,
    newer_requests,
    requests_for_message,
)
from storage.lookups import status_of
from storage.models import Evidence, Person, UpdateRequest

NOT_MINE_NOTE = (
    "✓ You told us this is not yours — the senior management team has been asked to find the right owner."
)


async def rebuild_nudge(session: AsyncSession, deps: Deps, ref: dict[str, str]) -> Message | None:
    """The nudge message at `ref` as it should read now, or None when `ref` is not one of ours."""
    requests = await requests_for_message(session, ref)
    if not requests:
        return None
    newer = await newer_requests(session, requests)
    person_id = requests[0].person_id
    owner = await session.get(Person, person_id) if person_id is not None else None
    action_ids = [r.action_id for r in requests if r.action_id is not None]
    keys = [r.action.key for r in requests if r.action is not None]
    answered = await evidence_for_requests(session, [r.id for r in requests if r.answered_at])
    latest = await latest_by_action(session, action_ids)
    snoozed: dict[int, datetime] = {}
    handed: dict[str, datetime] = {}
    if person_id is not None:
        now = deps.clock.now()
        snoozed = await active_snoozes(session, person_id=person_id, action_ids=action_ids, now=now)
        since = min(r.created_at for r in requests)
        handed = await handed_back(session, person_id=person_id, action_keys=keys, since=since)
    items: list[DueItem] = []
    settled: dict[str, str] = {}
    for request in requests:
        action = request.action
        if action is None:
            continue
        last = latest.get(action.id)
        items.append(
            DueItem(
                action_key=action.key,
                title=action.title,
                period_label=period_label(request.period),
                status=status_of(action.status).value,
                reminder=request.reminders > 0,
                last_update=_last_update(last, deps) if last else "",
                measure=request.measure_text,
            )
        )
        if request.id in newer:
            settled[action.key] = superseded_note(newer[request.id], deps)
        elif request.answered_at is not None:
            if request.id in answered:
                settled[action.key] = _recorded(answered[request.id], deps)
            elif action.key in handed:
                settled[action.key] = NOT_MINE_NOTE
            elif last is not None and last.author_id == person_id:
                settled[action.key] = _recorded(last, deps)
            else:
                settled[action.key] = f"✓ Answered {when(request.answered_at, deps.timezone)}"
        elif action.id in snoozed:
            until = day(snoozed[action.id], deps.timezone)
            settled[action.key] = f"⏸ Snoozed until {until} — I'll ask again then."
    message = nudge_message(owner.name if owner else "", items)
    return Message(fallback=message.fallback, parts=tuple(_settle(p, settled) for p in message.parts))


def superseded_note(newer: UpdateRequest, deps: Deps) -> str:
    """What an item of an old nudge says once a newer nudge asked about the same action."""
    sent = day(newer.sent_at, deps.timezone) if newer.sent_at else "since"
    return f"⤳ Out of date: I asked about this again on {sent}. Please answer the newer message."


def _recorded(evidence: Evidence, deps: Deps) -> str:
    what = status_of(evidence.status).label if evidence.status else "Update"
    by = escape(evidence.author_name or "someone")
    return f"✓ {what} recorded by {by} at {when(evidence.created_at, deps.timezone)}"


def _last_update(evidence: Evidence, deps: Deps) -> str:
    return f"{day(evidence.created_at, deps.timezone)} by {evidence.author_name or 'someone'}"


def _settle(part: Part, settled: dict[str, str]) -> Part:
    """An item's row of buttons becomes the line saying what was done with it."""
    if isinstance(part, Buttons) and part.buttons:
        key = part.buttons[0].value.split("|", 1)[0]
        if key in settled:
            return Context(settled[key])
    return part
