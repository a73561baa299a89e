"""SMT changes to an action in chat: how often its owners are asked, and a snooze for all its owners.

`/nudge cadence INF-2 quarterly` and `/nudge snooze INF-2 14d everyone`, for people whose role lets them
update any action (the senior management team). Each change writes an audit entry; the cadence is
written back into the plan file by `nudgebot plan export`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.context import Actor, Deps, Response
from handlers.markup import escape
from handlers.permissions import UPDATE_ANY_ACTION, person_of
from handlers.wording import NOT_IN_PEOPLE_LIST, day, say
from storage import audit
from storage.evidence import snooze
from storage.lookups import live_action
from storage.models import ActionOwner, Cadence, Person

MAX_SNOOZE_ALL_DAYS = 90
SMT_ONLY = "Only the senior management team can change this for everyone."
CADENCE_WORDS = {c.value: c for c in Cadence}


async def change_cadence(deps: Deps, actor: Actor, *, key: str, cadence: str) -> Response:
    """Set how often the action's owners are asked for an update."""
    if not actor.may(UPDATE_ANY_ACTION):
        return say(SMT_ONLY)
    wanted = CADENCE_WORDS.get(cadence.strip().lower())
    if wanted is None:
        return say(f"Choose one of {', '.join(CADENCE_WORDS)}, for example /nudge cadence {key} quarterly.")
    now = deps.clock.now()
    async with deps.sessions() as session:
        me = await person_of(session, actor)
        if me is None:
            return say(NOT_IN_PEOPLE_LIST)
        action = await live_action(session, key=key, today=now.date())
        if action is None:
            return say(f"There is no action {escape(key)} in the plan.")
        before, action_key = action.cadence, action.key
        if before != wanted.value:
            action.cadence = wanted.value
            action.updated_at = now
            audit.record(
                session,
                at=now,
                actor=f"person:{me.id}",
                event="action.cadence",
                entity="action",
                entity_key=action_key,
                detail={"from": before, "to": wanted.value},
            )
            await session.commit()
    return say(
        f"{action_key}'s owners are now asked for an update {wanted.value}. "
        "Run `nudgebot plan export` to write it into the plan file."
    )


async def snooze_for_everyone(deps: Deps, actor: Actor, *, key: str, days: int) -> Response:
    """Pause every owner's nudges about the action for `days` days."""
    if not actor.may(UPDATE_ANY_ACTION):
        return say(SMT_ONLY)
    if not 1 <= days <= MAX_SNOOZE_ALL_DAYS:
        return say(f"Please choose between 1 and {MAX_SNOOZE_ALL_DAYS} days.")
    now = deps.clock.now()
    until = now + timedelta(days=days)
    async with deps.sessions() as session:
        me = await person_of(session, actor)
        if me is None:
            return say(NOT_IN_PEOPLE_LIST)
        action = await live_action(session, key=key, today=now.date())
        if action is None:
            return say(f"There is no action {escape(key)} in the plan.")
        action_key, action_id = action.key, action.id
        owners = (
            await session.scalars(
                select(Person.id)
                .join(ActionOwner, ActionOwner.email == Person.email)
                .where(ActionOwner.action_id == action_id, Person.active.is_(True))
            )
        ).all()
        for person_id in owners:
            await snooze(session, person_id=person_id, action_id=action_id, until=until, now=now)
        audit.record(
            session,
            at=now,
            actor=f"person:{me.id}",
            event="action.snooze_all",
            entity="action",
            entity_key=action_key,
            detail={"days": days, "owners": len(owners)},
        )
        await session.commit()
    return say(
        f"Snoozed for everyone: none of {action_key}'s {len(owners)} owner(s) will be asked about it "
        f"until {day(until, deps.timezone)}."
    )
