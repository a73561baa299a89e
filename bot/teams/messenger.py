"""The outbound port for Teams: proactive messages to a person, channel posts and updates.

A person is reached through the conversation reference stored when they last spoke to the bot or
installed it (`bot.teams.references`). Nothing here retries: the jobs engine's outbox does, with the
status codes Microsoft asks bots to retry (429, 412, 502, 504) marked retryable. The Bot Connector has
no idempotency key either, so a retry after a broken connection may post twice; that is the outbox's
call, as on Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
from microsoft_agents.activity import Activity, ResourceResponse
from microsoft_agents.hosting.core import ChannelServiceAdapter, TurnContext
from microsoft_agents.hosting.core.app.proactive import Conversation

from bot.teams import ids, references
from bot.teams.replies import message_activity
from handlers.context import Deps
from handlers.messages import Message
from handlers.messenger import MessageRef, Recipient, SendError

log = logging.getLogger(__name__)
T = TypeVar("T")


class TeamsMessenger:
    """`handlers.messenger.Messenger` for Teams."""

    def __init__(self, adapter: ChannelServiceAdapter, deps: Deps, *, app_id: str) -> None:
        self.adapter = adapter
        self.deps = deps
        self.app_id = app_id

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        data = await references.for_person(self.deps, recipient.person_id)
        if data is None:
            # Teams lets a bot message only people who have the app installed and have spoken to it
            # (or whom Graph installed it for); another try will not change that.
            raise SendError("no_conversation_reference", retryable=False)
        return await self._send(references.conversation(data), message)

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        return await self._send(await self._conversation(channel), message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        conversation = await self._conversation(ref.channel)
        activity = message_activity(message, activity_id=ref.id)
        await self._in_conversation(conversation, lambda context: context.update_activity(activity))

    async def _conversation(self, conversation_id: str) -> Conversation:
        found = await references.for_conversation(self.deps, conversation_id, app_id=self.app_id)
        if found is None:
            raise SendError("no_conversation_reference", retryable=False)
        return found

    async def _send(self, conversation: Conversation, message: Message) -> MessageRef:
        return await self.send_activity(conversation, message_activity(message))

    async def send_activity(self, conversation: Conversation, activity: Activity) -> MessageRef:
        """A new message in the conversation. Not `context.send_activity`: in a continuation turn that
        addresses the message as a reply to the continuation event's made-up id."""
        reference = conversation.conversation_reference
        outgoing = activity.apply_conversation_reference(reference)

        async def post(context: TurnContext) -> ResourceResponse:
            client = references.connector(context)
            if client is None:
                raise RuntimeError("no connector client in the continuation turn")
            return await client.conversations.send_to_conversation(reference.conversation.id, outgoing)

        sent = await self._in_conversation(conversation, post)
        return MessageRef(ids.PLATFORM, reference.conversation.id, str(sent.id or ""))

    async def _in_conversation(
        self, conversation: Conversation, call: Callable[[TurnContext], Awaitable[T]]
    ) -> T:
        """Run one Bot Connector call in a continuation turn; its failure becomes a `SendError`."""
        outcome: list[T] = []
        failure: list[BaseException] = []

        async def callback(context: TurnContext) -> None:
            # Caught here, not in the adapter's pipeline, whose error handler would message the person.
            try:
                outcome.append(await call(context))
            except Exception as exc:
                failure.append(exc)

        claims = Conversation.identity_from_claims(conversation.claims)
        continuation = conversation.conversation_reference.get_continuation_activity()
        try:
            await self.adapter.continue_conversation_with_claims(claims, continuation, callback)
        except Exception as exc:
            failure.append(exc)
        if failure:
            raise _send_error(failure[0]) from None
        return outcome[0]


def _send_error(exc: BaseException) -> SendError:
    if isinstance(exc, aiohttp.ClientResponseError):
        retry_after = None
        if exc.headers is not None and exc.headers.get("Retry-After"):
            try:
                retry_after = float(exc.headers["Retry-After"])
            except ValueError:
                retry_after = None
        reason = f"http_{exc.status}"
        return SendError(reason, retryable=exc.status in ids.RETRYABLE_STATUS, retry_after=retry_after)
    if isinstance(exc, aiohttp.ClientError | TimeoutError):
        return SendError(type(exc).__name__, retryable=True)
    log.error("teams send failed: %s", type(exc).__name__)
    return SendError(type(exc).__name__, retryable=False)
