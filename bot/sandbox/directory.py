"""Who the visitor can act as: active people with their roles and how many actions they own."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.sandbox.pages import PersonChoice
from handlers.context import Actor, Deps
from storage.models import Action, ActionOwner, Person

# Which role makes a person a member of which channel, in the sandbox's stand-in for channel membership.
CHANNEL_ROLES = {"smt": "smt", "reci": "reci"}


async def people_choices(deps: Deps) -> list[PersonChoice]:
    async with deps.sessions() as session:
        people = (
            await session.scalars(
                select(Person)
                .where(Person.active.is_(True))
                .options(selectinload(Person.roles))
                .order_by(Person.name)
            )
        ).all()
        rows = await session.execute(
            select(ActionOwner.email, func.count())
            .join(Action, Action.id == ActionOwner.action_id)
            .where(Action.archived_at.is_(None))
            .group_by(ActionOwner.email)
        )
        owned = {email: int(count) for email, count in rows}
    return [PersonChoice(p.id, p.name, p.team, tuple(p.role_names), owned.get(p.email, 0)) for p in people]


def channels_for(actor: Actor) -> list[str]:
    """The channels (short names) this person is in: the sandbox treats a role as channel membership."""
    return [short for short, role in CHANNEL_ROLES.items() if role in actor.roles]


def channel_names(deps: Deps) -> dict[str, str]:
    """Short name in the sandbox's paths → the configured channel (SMT_CHANNEL, RECI_CHANNEL)."""
    return {"smt": deps.channels.smt, "reci": deps.channels.reci}
