"""The Microsoft Teams adapter: Adaptive Cards over the neutral router, on the Microsoft 365 Agents SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platform import Platform, PlatformKind

if TYPE_CHECKING:
    from bot.settings import Settings


def _build(settings: Settings) -> Platform:
    from bot.teams.platform import TeamsPlatform  # the Agents SDK is imported when Teams is configured

    return TeamsPlatform(settings)


KIND = PlatformKind(name="teams", configured=lambda settings: settings.teams_configured, build=_build)
