"""Events: a reply in one of our DM threads → `Router.on_reply`; opening App Home → `Router.on_home`.

Bolt acks events itself. Slack re-sends an event it thinks failed (`X-Slack-Retry-Num`); not every
retry is a duplicate — the first delivery may never have arrived — so the envelope's `event_id` is
the delivery id `bot.inbound.answer` remembers: the first one to arrive wins, across processes.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.inbound import answer
from bot.slack import ids
from bot.slack.actors import actor_for
from bot.slack.blocks import render_home
from bot.slack.replies import Surface, deliver, tell
from bot.slack.survey_threads import refuse_reply, under_survey
from bot.wiring import Core
from handlers.context import Actor, Origin, Response
from handlers.messages import Message
from handlers.messenger import MessageRef


def register(app: AsyncApp, core: Core) -> None:
    @app.event("message")
    async def on_message(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        await handle_message(core, event, str(body.get("event_id", "")), client=client)

    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        await handle_home_opened(core, event, str(body.get("event_id", "")), client=client)


# A reply with a file attached, and one also sent to the channel, are replies all the same; edits,
# deletions and other bots' messages are not (https://docs.slack.dev/reference/events/message).
REPLY_SUBTYPES = frozenset({"", "file_share", "thread_broadcast"})


def is_thread_reply(event: dict[str, Any]) -> bool:
    """A person's reply in a DM thread (not the thread's first message, not a bot or an edit)."""
    thread = event.get("thread_ts")
    return (
        event.get("channel_type") == "im"
        and not event.get("bot_id")
        and str(event.get("subtype") or "") in REPLY_SUBTYPES
        and bool(event.get("user"))
        and bool(thread)
        and thread != event.get("ts")
    )


async def handle_message(core: Core, event: dict[str, Any], event_id: str, *, client: AsyncWebClient) -> None:
    if not is_thread_reply(event):
        return
    channel, thread = str(event.get("channel", "")), str(event["thread_ts"])
    if await under_survey(client, channel, thread):
        # Not anonymous, so not taken: nothing about it is stored, not even its delivery id.
        await refuse_reply(client, channel, str(event["user"]), thread)
        return
    surface = Surface(client=client, user_id=str(event["user"]), channel=channel, message_ts=thread)
    origin = Origin(
        message=MessageRef(ids.PLATFORM, channel, thread), delivery_id=event_id, attachments=file_links(event)
    )

    async def ask(actor: Actor) -> Response | None:
        return await core.router.on_reply(core.deps, actor, str(event.get("text") or ""), origin)

    await answer(
        core,
        platform=ids.PLATFORM,
        what="reply",
        user=surface.user_id,
        actor=lambda: actor_for(core.deps, client, surface.user_id),
        ask=ask,
        show=lambda response: deliver(surface, response),
        tell=lambda message: tell(surface, message),
        delivery_id=event_id,
    )


def file_links(event: dict[str, Any]) -> tuple[str, ...]:
    """The permalinks of the files attached to a message: what a person in the workspace can open."""
    files = event.get("files")
    links = [f.get("permalink") for f in files if isinstance(f, dict)] if isinstance(files, list) else []
    return tuple(link for link in links if isinstance(link, str) and link)


async def handle_home_opened(
    core: Core, event: dict[str, Any], event_id: str, *, client: AsyncWebClient
) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    user_id = str(event["user"])

    async def ask(actor: Actor) -> Message:
        return await core.router.on_home(core.deps, actor)

    async def show(home: Message) -> None:
        await client.views_publish(user_id=user_id, view=render_home(home))

    # Nobody is waiting on a reply here (tell=None); after a failure the tab keeps its last version.
    await answer(
        core,
        platform=ids.PLATFORM,
        what="home tab",
        user=user_id,
        actor=lambda: actor_for(core.deps, client, user_id),
        ask=ask,
        show=show,
        tell=None,
        delivery_id=event_id,
    )
