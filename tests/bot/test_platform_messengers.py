"""With Slack and Teams both configured, each person is reached on the platform they are known on."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.messengers import PlatformMessengers
from handlers.messages import Message, Text
from handlers.messenger import MessageRef, Recipient, SendError

HELLO = Message(fallback="hello", parts=(Text("hello"),))


@dataclass
class PlatformRecorder:
    platform: str
    calls: list[str] = field(default_factory=list)

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        self.calls.append(f"direct:{recipient.name}")
        return MessageRef(self.platform, f"D{recipient.person_id}", str(len(self.calls)))

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        self.calls.append(f"channel:{channel}")
        return MessageRef(self.platform, channel, str(len(self.calls)))

    async def update(self, ref: MessageRef, message: Message) -> None:
        self.calls.append(f"update:{ref.id}")


async def test_people_channels_and_updates_go_to_the_right_platform() -> None:
    slack, teams = PlatformRecorder("slack"), PlatformRecorder("teams")
    both = PlatformMessengers({"slack": slack, "teams": teams}, primary="slack")

    on_teams = Recipient(1, "Tea Mer", "t@example.org", {"teams": "aad-1"})
    on_both = Recipient(2, "Bo Th", "b@example.org", {"teams": "aad-2", "slack": "U2"})
    nowhere = Recipient(3, "New Comer", "n@example.org", {})
    teams_ref = await both.send_direct(on_teams, HELLO)
    await both.send_direct(on_both, HELLO)
    await both.send_direct(nowhere, HELLO)
    await both.post_channel("C-SMT", HELLO)
    await both.update(teams_ref, HELLO)

    assert teams.calls == ["direct:Tea Mer", "update:1"]
    assert slack.calls == ["direct:Bo Th", "direct:New Comer", "channel:C-SMT"]
    with pytest.raises(SendError):
        await both.update(MessageRef("sandbox", "x", "1"), HELLO)
    with pytest.raises(SendError):
        await both.channel_members("C-SMT")


def test_the_primary_platform_must_be_configured() -> None:
    with pytest.raises(ValueError, match="primary platform 'slack'"):
        PlatformMessengers({"teams": PlatformRecorder("teams")}, primary="slack")
