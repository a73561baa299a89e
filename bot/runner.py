"""Run the bot: one process, one event loop, one aiohttp server, one scheduler."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.logging_setup import configure_logging
from bot.server import build_web_app
from bot.settings import Settings
from bot.teams.messenger import TeamsMessenger
from bot.wiring import build_core
from storage.migrate import upgrade

log = logging.getLogger(__name__)


async def serve(settings: Settings, *, force_sandbox: bool = False) -> None:
    configure_logging(settings.log_level)
    core = build_core(settings)
    await upgrade(core.engine)
    if settings.teams_configured and core.deps.messenger is None:
        core = core.with_messenger(TeamsMessenger.from_settings(settings, core.deps))
    web_app = build_web_app(core)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    log.info("nudgebot listening on http://%s:%s/", settings.host, settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await core.close()
