"""Modal submissions → `Router.on_form`; field errors keep the modal open, success closes it.

The answer decides the ack (errors or close), so the handler runs before it; one still working when
`ANSWER_WITHIN` runs out gets the modal closed (Slack allows three seconds) and its answer, or its
errors, follow as a message.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.inbound import answer
from bot.slack import ids
from bot.slack.actors import actor_for
from bot.slack.blocks import form_submission, render_form
from bot.slack.replies import Surface, deliver, tell
from bot.wiring import Core
from handlers.context import Actor, Response
from handlers.markup import escape
from handlers.messages import Message, Text

ANSWER_WITHIN = 2.0


def register(app: AsyncApp, core: Core) -> None:
    @app.view(ids.FORM_CALLBACK)
    async def on_submit(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await handle_submission(core, body, view, ack=ack, client=client)


def not_saved(errors: dict[str, str]) -> Message:
    """Errors that came too late to show in the modal, which has closed: said instead."""
    lines = "\n".join(f"- {escape(text)}" for text in errors.values())
    return Message(fallback="Your form was not saved", parts=(Text(f"Your form was not saved:\n{lines}"),))


async def handle_submission(
    core: Core, body: dict[str, Any], view: dict[str, Any], *, ack: AsyncAck, client: AsyncWebClient
) -> None:
    user_id = str((body.get("user") or {}).get("id", ""))
    try:
        submission = form_submission(view)
    except ValueError:
        await ack()
        return
    surface = Surface(
        client=client, user_id=user_id, channel=submission.channel, message_ts=submission.message_ts
    )
    acked = False

    async def close() -> None:
        nonlocal acked
        if not acked:
            acked = True
            await ack()

    async def ask(actor: Actor) -> Response:
        return await core.router.on_form(
            core.deps, actor, submission.form_id, submission.values, submission.state
        )

    async def show(response: Response) -> None:
        nonlocal acked
        if not acked and response.errors:
            acked = True
            await ack(response_action="errors", errors=dict(response.errors))
            return
        if not acked and response.form is not None:
            acked = True
            origin = {"channel": submission.channel, "ts": submission.message_ts}
            await ack(response_action="update", view=render_form(response.form, origin))
        await close()
        message = not_saved(dict(response.errors)) if response.errors else response.message
        await deliver(surface, Response(message=message, replace_original=response.replace_original))

    async def say(message: Message) -> None:
        await close()
        await tell(surface, message)

    work = asyncio.ensure_future(
        answer(
            core,
            platform=ids.PLATFORM,
            what="form",
            user=user_id,
            actor=lambda: actor_for(core.deps, client, user_id),
            ask=ask,
            show=show,
            tell=say,
        )
    )
    done, _ = await asyncio.wait({work}, timeout=ANSWER_WITHIN)
    if work not in done:
        await close()
    await work
