"""Slack and Teams at once: one Messenger that reaches each person on the platform they are known on.

Jobs get a single `Messenger`. With both platforms configured, a direct message goes to the platform
where the person has an identity (the primary first when they have both: PRIMARY_PLATFORM, Slack by
default), channels are posted on the primary platform (SMT_CHANNEL and RECI_CHANNEL name one channel
each), and an update goes back to the platform the message was sent on.
"""

from __future__ import annotations

from collections.abc import Mapping

from handlers.messages import Message
from handlers.messenger import ChannelDirectory, MessageRef, Messenger, Recipient, SendError


class PlatformMessengers:
    """Implements `Messenger` (and `ChannelDirectory` when the primary platform can list members)."""

    def __init__(self, by_platform: Mapping[str, Messenger], *, primary: str) -> None:
        if primary not in by_platform:
            raise ValueError(f"primary platform {primary!r} has no messenger")
        self.by_platform = dict(by_platform)
        self.primary = primary
        # Preference when a person is known on several platforms: the primary first, then the rest.
        self.order = [primary, *(p for p in by_platform if p != primary)]

    def for_person(self, recipient: Recipient) -> Messenger:
        for platform in self.order:
            if recipient.identities.get(platform):
                return self.by_platform[platform]
        # Known nowhere yet: the primary platform can still find people by email (Slack can).
        return self.by_platform[self.primary]

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        return await self.for_person(recipient).send_direct(recipient, message)

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        return await self.by_platform[self.primary].post_channel(channel, message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        messenger = self.by_platform.get(ref.platform)
        if messenger is None:
            raise SendError(f"no messenger for platform {ref.platform}", retryable=False)
        await messenger.update(ref, message)

    async def channel_members(self, channel: str) -> list[str]:
        directory = self.by_platform[self.primary]
        if not isinstance(directory, ChannelDirectory):
            raise SendError("this platform cannot list a channel's members", retryable=False)
        return await directory.channel_members(channel)
