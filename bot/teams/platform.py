"""Teams as a `Platform`: one `TeamsAuth` and one `CloudAdapter` per process, shared by the
POST /api/messages route and the messenger the jobs send through."""

from __future__ import annotations

from aiohttp import web

from bot.settings import Settings
from bot.teams import ids
from bot.teams.app import mount_teams
from bot.teams.auth import teams_auth
from bot.teams.messenger import TeamsMessenger
from bot.wiring import Core
from handlers.context import Deps
from handlers.messenger import Messenger


class TeamsPlatform:
    name = ids.PLATFORM

    def __init__(self, settings: Settings) -> None:
        self.app_id = settings.teams_app_id or ""
        self.auth = teams_auth(settings)
        self.adapter = self.auth.adapter()

    async def prepare(self, core: Core) -> Core:
        return core

    def messenger(self, deps: Deps) -> Messenger:
        return TeamsMessenger(self.adapter, deps, app_id=self.app_id)

    def mount(self, app: web.Application, core: Core) -> None:
        mount_teams(app, core, self.auth, self.adapter)

    async def start(self, core: Core, url: str) -> None:
        return None

    async def stop(self) -> None:
        return None
