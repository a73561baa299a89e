"""Reassigning an action in chat: after an owner answers *Not mine*, an SMT member picks the new owner.

*Not mine* takes the owner off the action at once (they are not nudged about it again) and asks the SMT
channel, with a button, to choose the right owner. The button opens a picker of the people nudgebot
knows; saving it adds the new owner, who is nudged from the next tick. Both steps write audit entries,
and `nudgebot plan export` writes the new owners back into the plan file people review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import escape, truncate
from handlers.messages import Choice, Form, Option
from handlers.permissions import UPDATE_ANY_ACTION, person_of
from handlers.wording import NOT_IN_PEOPLE_LIST, message, say
from storage import audit
from storage.lookups import live_action
from storage.models import ActionOwner, Person

if TYPE_CHECKING:
    from handlers.router import Router

# A picker (a Slack static select) holds at most 100 options.
MAX_PEOPLE = 100
REASSIGN_EVENT = "action.reassign"


def register(router: Router) -> None:
    router.action("plan", on_button)
    router.form(actions.FORM_REASSIGN, on_reassign_form)


async def disown(session: AsyncSession, *, action_id: int, email: str) -> None:
    """Take `email` off the action's owners: they are not nudged about it again (caller commits)."""
    await session.execute(
        delete(ActionOwner).where(ActionOwner.action_id == action_id, ActionOwner.email == email)
    )


async def on_button(deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
    """`plan.reassign` (value: an action key) opens the owner picker, for people who may reassign."""
    if action != actions.PLAN_REASSIGN:
        return say("That button no longer does anything. Try the command again.")
    if not actor.may(UPDATE_ANY_ACTION):
        return say("Only the senior management team can choose a new owner for an action.")
    async with deps.sessions() as session:
        found = await live_action(session, key=value, today=deps.clock.now().date())
        if found is None:
            return say(f"There is no action {escape(value)} in the plan any more.")
        people = (
            await session.scalars(
                select(Person).where(Person.active.is_(True)).order_by(Person.name).limit(MAX_PEOPLE)
            )
        ).all()
        options = tuple(
            Option(p.email, truncate(f"{p.name} ({p.team})" if p.team else p.name, 75)) for p in people
        )
        form = Form(
            form_id=actions.FORM_REASSIGN,
            title=f"New owner for {found.key}"[:24],
            intro=f"{truncate(found.title, 300)}\nThe person you choose is asked for updates from now on.",
            inputs=(Choice("owner", "Who owns it now?", options),),
            submit_label="Reassign",
            state=found.key,
        )
    return Response(form=form)


async def on_reassign_form(deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
    """Add the chosen person as an owner of the action in `state`, with an audit entry."""
    if not actor.may(UPDATE_ANY_ACTION):
        return Response(close_form=True, message=message("Only the senior management team can reassign."))
    now = deps.clock.now()
    email = values.get("owner", "").strip().lower()
    async with deps.sessions() as session:
        me = await person_of(session, actor)
        if me is None:
            return Response(close_form=True, message=message(NOT_IN_PEOPLE_LIST))
        found = await live_action(session, key=state, today=now.date())
        chosen = await session.scalar(select(Person).where(Person.email == email, Person.active.is_(True)))
        if found is None:
            return Response(close_form=True, message=message(f"There is no action {escape(state)} any more."))
        if chosen is None:
            return Response(errors={"owner": "Choose someone from the list."})
        owners = set(
            (await session.scalars(select(ActionOwner.email).where(ActionOwner.action_id == found.id))).all()
        )
        key, name = found.key, chosen.name
        if email not in owners:
            position = await session.scalar(
                select(func.coalesce(func.max(ActionOwner.position), -1)).where(
                    ActionOwner.action_id == found.id
                )
            )
            session.add(ActionOwner(action_id=found.id, email=email, position=int(position or 0) + 1))
            found.updated_at = now
            audit.record(
                session,
                at=now,
                actor=f"person:{me.id}",
                event=REASSIGN_EVENT,
                entity="action",
                entity_key=key,
                detail={"to": email},
            )
            await session.commit()
    return Response(
        close_form=True,
        message=message(
            f"{key} now belongs to {escape(name)}, who will be asked for updates from the next nudge. "
            "Run `nudgebot plan export` to write the change into the plan file.",
            heading=f"{key} reassigned",
        ),
    )
