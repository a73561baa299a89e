"""The Slack adapter: slack-bolt's AsyncApp over the neutral router, and a Messenger for outbound sends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platform import Platform, PlatformKind

if TYPE_CHECKING:
    from bot.settings import Settings


def _build(settings: Settings) -> Platform:
    from bot.slack.platform import SlackPlatform  # slack-bolt is imported when Slack is configured

    return SlackPlatform(settings)


KIND = PlatformKind(name="slack", configured=lambda settings: settings.slack_configured, build=_build)
