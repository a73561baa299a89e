"""The sandbox as a `Platform`: its pages under `/` on the one server, its in-memory messenger, and
the demo's clock for the whole bot. It serves instead of the chat platforms, never beside them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from bot.sandbox import ids
from bot.sandbox.app import TimeControlFactory, check_settings, prepare_sandbox
from bot.sandbox.demo import DemoFiles
from bot.sandbox.routes import add_routes
from bot.sandbox.state import Sandbox
from bot.server import build_web_app
from bot.settings import Settings
from bot.wiring import Core
from handlers.context import Deps
from handlers.messenger import Messenger
from storage.clock import Clock

log = logging.getLogger(__name__)


class SandboxPlatform:
    name = ids.PLATFORM

    def __init__(self, settings: Settings, *, sandbox: Sandbox | None = None) -> None:
        check_settings(settings)
        self.sandbox = sandbox

    def ready(self) -> Sandbox:
        if self.sandbox is None:
            raise RuntimeError("the sandbox is used before `prepare`")
        return self.sandbox

    async def prepare(self, core: Core) -> Core:
        """Load the demo; the bot then runs on the demo's clock, which the visitor moves."""
        if self.sandbox is None:
            self.sandbox = await prepare_sandbox(core.settings, engine=core.engine)
        return self.sandbox.core

    def messenger(self, deps: Deps) -> Messenger:
        return self.ready().messenger

    def mount(self, app: web.Application, core: Core) -> None:
        add_routes(app, self.ready())

    async def start(self, core: Core, url: str) -> None:
        if core.settings.slack_configured or core.settings.teams_configured:
            log.warning("--sandbox: messages go to the sandbox only, not to Slack or Teams")
        # Printed, not logged: this is the line a person trying nudgebot looks for.
        print(f"nudgebot sandbox: {url}", flush=True)

    async def stop(self) -> None:
        return None


@dataclass
class RunningSandbox:
    """A sandbox serving HTTP; `url` is where a browser finds it."""

    sandbox: Sandbox
    runner: web.AppRunner
    url: str

    async def stop(self) -> None:
        await self.runner.cleanup()
        await self.sandbox.core.close()


async def start_sandbox(
    settings: Settings,
    *,
    real_clock: Clock | None = None,
    files: DemoFiles | None = None,
    time_control: TimeControlFactory | None = None,
) -> RunningSandbox:
    """Prepare the sandbox and serve it (with /healthz) on HOST:PORT; PORT 0 picks a free port."""
    sandbox = await prepare_sandbox(settings, real_clock=real_clock, files=files, time_control=time_control)
    platform = SandboxPlatform(settings, sandbox=sandbox)
    runner = web.AppRunner(build_web_app(sandbox.core, [platform]))
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
    except OSError:
        await runner.cleanup()
        await sandbox.core.close()
        raise
    host, port = runner.addresses[0][:2]
    return RunningSandbox(sandbox, runner, f"http://{host}:{port}/")
