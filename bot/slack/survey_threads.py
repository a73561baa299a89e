"""A reply typed under a survey invitation: never taken, and the person told, privately, how to answer.

Slack offers "Reply in thread" under every message, a survey invitation included, and a reply there is
an ordinary workspace message with the person's name on it, kept in history and exports. nudgebot
cannot remove it (a bot token cannot delete a person's message), so it takes nothing from it — no
evidence, no delivery id, no log line with its text — and says so in an ephemeral note, which Slack
does not keep in history (https://docs.slack.dev/reference/methods/chat.postEphemeral).

Nothing is stored about which message was an invitation (that would tie a person to a survey): the
thread's first message is read back from Slack (`conversations.replies`, scope `im:history`) and
recognised by its respond button.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.replies import content
from handlers import actions
from handlers.surveys.notices import reply_not_taken

log = logging.getLogger(__name__)


def _has_respond_button(message: dict[str, Any]) -> bool:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if ids.neutral_action_id(str(element.get("action_id", ""))) == actions.SURVEY_RESPOND:
                return True
    return False


async def under_survey(client: AsyncWebClient, channel: str, thread_ts: str) -> bool:
    """Whether the thread's first message is one of our survey invitations or reminders."""
    try:
        found = await client.conversations_replies(channel=channel, ts=thread_ts, limit=1)
    except (SlackApiError, SlackClientError) as exc:
        # Unknown: the reply goes on to the other handlers, which take a reply only under a nudge.
        log.warning("slack: could not read a thread's first message (%s)", type(exc).__name__)
        return False
    messages = found.get("messages") or []
    return bool(messages) and messages[0].get("ts") == thread_ts and _has_respond_button(messages[0])


async def refuse_reply(client: AsyncWebClient, channel: str, user: str, thread_ts: str) -> None:
    """Tell only this person, in an ephemeral note in the thread, that the reply was not taken."""
    await client.chat_postEphemeral(
        channel=channel, user=user, thread_ts=thread_ts, **content(reply_not_taken())
    )
