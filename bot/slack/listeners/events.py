"""Events: a reply in one of our DM threads → `Router.on_reply`; opening App Home → `Router.on_home`.

Bolt acks events itself; duplicates were already dropped by `bot.slack.dedupe`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.actors import actor_for
from bot.slack.blocks import render_home
from bot.slack.listeners.guard import answering
from bot.slack.replies import Surface, deliver
from bot.wiring import Core
from handlers.context import Origin
from handlers.messenger import MessageRef

log = logging.getLogger(__name__)


def register(app: AsyncApp, core: Core) -> None:
    @app.event("message")
    async def on_message(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        await handle_message(core, event, str(body.get("event_id", "")), client=client)

    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        await handle_home_opened(core, event, client=client)


def is_thread_reply(event: dict[str, Any]) -> bool:
    """A person's plain reply in a DM thread (not the thread's first message, not a bot or an edit)."""
    thread = event.get("thread_ts")
    return (
        event.get("channel_type") == "im"
        and not event.get("bot_id")
        and not event.get("subtype")
        and bool(event.get("user"))
        and bool(thread)
        and thread != event.get("ts")
    )


async def handle_message(core: Core, event: dict[str, Any], event_id: str, *, client: AsyncWebClient) -> None:
    if not is_thread_reply(event):
        return
    channel, thread = str(event.get("channel", "")), str(event["thread_ts"])
    surface = Surface(client=client, user_id=str(event["user"]), channel=channel, message_ts=thread)
    async with answering(surface, "reply"):
        actor = await actor_for(core.deps, client, surface.user_id)
        origin = Origin(message=MessageRef(ids.PLATFORM, channel, thread), delivery_id=event_id)
        response = await core.router.on_reply(core.deps, actor, str(event.get("text") or ""), origin)
        if response is not None:
            await deliver(surface, response)


async def handle_home_opened(core: Core, event: dict[str, Any], *, client: AsyncWebClient) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    user_id = str(event["user"])
    try:
        actor = await actor_for(core.deps, client, user_id)
        message = await core.router.on_home(core.deps, actor)
        await client.views_publish(user_id=user_id, view=render_home(message))
    except Exception:
        # Nobody is waiting on a reply here; the tab keeps its last version.
        log.exception("slack home tab failed for user %s", user_id)
