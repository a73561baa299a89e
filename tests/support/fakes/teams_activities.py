"""Activity JSON as Teams sends it to POST /api/messages: messages, card submits, members added."""

from __future__ import annotations

import itertools
from typing import Any

APP_ID = "00000000-0000-0000-0000-000000000b07"
BOT_ID = f"28:{APP_ID}"
TENANT = "11111111-2222-3333-4444-555555555555"

_ids = itertools.count(1)


def _base(service_url: str, user_id: str, aad: str, conversation: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"in-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "timestamp": "2024-10-07T09:30:00.000Z",
        "from": {"id": user_id, "name": "Test User", "aadObjectId": aad},
        "recipient": {"id": BOT_ID, "name": "nudgebot"},
        "conversation": {"id": conversation, "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        **extra,
    }


def message(service_url: str, *, user_id: str, aad: str, conversation: str, text: str) -> dict[str, Any]:
    return _base(service_url, user_id, aad, conversation, type="message", text=text)


def submit(
    service_url: str, *, user_id: str, aad: str, conversation: str, value: dict[str, Any], card_id: str
) -> dict[str, Any]:
    """An Action.Submit click: a message with no text, the card's data as `value`, replying to the card."""
    return _base(service_url, user_id, aad, conversation, type="message", value=value, replyToId=card_id)


def members_added(service_url: str, *, user_id: str, aad: str, conversation: str) -> dict[str, Any]:
    """The app installed in a person's chat: the bot and the person join the personal conversation."""
    return _base(
        service_url,
        user_id,
        aad,
        conversation,
        type="conversationUpdate",
        membersAdded=[{"id": BOT_ID}, {"id": user_id, "aadObjectId": aad}],
    )


def channel_message(service_url: str, *, user_id: str, aad: str, channel: str, text: str) -> dict[str, Any]:
    """A message to the bot in a team channel (Teams keeps the @mention in the text)."""
    activity = _base(service_url, user_id, aad, channel, type="message", text=f"<at>nudgebot</at> {text}")
    activity["conversation"] = {
        "id": channel,
        "conversationType": "channel",
        "isGroup": True,
        "tenantId": TENANT,
    }
    activity["entities"] = [
        {"type": "mention", "text": "<at>nudgebot</at>", "mentioned": {"id": BOT_ID, "name": "nudgebot"}}
    ]
    return activity
