"""Who is asking: a Slack user id → a neutral Actor, asking Slack for the email only on first sight."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from handlers.context import Actor, Deps
from handlers.identity import resolve_actor

log = logging.getLogger(__name__)


async def actor_for(deps: Deps, client: AsyncWebClient, user_id: str) -> Actor:
    """The stored link answers most requests in a few indexed queries; nothing is cached in memory,
    so a person re-linked or given a new role by another process is seen at once."""
    actor = await resolve_actor(deps, ids.PLATFORM, user_id)
    if actor.known:
        return actor
    email, name = await _email_of(client, user_id)
    if not email:
        return Actor(platform=ids.PLATFORM, platform_user_id=user_id, name=name)
    return await resolve_actor(deps, ids.PLATFORM, user_id, email=email, display_name=name)


async def _email_of(client: AsyncWebClient, user_id: str) -> tuple[str, str]:
    try:
        answer = await client.users_info(user=user_id)
    except SlackApiError as exc:
        log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return "", ""
    user = answer.get("user") or {}
    profile = user.get("profile") or {}
    return str(profile.get("email") or ""), str(user.get("real_name") or user.get("name") or "")
