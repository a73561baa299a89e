"""A neutral Response → the Slack calls that show it, wherever the interaction came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import fallback_text, render_blocks, render_form
from handlers.context import Response
from handlers.messages import Message


@dataclass(frozen=True)
class Surface:
    """Where the user is: the clicked message (if any), its channel, and the handles to answer there."""

    client: AsyncWebClient
    user_id: str
    channel: str = ""
    message_ts: str = ""  # the message a button was on, or the thread a reply was in
    ephemeral: bool = False  # buttons on ephemeral messages can be answered only through `respond`
    trigger_id: str = ""
    respond: AsyncRespond | None = None

    @property
    def in_dm(self) -> bool:
        return self.channel.startswith("D")


def content(message: Message, **extra: Any) -> dict[str, Any]:
    return {"text": fallback_text(message), "blocks": render_blocks(message), **extra}


async def deliver(surface: Surface, response: Response) -> None:
    """Open forms first: a `trigger_id` is good for three seconds only."""
    if response.form is not None and surface.trigger_id:
        origin = {"channel": surface.channel, "ts": surface.message_ts} if surface.message_ts else None
        await surface.client.views_open(
            trigger_id=surface.trigger_id, view=render_form(response.form, origin)
        )
    if response.replace_original is not None:
        await replace(surface, response.replace_original)
    if response.message is not None:
        await tell(surface, response.message)


async def replace(surface: Surface, message: Message) -> None:
    if surface.ephemeral or not surface.message_ts:
        if surface.respond is not None:
            await surface.respond(**content(message), replace_original=True)
        return
    await surface.client.chat_update(channel=surface.channel, ts=surface.message_ts, **content(message))


async def tell(surface: Surface, message: Message) -> None:
    """Show a message to the asker only: in their DM's thread, or ephemerally where they are."""
    if surface.in_dm:
        await surface.client.chat_postMessage(
            channel=surface.channel, **content(message, thread_ts=surface.message_ts or None)
        )
    elif surface.respond is not None:
        await surface.respond(**content(message), response_type="ephemeral", replace_original=False)
    elif surface.channel:
        await surface.client.chat_postEphemeral(
            channel=surface.channel, user=surface.user_id, **content(message)
        )
    else:
        channel = (await surface.client.conversations_open(users=surface.user_id))["channel"]["id"]
        await surface.client.chat_postMessage(channel=channel, **content(message))
