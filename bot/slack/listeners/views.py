"""Modal submissions → `Router.on_form`; field errors keep the modal open, success closes it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.actors import actor_for
from bot.slack.blocks import form_submission, render_form
from bot.slack.listeners.guard import answering
from bot.slack.replies import Surface, deliver
from bot.wiring import Core
from handlers.context import Response


def register(app: AsyncApp, core: Core) -> None:
    @app.view(ids.FORM_CALLBACK)
    async def on_submit(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await handle_submission(core, body, view, ack=ack, client=client)


async def handle_submission(
    core: Core, body: dict[str, Any], view: dict[str, Any], *, ack: AsyncAck, client: AsyncWebClient
) -> None:
    """The answer decides the ack (errors or close), so the handler runs first, well inside 3 seconds."""
    user_id = str((body.get("user") or {}).get("id", ""))
    try:
        submission = form_submission(view)
    except ValueError:
        await ack()
        return
    surface = Surface(
        client=client, user_id=user_id, channel=submission.channel, message_ts=submission.message_ts
    )
    response = Response()
    async with answering(surface, "form"):
        actor = await actor_for(core.deps, client, user_id)
        response = await core.router.on_form(
            core.deps, actor, submission.form_id, submission.values, submission.state
        )
    if response.errors:
        await ack(response_action="errors", errors=dict(response.errors))
        return
    if response.form is not None:
        origin = {"channel": submission.channel, "ts": submission.message_ts}
        await ack(response_action="update", view=render_form(response.form, origin))
    else:
        await ack()
    async with answering(surface, "form"):
        await deliver(surface, Response(message=response.message, replace_original=response.replace_original))
