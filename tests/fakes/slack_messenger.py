"""A tiny Messenger over slack-sdk's AsyncWebClient, for engine tests and the fan-out bench.

Stand-in until the Slack adapter (`bot/slack/`) is on main: it posts the fallback text only, and maps
HTTP 429 to `SendError(retry_after=Retry-After)`, 5xx and timeouts to retryable errors, as the adapter does.
"""

from __future__ import annotations

import itertools

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from handlers.messages import Message
from handlers.messenger import MessageRef, Recipient, SendError


class MiniSlackMessenger:
    def __init__(self, api_url: str, *, timeout: int = 10) -> None:
        # No retry handlers: 429s come back to the caller, whose pacer and outbox decide.
        self.client = AsyncWebClient(token="xoxb-test", base_url=api_url, timeout=timeout, retry_handlers=[])
        self._ids = itertools.count(1)

    async def _post(self, channel: str, message: Message) -> MessageRef:
        try:
            answer = await self.client.chat_postMessage(channel=channel, text=message.fallback)
        except SlackApiError as exc:
            status = exc.response.status_code
            headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
            if status == 429:
                raw = headers.get("retry-after", "1")
                retry_after = float(raw[0] if isinstance(raw, list) else raw)
                raise SendError("ratelimited", retryable=True, retry_after=retry_after) from None
            error = str(exc.response.get("error", "error"))
            raise SendError(error, retryable=status >= 500) from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise SendError(type(exc).__name__, retryable=True) from None
        return MessageRef("slack", str(answer["channel"]), str(answer["ts"]))

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        user = recipient.identities.get("slack")
        if user is None:
            found = await self.client.users_lookupByEmail(email=recipient.email)
            user = str(found["user"]["id"])
        return await self._post(user, message)

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        return await self._post(channel, message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        await self.client.chat_update(channel=ref.channel, ts=ref.id, text=message.fallback)
