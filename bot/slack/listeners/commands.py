"""Slash commands (/commitments, /nudge, /feedback, …) → `Router.on_command`."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.actors import actor_for
from bot.slack.listeners.guard import answering
from bot.slack.replies import Surface, deliver
from bot.wiring import Core


def register(app: AsyncApp, core: Core) -> None:
    @app.command(re.compile(r"^/"))
    async def on_command(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await handle_command(core, command, client=client, respond=respond)


async def handle_command(
    core: Core, command: dict[str, Any], *, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    surface = Surface(
        client=client,
        user_id=str(command.get("user_id", "")),
        channel=str(command.get("channel_id", "")),
        trigger_id=str(command.get("trigger_id", "")),
        respond=respond,
    )
    async with answering(surface, "command"):
        actor = await actor_for(core.deps, client, surface.user_id)
        name, text = str(command.get("command", "")), str(command.get("text", ""))
        response = await core.router.on_command(core.deps, actor, name, text)
        await deliver(surface, response)
