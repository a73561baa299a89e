"""The one outbound port: what jobs and handlers call to say something; each adapter implements it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from handlers.messages import Message


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message landed, so it can be updated or its thread replies recognised."""

    platform: str
    channel: str
    id: str

    def as_dict(self) -> dict[str, str]:
        return {"platform": self.platform, "channel": self.channel, "id": self.id}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> MessageRef:
        return cls(platform=data["platform"], channel=data["channel"], id=data["id"])


@dataclass(frozen=True)
class Recipient:
    """A person to message directly: the adapter picks the identity it needs (or looks one up by email)."""

    person_id: int
    name: str
    email: str
    identities: dict[str, str] = field(default_factory=dict)


class SendError(Exception):
    """A send that failed. `retryable` sends are tried again later; `retry_after` is the platform's wish."""

    def __init__(self, reason: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


class Messenger(Protocol):
    """Send a direct message to a person, post to a channel, or update a message already sent.

    Image parts are uploaded (Slack, Teams) or inlined (sandbox) by the adapter. Failures raise
    `SendError`; nothing here retries on its own, so the caller's outbox decides.
    """

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef: ...

    async def post_channel(self, channel: str, message: Message) -> MessageRef: ...

    async def update(self, ref: MessageRef, message: Message) -> None: ...


@runtime_checkable
class ChannelDirectory(Protocol):
    """Optional, beside `Messenger`: an adapter that can list who is in a channel implements this too.

    Returns the members' platform user ids (Slack: `conversations.members`, every page). Surveys use it
    for the "members of a channel" audience; without it that audience is refused with a clear message.
    Raises `SendError` when the channel cannot be read.
    """

    async def channel_members(self, channel: str) -> list[str]: ...
