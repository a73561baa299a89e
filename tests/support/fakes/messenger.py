"""A recording Messenger for engine tests: keeps every message, and can fail after k sends."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.messages import Message
from handlers.messenger import MessageRef, Recipient
from tests.support.handlers_support import text_of


@dataclass
class Sent:
    to: str  # "person:<id>" or "channel:<name>"
    name: str
    message: Message
    ref: MessageRef

    @property
    def text(self) -> str:
        """Everything a reader would see, as plain text (for content assertions)."""
        return f"{self.message.fallback}\n{text_of(self.message)}"


@dataclass
class RecordingMessenger:
    """Implements `handlers.messenger.Messenger`. After `fail_after` sends, every send raises `error`."""

    fail_after: int | None = None
    error: BaseException = field(default_factory=lambda: RuntimeError("messenger is down"))
    sent: list[Sent] = field(default_factory=list)
    attempts: int = 0

    def _check(self) -> None:
        self.attempts += 1
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise self.error

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        self._check()
        ref = MessageRef("test", f"D{recipient.person_id}", f"m{len(self.sent) + 1}")
        self.sent.append(Sent(f"person:{recipient.person_id}", recipient.name, message, ref))
        return ref

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        self._check()
        ref = MessageRef("test", channel, f"m{len(self.sent) + 1}")
        self.sent.append(Sent(f"channel:{channel}", channel, message, ref))
        return ref

    async def update(self, ref: MessageRef, message: Message) -> None:
        return None

    def to(self, name: str) -> list[Sent]:
        return [s for s in self.sent if s.name == name]
