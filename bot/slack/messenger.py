"""The outbound port for Slack: direct messages, channel posts, updates and chart uploads.

Nothing here retries. The jobs engine keeps an outbox, paces sends and retries a failed one later
with `SendError.retry_after`; a retry in here as well would double the wait, and a retry after a
connection error can post twice, because `chat.postMessage` has no idempotency key — Slack may have
accepted the message before the connection broke. So the client is built with no retry handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.slack import ids
from bot.slack.replies import content
from handlers.context import Deps
from handlers.messages import Image, Message
from handlers.messenger import MessageRef, Recipient, SendError
from storage.models import PlatformIdentity

log = logging.getLogger(__name__)
T = TypeVar("T")

# Errors that another try will not fix (https://docs.slack.dev/reference/methods/chat.postMessage#errors).
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "users_not_found",
        "user_not_found",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
        "msg_too_long",
        "invalid_blocks",
        "cannot_dm_bot",
        "user_disabled",
    }
)


def quiet_sdk_logger() -> logging.Logger:
    """The SDKs log request bodies and payloads at DEBUG; DESIGN §5 keeps those out of every log."""
    sdk_log = logging.getLogger("nudgebot.slack_sdk")
    sdk_log.setLevel(logging.INFO)
    return sdk_log


def messenger_client(token: str, api_url: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=api_url, retry_handlers=[], logger=quiet_sdk_logger())


class SlackMessenger:
    """`handlers.messenger.Messenger` for Slack."""

    def __init__(self, client: AsyncWebClient, deps: Deps) -> None:
        self.client = client
        self.deps = deps

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        user_id = await self.slack_user(recipient)
        opened = await _call(lambda: self.client.conversations_open(users=user_id))
        channel = str(opened["channel"]["id"])
        return await self._post(channel, message)

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        return await self._post(channel, message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        await _call(lambda: self.client.chat_update(channel=ref.channel, ts=ref.id, **content(message)))

    async def channel_members(self, channel: str) -> list[str]:
        """A channel's member ids, every page of `conversations.members` (`ChannelDirectory`)."""
        members: list[str] = []
        cursor: str | None = None
        while True:
            page = await _call(
                partial(self.client.conversations_members, channel=channel, cursor=cursor, limit=200)
            )
            members += [str(m) for m in page.get("members") or []]
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "") or None
            if cursor is None:
                return members

    async def _post(self, channel: str, message: Message) -> MessageRef:
        posted = await _call(lambda: self.client.chat_postMessage(channel=channel, **content(message)))
        ref = MessageRef(ids.PLATFORM, str(posted["channel"]), str(posted["ts"]))
        for part in message.parts:
            if isinstance(part, Image):
                await self._upload(ref, part)
        return ref

    async def _upload(self, ref: MessageRef, image: Image) -> None:
        await _call(
            lambda: self.client.files_upload_v2(
                channel=ref.channel,
                thread_ts=ref.id,
                content=image.data,
                filename=image.filename,
                title=image.title or image.alt,
                alt_txt=image.alt,
                request_file_info=False,
            )
        )

    async def slack_user(self, recipient: Recipient) -> str:
        """The person's Slack id: given, stored, or looked up by email (and then stored)."""
        known = recipient.identities.get(ids.PLATFORM)
        if known:
            return known
        async with self.deps.sessions() as session:
            stored = await session.scalar(
                select(PlatformIdentity.external_id).where(
                    PlatformIdentity.person_id == recipient.person_id,
                    PlatformIdentity.platform == ids.PLATFORM,
                )
            )
        if stored:
            return stored
        found = await _call(lambda: self.client.users_lookupByEmail(email=recipient.email))
        user_id = str(found["user"]["id"])
        await self._link(recipient.person_id, user_id)
        return user_id

    async def _link(self, person_id: int, user_id: str) -> None:
        async with self.deps.sessions() as session:
            session.add(
                PlatformIdentity(
                    person_id=person_id,
                    platform=ids.PLATFORM,
                    external_id=user_id,
                    linked_at=self.deps.clock.now(),
                )
            )
            try:
                await session.commit()
            except IntegrityError:
                # Linked meanwhile by an inbound request: the stored link stands.
                await session.rollback()


async def _call(send: Callable[[], Awaitable[T]]) -> T:
    """One Slack call, its failure translated into a `SendError` the outbox understands."""
    try:
        return await send()
    except SlackApiError as exc:
        raise _api_error(exc) from None
    except (TimeoutError, aiohttp.ClientError, SlackClientError) as exc:
        raise SendError(type(exc).__name__, retryable=True) from None


def _api_error(exc: SlackApiError) -> SendError:
    response: Any = exc.response
    status = int(getattr(response, "status_code", 0) or 0)
    error = str(response.get("error", "") if hasattr(response, "get") else "") or f"http_{status}"
    if status == 429 or error == "ratelimited":
        headers = getattr(response, "headers", {}) or {}
        retry_after = headers.get("Retry-After") or headers.get("retry-after")
        return SendError("ratelimited", retryable=True, retry_after=float(retry_after or 1))
    if error in PERMANENT:
        return SendError(error, retryable=False)
    return SendError(
        error, retryable=status >= 500 or error in {"internal_error", "fatal_error", "service_unavailable"}
    )
