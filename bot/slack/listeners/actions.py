"""Button clicks → `Router.on_action`, with a delivery id that makes a double click one update."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.inbound import answer
from bot.slack import ids
from bot.slack.actors import actor_for
from bot.slack.replies import Surface, deliver, tell
from bot.wiring import Core
from handlers.context import Actor, Origin, Response
from handlers.messenger import MessageRef


def register(app: AsyncApp, core: Core) -> None:
    @app.action(re.compile(r"."))
    async def on_action(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await handle_action(core, body, action, client=client, respond=respond)


async def handle_action(
    core: Core,
    body: dict[str, Any],
    action: dict[str, Any],
    *,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    container = body.get("container") or {}
    user_id = str((body.get("user") or {}).get("id", ""))
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    message_ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")
    surface = Surface(
        client=client,
        user_id=user_id,
        channel=channel,
        message_ts=message_ts,
        ephemeral=bool(container.get("is_ephemeral")),
        trigger_id=str(body.get("trigger_id", "")),
        # Clicks in App Home or a modal carry no response_url, and bolt's `respond` then raises
        # "respond is unsupported here": without one, answers go to the person's DM instead.
        respond=respond if body.get("response_url") or body.get("response_urls") else None,
    )
    slack_id = str(action.get("action_id", ""))
    value = str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")
    origin = Origin(
        message=MessageRef(ids.PLATFORM, channel, message_ts) if message_ts else None,
        # The same button on the same message by the same person is one delivery, however often clicked.
        delivery_id=f"{slack_id}:{message_ts}:{user_id}",
    )

    async def ask(actor: Actor) -> Response:
        return await core.router.on_action(core.deps, actor, ids.neutral_action_id(slack_id), value, origin)

    await answer(
        core,
        platform=ids.PLATFORM,
        what="action",
        user=user_id,
        actor=lambda: actor_for(core.deps, client, user_id),
        ask=ask,
        show=lambda response: deliver(surface, response),
        tell=lambda message: tell(surface, message),
    )
