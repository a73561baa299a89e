"""Conversation references, kept in the database (`platform_identities.conversation_ref`), never only
in memory: a proactive nudge after a restart needs the reference the person's last activity left."""

from __future__ import annotations

from typing import Any, cast

from microsoft_agents.activity import ConversationReference
from microsoft_agents.hosting.core import ConnectorClientBase, TurnContext
from microsoft_agents.hosting.core.app.proactive import Conversation
from sqlalchemy import select

from bot.teams import ids
from handlers.context import Deps
from storage.models import PlatformIdentity


def personal(context: TurnContext) -> bool:
    """True in the person's one-to-one chat with the bot (not a channel or group chat)."""
    conversation = context.activity.conversation
    return bool(conversation and conversation.conversation_type == "personal")


def from_turn(context: TurnContext) -> dict[str, Any]:
    """The reference to this turn's conversation, with the token claims a proactive send needs."""
    conversation = Conversation.from_turn_context(context)
    reference = conversation.conversation_reference
    reference.activity_id = None  # a reference is to the conversation, not to one message in it
    return {
        "claims": conversation.claims,
        "reference": reference.model_dump(mode="json", by_alias=True, exclude_none=True),
    }


def connector(context: TurnContext) -> ConnectorClientBase | None:
    """The Bot Connector client the adapter put in this turn (the SDK keys it by an abstract class)."""
    found = context.services.get(cast(Any, ConnectorClientBase))
    return found if isinstance(found, ConnectorClientBase) else None


def conversation(data: dict[str, Any]) -> Conversation:
    reference = ConversationReference.model_validate(data["reference"])
    return Conversation(claims=dict(data.get("claims") or {}), conversation_reference=reference)


async def store(deps: Deps, person_id: int, data: dict[str, Any]) -> bool:
    """Keep `data` as the person's Teams conversation; True when it changed (most turns change nothing,
    and then nothing is written). Compared here, not in SQL: PostgreSQL's `json` has no equality."""
    async with deps.sessions() as session:
        identity = await session.scalar(
            select(PlatformIdentity).where(
                PlatformIdentity.person_id == person_id, PlatformIdentity.platform == ids.PLATFORM
            )
        )
        if identity is None or identity.conversation_ref == data:
            return False
        identity.conversation_ref = data
        await session.commit()
        return True


async def for_person(deps: Deps, person_id: int) -> dict[str, Any] | None:
    async with deps.sessions() as session:
        return await session.scalar(
            select(PlatformIdentity.conversation_ref).where(
                PlatformIdentity.person_id == person_id,
                PlatformIdentity.platform == ids.PLATFORM,
                PlatformIdentity.conversation_ref.is_not(None),
            )
        )


async def for_conversation(deps: Deps, conversation_id: str, *, app_id: str) -> Conversation | None:
    """A stored person's conversation with this id; else a channel (or other) conversation reached
    through the service URL and claims of the most recently linked reference — every conversation
    of one tenant is served from the same regional Bot Connector."""
    async with deps.sessions() as session:
        rows = (
            await session.scalars(
                select(PlatformIdentity.conversation_ref)
                .where(
                    PlatformIdentity.platform == ids.PLATFORM, PlatformIdentity.conversation_ref.is_not(None)
                )
                .order_by(PlatformIdentity.linked_at.desc())
            )
        ).all()
    refs = [r for r in rows if r]
    for data in refs:
        if (data.get("reference") or {}).get("conversation", {}).get("id") == conversation_id:
            return conversation(data)
    if not refs:
        return None
    latest = conversation(refs[0])
    bot = {"id": f"{ids.BOT_ID_PREFIX}{app_id}"}
    reference = ConversationReference.model_validate(
        {
            "conversation": {"id": conversation_id, "isGroup": True},
            "channelId": ids.CHANNEL_ID,
            "serviceUrl": latest.conversation_reference.service_url,
            "bot": bot,
            # The SDK's continuation turn expects a user; in a channel post the bot stands in.
            "user": bot,
        }
    )
    return Conversation(claims=latest.claims, conversation_reference=reference)


async def forget(deps: Deps, aad_object_id: str) -> bool:
    """The person removed the app: their conversation can no longer be written to, so it is
    forgotten (jobs then list them as not reachable on Teams, instead of failing every send)."""
    if not aad_object_id:
        return False
    async with deps.sessions() as session:
        identity = await session.scalar(
            select(PlatformIdentity).where(
                PlatformIdentity.platform == ids.PLATFORM, PlatformIdentity.external_id == aad_object_id
            )
        )
        if identity is None or identity.conversation_ref is None:
            return False
        identity.conversation_ref = None
        await session.commit()
        return True
