"""Who is speaking: a Teams user (their Entra object id) → a neutral Actor, asking Teams for the email
only on first sight, and keeping their conversation reference for proactive messages."""

from __future__ import annotations

import logging

import aiohttp
from microsoft_agents.hosting.core import TeamsConnectorClient, TurnContext

from bot.teams import ids, references
from handlers.context import Actor, Deps
from handlers.identity import resolve_actor

log = logging.getLogger(__name__)


def user_key(context: TurnContext) -> str:
    """The stable id we store: the Entra object id, the same in every chat and team (the 29: id is not)."""
    user = context.activity.from_property
    return str(user.aad_object_id or user.id or "") if user else ""


async def actor_for(deps: Deps, context: TurnContext) -> Actor:
    key = user_key(context)
    user = context.activity.from_property
    name = str(user.name or "") if user else ""
    actor = await resolve_actor(deps, ids.PLATFORM, key)
    if not actor.known:
        email = await _email_of(context)
        if not email:
            return Actor(platform=ids.PLATFORM, platform_user_id=key, name=name)
        actor = await resolve_actor(deps, ids.PLATFORM, key, email=email, display_name=name)
    if actor.person_id is not None and references.personal(context):
        await references.store(deps, actor.person_id, references.from_turn(context))
    return actor


async def _email_of(context: TurnContext) -> str:
    """The email from Teams' member look-up (the activity itself carries none); "" when unavailable."""
    activity = context.activity
    client = references.connector(context)
    user = activity.from_property
    if not isinstance(client, TeamsConnectorClient) or not user or not user.id or not activity.conversation:
        return ""
    try:
        member = await client.get_conversation_member(activity.conversation.id, user.id)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        log.warning("teams member look-up failed for %s: %s", user_key(context), type(exc).__name__)
        return ""
    return str(member.email or member.user_principal_name or "")
