"""The browser sandbox: nudgebot's third adapter, rendering the neutral messages and forms as plain HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platform import Platform, PlatformKind

if TYPE_CHECKING:
    from bot.settings import Settings


def _build(settings: Settings) -> Platform:
    from bot.sandbox.platform import SandboxPlatform  # the sandbox is imported when it serves

    return SandboxPlatform(settings)


# Configured by nothing: it serves when no chat platform is configured, or with --sandbox.
KIND = PlatformKind(name="sandbox", configured=lambda _settings: False, build=_build)
