"""Slash commands (/commitments, /nudge, /feedback, …) → `Router.on_command`.

A quick answer rides in the ack itself (one round trip, what Slack shows at once); an answer still
being worked on when `ANSWER_WITHIN` runs out is acked empty and follows through `response_url`,
so the ack always beats Slack's three seconds.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.actors import actor_for
from bot.slack.listeners.guard import SORRY, answering
from bot.slack.replies import Surface, content, deliver
from bot.wiring import Core
from handlers.context import Response

log = logging.getLogger(__name__)

# Seconds to wait for an answer before acking empty; Slack's limit is 3, and the network needs some.
ANSWER_WITHIN = 2.0


def register(app: AsyncApp, core: Core) -> None:
    @app.command(re.compile(r"^/"))
    async def on_command(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await handle_command(core, command, ack=ack, client=client, respond=respond)


async def answer(core: Core, command: dict[str, Any], client: AsyncWebClient) -> Response:
    actor = await actor_for(core.deps, client, str(command.get("user_id", "")))
    name, text = str(command.get("command", "")), str(command.get("text", ""))
    return await core.router.on_command(core.deps, actor, name, text)


async def handle_command(
    core: Core, command: dict[str, Any], *, ack: AsyncAck, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    surface = Surface(
        client=client,
        user_id=str(command.get("user_id", "")),
        channel=str(command.get("channel_id", "")),
        trigger_id=str(command.get("trigger_id", "")),
        respond=respond,
    )
    work = asyncio.ensure_future(answer(core, command, client))
    done, _ = await asyncio.wait({work}, timeout=ANSWER_WITHIN)
    if work in done and work.exception() is not None:
        log.error("slack command failed for user %s", surface.user_id, exc_info=work.exception())
        await ack(**content(SORRY), response_type="ephemeral")
        return
    if work in done:
        response = work.result()
        if response.message is not None and response.form is None and response.replace_original is None:
            await ack(**content(response.message), response_type="ephemeral")
            return
    await ack()
    async with answering(surface, "command"):
        await deliver(surface, await work)
