"""Modal submissions → `Router.on_form`; field errors keep the modal open, success closes it.

The answer decides the ack (errors or close), so the handler runs before it; one still working when
`ANSWER_WITHIN` runs out gets the modal closed (Slack allows three seconds) and its answer, or its
errors, follow as a message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.actors import actor_for
from bot.slack.blocks import Submission, form_submission, render_form
from bot.slack.listeners.guard import SORRY, answering
from bot.slack.replies import Surface, deliver
from bot.wiring import Core
from handlers.context import Response
from handlers.markup import escape
from handlers.messages import Message, Text

log = logging.getLogger(__name__)

ANSWER_WITHIN = 2.0


def register(app: AsyncApp, core: Core) -> None:
    @app.view(ids.FORM_CALLBACK)
    async def on_submit(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await handle_submission(core, body, view, ack=ack, client=client)


async def answer(core: Core, submission: Submission, user_id: str, client: AsyncWebClient) -> Response:
    actor = await actor_for(core.deps, client, user_id)
    return await core.router.on_form(
        core.deps, actor, submission.form_id, submission.values, submission.state
    )


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
    work = asyncio.ensure_future(answer(core, submission, user_id, client))
    done, _ = await asyncio.wait({work}, timeout=ANSWER_WITHIN)
    failed = work in done and work.exception() is not None
    quick = work.result() if work in done and not failed else None
    if quick is not None and quick.errors:
        await ack(response_action="errors", errors=dict(quick.errors))
        return
    if quick is not None and quick.form is not None:
        origin = {"channel": submission.channel, "ts": submission.message_ts}
        await ack(response_action="update", view=render_form(quick.form, origin))
    else:
        await ack()
    if failed:
        log.error("slack form failed for user %s", user_id, exc_info=work.exception())
        work = asyncio.ensure_future(_sorry())
    async with answering(surface, "form"):
        response = await work
        if response.errors:
            # Too late to show them in the modal, which has closed: say them instead.
            lines = "\n".join(f"- {escape(text)}" for text in response.errors.values())
            said = f"Your form was not saved:\n{lines}"
            response = Response(message=Message(fallback="Your form was not saved", parts=(Text(said),)))
        await deliver(surface, Response(message=response.message, replace_original=response.replace_original))


async def _sorry() -> Response:
    return Response(message=SORRY)
