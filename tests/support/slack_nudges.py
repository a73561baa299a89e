"""A nudge really posted through SlackMessenger into an owner's DM, with the requests the jobs would write."""

from __future__ import annotations

from sqlalchemy import select

from handlers.messenger import MessageRef
from handlers.nudges import DueItem, nudge_message
from storage.models import Action, Person
from tests.support.handlers_support import sent_nudge
from tests.support.slack_fixtures import SlackRig


async def post_nudge(rig: SlackRig, email: str, keys: list[str]) -> MessageRef:
    """The real nudge through SlackMessenger into the owner's DM, and the requests the jobs would write."""
    async with rig.core.deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        assert person is not None
        rows = {a.key: a for a in (await session.scalars(select(Action).where(Action.key.in_(keys)))).all()}
    items = [DueItem(action_key=k, title=rows[k].title, period_label="October 2024") for k in keys]
    assert rig.core.deps.messenger is not None
    posted = await rig.core.deps.messenger.post_channel("D-OWNER", nudge_message(person.name, items))
    return await sent_nudge(rig.core.deps, email, keys, ts=posted.id)
