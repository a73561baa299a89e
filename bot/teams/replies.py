"""A neutral Response → the Teams activities that show it, in the conversation the person is in."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment
from microsoft_agents.hosting.core import TurnContext

from bot.teams import forms, ids
from bot.teams.cards import Card, card, escape, fallback_text, render_message, text_block
from bot.teams.references import personal
from handlers.context import Response
from handlers.messages import Form, Message, Text

# The characters of the message ids Teams hands out (digits, "1:…", "f:…"), nothing a URL path would mangle.
ACTIVITY_ID = re.compile(r"[A-Za-z0-9:_.@|=-]{1,200}")


def card_activity(content: Card, summary: str, *, activity_id: str | None = None) -> Activity:
    """A message carrying one card; `summary` is what notifications and screen readers show."""
    content = {**content, "fallbackText": summary}
    activity = Activity(
        type=ActivityTypes.message,
        summary=summary,
        attachments=[Attachment(content_type=ids.CARD_CONTENT_TYPE, content=content)],
    )
    if activity_id:
        activity.id = activity_id
    return activity


def message_activity(message: Message, *, activity_id: str | None = None) -> Activity:
    return card_activity(render_message(message), fallback_text(message), activity_id=activity_id)


def form_activity(form: Form, *, activity_id: str | None = None) -> Activity:
    return card_activity(forms.render_form(form), form.title or "Form", activity_id=activity_id)


def _sent_card(title: str) -> Card:
    block = text_block(f"✓ {escape(title)} — sent. Thank you.", weight="Bolder")
    return card([block] if block else [])


Send = Callable[[Activity], Awaitable[object]]

IN_PRIVATE = "I've answered you in our personal chat."
NO_PRIVATE = (
    "I answer that only in a personal chat, so nobody else sees it. Open nudgebot from Apps in Teams, "
    "say hello, and ask me again there."
)


async def deliver(
    context: TurnContext,
    response: Response,
    submission: forms.Submission | None = None,
    *,
    private: Send | None = None,
) -> None:
    """Show a Response. `reply_to_id` on a card's submit is the card's own message: forms and
    `replace_original` change that card in place.

    A message or a new form is for the asker only (DESIGN §3). Teams has no ephemeral messages, so
    when the asker is in a channel or group chat they go to the asker's personal chat (`private`),
    and the channel gets a one-line pointer.
    """
    card_id: str | None = context.activity.reply_to_id
    if card_id and not ACTIVITY_ID.fullmatch(card_id):
        # Not an id Teams gives its messages (a garbled or forged replyToId): answer with a new message
        # rather than ask the Bot Connector to change a path it cannot route.
        card_id = None
    send = context.send_activity if personal(context) else private
    form = _form_to_show(response, submission)
    said_privately = False
    if form is not None:
        if submission is not None and card_id:
            await context.update_activity(form_activity(form, activity_id=card_id))
        elif send is not None:
            await send(form_activity(form))
            said_privately = True
    elif response.close_form and submission is not None and card_id:
        title = str((submission.definition or {}).get("title", "")) or "Form"
        await context.update_activity(card_activity(_sent_card(title), title, activity_id=card_id))
    if response.replace_original is not None and card_id and submission is None:
        await context.update_activity(message_activity(response.replace_original, activity_id=card_id))
    if response.message is not None and send is not None:
        await send(message_activity(response.message))
        said_privately = True
    wanted = response.message is not None or (form is not None and not (submission and card_id))
    if not personal(context) and wanted:
        pointer = IN_PRIVATE if said_privately else NO_PRIVATE
        await context.send_activity(message_activity(Message(fallback=pointer, parts=(Text(pointer),))))


def _form_to_show(response: Response, submission: forms.Submission | None) -> Form | None:
    """A new form, or the submitted one again with its errors and the values the person typed."""
    errors: dict[str, Any] = dict(response.errors)
    if response.form is not None:
        return replace(response.form, errors={**response.form.errors, **errors}) if errors else response.form
    if errors and submission is not None and submission.definition is not None:
        return forms.from_definition(
            submission.definition,
            form_id=submission.form_id,
            state=submission.state,
            values=submission.values,
            errors=errors,
        )
    return None
