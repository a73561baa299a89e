"""Shared Teams test rig: a fake Bot Connector + the real aiohttp server + Activity JSON over HTTP.

The core runs on a migrated database with the demo plan and people imported; each demo person is a
Teams user in the fake connector (found by the member look-up, by email). Activities go to the real
POST /api/messages of `bot.server.build_web_app`, with `serviceUrl` pointing at the fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.server import build_web_app
from bot.settings import load_settings
from bot.teams.platform import TeamsPlatform
from bot.wiring import Core, build_core
from handlers.messenger import Messenger
from handlers.router import Router
from storage.clock import Clock
from storage.people_file import load_people_file
from storage.people_import import import_people, known_roles
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from tests.support.fakes import teams_activities as acts
from tests.support.fakes.loopback import serve_on_loopback
from tests.support.fakes.teams_connector import FakeConnector

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "plans" / "race-equality-2024-25.yaml"
PEOPLE = REPO / "people" / "demo-people.csv"


@dataclass(frozen=True)
class TeamsUser:
    user_id: str  # the 29: id Teams uses in one conversation
    aad: str  # the Entra object id nudgebot stores
    conversation: str  # the personal chat with the bot
    email: str


@dataclass
class TeamsRig:
    fake: FakeConnector
    core: Core
    url: str
    http: aiohttp.ClientSession
    runner: web.AppRunner
    platform: TeamsPlatform

    def user(self, email: str, n: int = 1) -> TeamsUser:
        user = TeamsUser(f"29:user-{n}", f"aad-{n}", f"a:personal-{n}", email)
        self.fake.add_member(user.user_id, email=email, name=email.split("@")[0], aad=user.aad)
        return user

    async def post(self, activity: dict[str, Any]) -> int:
        async with self.http.post(f"{self.url}/api/messages", json=activity) as response:
            await response.read()
            return response.status

    async def say(self, user: TeamsUser, text: str) -> int:
        return await self.post(
            acts.message(
                self.fake.service_url,
                user_id=user.user_id,
                aad=user.aad,
                conversation=user.conversation,
                text=text,
            )
        )

    def submit_activity(self, user: TeamsUser, value: dict[str, Any], card_id: str) -> dict[str, Any]:
        return acts.submit(
            self.fake.service_url,
            user_id=user.user_id,
            aad=user.aad,
            conversation=user.conversation,
            value=value,
            card_id=card_id,
        )

    async def install(self, user: TeamsUser) -> int:
        return await self.post(
            acts.members_added(
                self.fake.service_url, user_id=user.user_id, aad=user.aad, conversation=user.conversation
            )
        )

    def messenger(self) -> Messenger:
        """The messenger `nudgebot run` gives the jobs: on the same adapter as the route."""
        return self.platform.messenger(self.core.deps)

    async def close(self) -> None:
        await self.runner.cleanup()
        await self.http.close()
        await self.core.close()
        await self.fake.stop()


def teams_settings(db_url: str, **extra: Any) -> Any:
    return load_settings(
        _env_file=None, database_url=db_url, teams_app_id=acts.APP_ID, environment="development", **extra
    )


async def start_app(core: Core, platform: TeamsPlatform | None = None) -> tuple[web.AppRunner, str]:
    platform = platform or TeamsPlatform(core.settings)
    runner, port = await serve_on_loopback(build_web_app(core, [platform]))
    return runner, f"http://127.0.0.1:{port}"


async def load_demo(core: Core) -> None:
    async with core.deps.sessions() as session:
        await import_plan(session, load_plan_file(PLAN), now=core.deps.clock.now())
        await import_people(
            session,
            load_people_file(
                PEOPLE, known_roles=await known_roles(session), default_timezone="Europe/London"
            ),
            now=core.deps.clock.now(),
        )
        await session.commit()


async def start_rig(
    db_url: str, clock: Clock, router: Router, *, fake: FakeConnector | None = None, load: bool = True
) -> TeamsRig:
    fake = fake or await FakeConnector().start()
    core = build_core(teams_settings(db_url), clock=clock)
    core.router = router
    if load:
        await load_demo(core)
    platform = TeamsPlatform(core.settings)
    runner, url = await start_app(core, platform)
    return TeamsRig(
        fake=fake, core=core, url=url, http=aiohttp.ClientSession(), runner=runner, platform=platform
    )
