"""Who may record an update on an action: its owners, and people whose role grants update_any_action."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Actor
from handlers.markup import escape
from storage.identities import person_row
from storage.lookups import owners_named
from storage.models import Person

UPDATE_ANY_ACTION = "update_any_action"
SEE_PLAN_STATUS = "see_plan_status"


async def person_of(session: AsyncSession, actor: Actor) -> Person | None:
    """The active person behind an Actor, or None for someone nudgebot does not know."""
    if actor.person_id is None:
        return None
    person = await person_row(session, person_id=actor.person_id)
    return person if person is not None and person.active else None


def may_update(actor: Actor, person: Person, owner_emails: Sequence[str]) -> bool:
    return person.email in owner_emails or actor.may(UPDATE_ANY_ACTION)


async def who_may_update(session: AsyncSession, *, action_id: int, key: str) -> str:
    """A polite refusal naming the owners who can update this action."""
    names = [escape(name or email) for email, name in await owners_named(session, action_id=action_id)]
    owners = ", ".join(names) if names else "nobody yet"
    return (
        f"Only the owners of {key} ({owners}) and people whose role lets them update any action "
        "(usually the senior management team) can record updates on it. "
        f"If you think you should be an owner, please let one of them know. You can read it with "
        f"/commitments {key}."
    )
