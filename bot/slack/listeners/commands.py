"""Slash commands (/commitments, /nudge, /feedback, …) → `Router.on_command`.

A quick answer rides in the ack itself (one round trip, what Slack shows at once); an answer still
being worked on when `ANSWER_WITHIN` runs out is acked empty and follows through `response_url`,
so the ack always beats Slack's three seconds.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.inbound import answer
from bot.slack import ids
from bot.slack.actors import actor_for
from bot.slack.replies import Surface, content, deliver, tell
from bot.wiring import Core
from handlers.context import Actor, Response
from handlers.messages import Message

# Seconds to wait for an answer before acking empty; Slack's limit is 3, and the network needs some.
ANSWER_WITHIN = 2.0


def register(app: AsyncApp, core: Core) -> None:
    @app.command(re.compile(r"^/"))
    async def on_command(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await handle_command(core, command, ack=ack, client=client, respond=respond)


class _Ack:
    """Slack's ack, used once: for an answer when it comes in time, else empty."""

    def __init__(self, ack: AsyncAck) -> None:
        self._ack = ack
        self.done = False

    async def empty(self) -> None:
        if not self.done:
            self.done = True
            await self._ack()

    async def with_message(self, message: Message) -> bool:
        """Ack with `message`, if not acked yet; False when it has to go another way."""
        if self.done:
            return False
        self.done = True
        await self._ack(**content(message), response_type="ephemeral")
        return True


async def handle_command(
    core: Core, command: dict[str, Any], *, ack: AsyncAck, client: AsyncWebClient, respond: AsyncRespond
) -> None:
    user_id = str(command.get("user_id", ""))
    surface = Surface(
        client=client,
        user_id=user_id,
        channel=str(command.get("channel_id", "")),
        trigger_id=str(command.get("trigger_id", "")),
        respond=respond,
    )
    once = _Ack(ack)
    name, text = str(command.get("command", "")), str(command.get("text", ""))

    async def ask(actor: Actor) -> Response:
        return await core.router.on_command(core.deps, actor, name, text)

    async def show(response: Response) -> None:
        only_a_message = response.form is None and response.replace_original is None
        if response.message is not None and only_a_message and await once.with_message(response.message):
            return
        await once.empty()
        await deliver(surface, response)

    async def say(message: Message) -> None:
        if not await once.with_message(message):
            await tell(surface, message)

    work = asyncio.ensure_future(
        answer(
            core,
            platform=ids.PLATFORM,
            what="command",
            user=user_id,
            actor=lambda: actor_for(core.deps, client, user_id),
            ask=ask,
            show=show,
            tell=say,
        )
    )
    done, _ = await asyncio.wait({work}, timeout=ANSWER_WITHIN)
    if work not in done:
        await once.empty()
    await work
