"""The one way an update is recorded — from a button, the update form or a thread reply — exactly once.

Every path checks the same permission (owners, or a role granting update_any_action), writes the
evidence row first (its `source_ref` is the delivery's id, unique, so a redelivery or a double click
writes nothing more), then the action's status, the answered update requests and an audit entry, all
in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Actor, Deps
from handlers.messenger import MessageRef, SendError
from handlers.nudge_view import rebuild_nudge
from handlers.permissions import may_update, person_of, who_may_update
from handlers.wording import NOT_IN_PEOPLE_LIST, day
from storage import audit
from storage.evidence import (
    add_evidence,
    claim_delivery,
    mark_answered,
    open_requests_for_action,
    set_status,
    snooze,
)
from storage.lookups import live_action, owner_emails
from storage.measure_recording import action_measures, measure_of_subject, record_figures
from storage.models import Action, Person, Plan, PlanState, Status

log = logging.getLogger(__name__)

MAX_SNOOZE_DAYS = 90


@dataclass(frozen=True)
class Recorded:
    """What was recorded; `duplicate` when this delivery had been recorded before and nothing changed."""

    action_key: str
    status: Status | None
    duplicate: bool = False
    # Where the answered nudges landed, so they can be refreshed to show the answer.
    message_refs: tuple[dict[str, str], ...] = field(default=())


async def prepare(
    session: AsyncSession, actor: Actor, key: str, *, today: date
) -> tuple[Person, Action] | str:
    """The person and the action, or the polite reason this actor may not update it."""
    person = await person_of(session, actor)
    if person is None:
        return NOT_IN_PEOPLE_LIST
    action = await live_action(session, key=key, today=today)
    if action is None:
        return f"There is no action {key} in the current plan. Type /commitments to browse the plan."
    plan = await session.get(Plan, action.plan_id)
    if plan is not None and plan.state(today) is PlanState.CLOSED:
        # A closed plan is the record of what was done: browsable, never changed.
        return f"{plan.name} closed on {plan.ends.day} {plan.ends:%B %Y}, so {key} can no longer be updated."
    if not may_update(actor, person, await owner_emails(session, action_id=action.id)):
        return await who_may_update(session, action_id=action.id, key=action.key)
    return person, action


async def record_update(
    deps: Deps,
    actor: Actor,
    *,
    key: str,
    status: Status | None,
    narrative: str = "",
    links: Sequence[str] = (),
    source_ref: str | None = None,
    message_ref: dict[str, str] | None = None,
    figures: Mapping[int, float] | None = None,
    about: str | None = None,
) -> Recorded | str:
    """Record an update on `key` by `actor`; a string is a refusal to show them instead.

    The evidence is linked to the update request carried by `message_ref` when there is one (the
    nudge that was answered), else to this person's oldest open request. Every open request about the
    action is marked answered, co-owners' included: one update answers them all, as the nudge engine
    also counts it (`jobs.due`), so nobody is reminded about an update a colleague already gave.
    A request about one of the action's measures is answered only by a figure for that measure
    (`figures`, by measure id) or by evidence about it (`about`, an evidence measure's key).
    """
    now = deps.clock.now()
    async with deps.sessions() as session:
        prepared = await prepare(session, actor, key, today=now.date())
        if isinstance(prepared, str):
            return prepared
        person, action = prepared
        action_key = action.key
        measures = await action_measures(session, action.id)
        about_id = next((m.id for m in measures if about and m.key == about), None)
        answers = set(figures or {}) | ({about_id} if about_id else set())
        requests = [
            r
            for r in await open_requests_for_action(session, action_id=action.id)
            if measure_of_subject(r.subject) in ({None} | answers)
        ]
        mine = [r for r in requests if r.person_id == person.id]
        answered = [r for r in mine if message_ref and r.message_ref == message_ref] or mine
        evidence = await add_evidence(
            session,
            action_id=action.id,
            author_id=person.id,
            author_name=person.name,
            status=status,
            narrative=narrative,
            links=links,
            channel=actor.platform,
            source_ref=source_ref,
            update_request_id=answered[0].id if answered else None,
            now=now,
            measure_id=about_id,
        )
        if evidence is None:
            return Recorded(action_key, status, duplicate=True)
        changed = set_status(action, status, now=now) if status else False
        given = await record_figures(
            session,
            action,
            [m for m in measures if m.id in (figures or {})],
            figures or {},
            evidence=evidence,
            confidence=status.value if status else None,
            actor=f"person:{person.id}",
            now=now,
            timezone=deps.timezone,
        )
        await mark_answered(session, request_ids=[r.id for r in requests], now=now)
        audit.record(
            session,
            at=now,
            actor=f"person:{person.id}",
            event="evidence.record",
            entity="action",
            entity_key=action_key,
            detail={
                "evidence_id": evidence.id,
                "status": status.value if status else None,
                "status_changed": changed,
                "channel": actor.platform,
                "links": len(links),
                "answered_requests": len(requests),
                "figures": given,
            },
        )
        refs = tuple(r.message_ref for r in requests if r.message_ref)
        await session.commit()
    return Recorded(action_key, status, message_refs=refs)


async def snooze_action(
    deps: Deps, actor: Actor, *, key: str, days: int, delivery_id: str = ""
) -> tuple[bool, str]:
    """Pause this person's nudges about `key` for `days` days: (done, what to tell them)."""
    if not 1 <= days <= MAX_SNOOZE_DAYS:
        return (
            False,
            f"Please choose between 1 and {MAX_SNOOZE_DAYS} days, for example /nudge snooze {key} 7d.",
        )
    now = deps.clock.now()
    until = now + timedelta(days=days)
    async with deps.sessions() as session:
        prepared = await prepare(session, actor, key, today=now.date())
        if isinstance(prepared, str):
            return False, prepared
        person, action = prepared
        action_key, action_id, person_id = action.key, action.id, person.id
        if await claim_delivery(session, platform=actor.platform, delivery_id=delivery_id, now=now):
            await snooze(session, person_id=person_id, action_id=action_id, until=until, now=now)
            audit.record(
                session,
                at=now,
                actor=f"person:{person_id}",
                event="action.snooze",
                entity="action",
                entity_key=action_key,
                detail={"days": days},
            )
            await session.commit()
    return True, f"Snoozed: I won't ask you about {action_key} again until {day(until, deps.timezone)}."


async def refresh_nudges(
    deps: Deps, refs: Sequence[dict[str, str]], *, skip: dict[str, str] | None = None
) -> None:
    """Re-render nudge messages already sent so their items show what was recorded (best effort)."""
    if deps.messenger is None:
        return
    for ref in {tuple(sorted(r.items())): r for r in refs if r != skip}.values():
        async with deps.sessions() as session:
            message = await rebuild_nudge(session, deps, ref)
        if message is None:
            continue
        try:
            await deps.messenger.update(MessageRef.from_dict(ref), message)
        except SendError as exc:
            # The record is safe; only the old message stays as it was.
            log.warning("could not refresh a nudge message: %s", exc.reason)
