"""What a chat surface is to the rest of the bot: one `Platform` object per surface (Slack, Teams, the
sandbox), which the runner and the server loop over without naming any of them.

A platform's life in `nudgebot run`: built from the settings (which also checks them, before anything
touches the database) → `prepare` on the migrated core → `messenger` for the jobs → `mount` its routes
on the one aiohttp app → `start` once the server listens → `stop` at shutdown. The list of platforms
is `bot.platforms.PLATFORMS`; each entry is a `PlatformKind`, light to import, so that a platform's SDK
is imported only when the settings configure it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # Types only: each platform's package imports this module to declare its entry in the list, and
    # that must stay as light as the package's own docstring.
    from aiohttp import web

    from bot.settings import Settings
    from bot.wiring import Core
    from handlers.context import Deps
    from handlers.messenger import Messenger


class Platform(Protocol):
    """One chat surface, put together once per process."""

    @property
    def name(self) -> str:
        """The platform's id in `MessageRef.platform` and in people's identities ("slack", "teams")."""
        ...

    async def prepare(self, core: Core) -> Core:
        """Get ready to serve on `core`, whose database is migrated; answer the core the bot runs on
        (the chat platforms answer it unchanged; the sandbox answers one on its demo clock)."""
        ...

    def messenger(self, deps: Deps) -> Messenger:
        """How jobs reach people and channels on this platform."""
        ...

    def mount(self, app: web.Application, core: Core) -> None:
        """Add this platform's routes (if it has any) to the one aiohttp app."""
        ...

    async def start(self, core: Core, url: str) -> None:
        """The server listens at `url`: connect whatever is not HTTP (Slack's Socket Mode), say hello."""
        ...

    async def stop(self) -> None:
        """Disconnect what `start` connected; the core is closed by whoever built it."""
        ...


@dataclass(frozen=True)
class PlatformKind:
    """An entry in the platform list: whether the settings configure the platform, and how to build
    it. `build` raises `SettingsError` for settings the platform cannot run with."""

    name: str
    configured: Callable[[Settings], bool]
    build: Callable[[Settings], Platform]
