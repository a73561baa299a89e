"""`SandboxMessenger`: the Messenger port for the browser sandbox, keeping conversations in memory.

The sandbox is a demo: its conversations live as long as the process (the page says so). Evidence,
update requests and everything else the handlers and jobs write still go to the real database.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.sandbox import ids
from handlers.messages import Message
from handlers.messenger import MessageRef, Recipient, SendError
from storage.clock import Clock

# The oldest entries of a conversation are dropped past this many; a demo never needs more.
MAX_ENTRIES = 300


@dataclass
class Entry:
    """One message in a conversation: said by nudgebot, or typed by the visitor (`author`)."""

    ref: MessageRef
    message: Message
    at: datetime
    author: str = "nudgebot"
    # Only the person who asked sees it (a command's answer; ephemeral in Slack).
    private_to: int | None = None
    # The id of the message this one replies to in its thread.
    thread_of: str | None = None


@dataclass
class SandboxMessenger:
    """Sends land in per-conversation lists that the sandbox pages read."""

    clock: Clock
    conversations: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(
        self,
        key: str,
        message: Message,
        *,
        author: str = "nudgebot",
        private_to: int | None = None,
        thread_of: str | None = None,
    ) -> MessageRef:
        ref = MessageRef(platform=ids.PLATFORM, channel=key, id=str(next(self._ids)))
        entries = self.conversations[key]
        entries.append(Entry(ref, message, self.clock.now(), author, private_to, thread_of))
        del entries[:-MAX_ENTRIES]
        return ref

    def entries(self, key: str, *, viewer: int | None) -> list[Entry]:
        """What `viewer` sees of a conversation, oldest first."""
        return [e for e in self.conversations.get(key, []) if e.private_to in (None, viewer)]

    def find(self, ref: MessageRef) -> Entry | None:
        return next((e for e in self.conversations.get(ref.channel, []) if e.ref.id == ref.id), None)

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        return self.add(ids.dm_key(recipient.person_id), message)

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        return self.add(ids.channel_key(channel), message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        entry = self.find(ref)
        if entry is None:
            raise SendError("message_not_found", retryable=False)
        entry.message = message
