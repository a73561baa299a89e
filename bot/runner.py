"""Run the bot: one process, one event loop, one aiohttp server, one scheduler."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.logging_setup import configure_logging
from bot.messengers import PlatformMessengers
from bot.sandbox.app import sandbox_wanted, start_sandbox
from bot.scheduling import start_jobs
from bot.server import build_web_app
from bot.settings import Settings
from bot.slack.app import build_slack_app, secret
from bot.slack.messenger import SlackMessenger, messenger_client
from bot.teams.messenger import TeamsMessenger
from bot.wiring import Core, build_core
from handlers.messenger import Messenger
from storage.migrate import upgrade

log = logging.getLogger(__name__)


async def serve(settings: Settings, *, force_sandbox: bool = False) -> None:
    configure_logging(settings.log_level)
    if sandbox_wanted(settings, force=force_sandbox):
        await serve_sandbox(settings)
        return
    core = build_core(settings)
    await upgrade(core.engine)
    messengers: dict[str, Messenger] = {}
    if settings.slack_configured:
        client = messenger_client(secret(settings.slack_bot_token), settings.slack_api_url)
        messengers["slack"] = SlackMessenger(client, core.deps)
    if settings.teams_configured:
        messengers["teams"] = TeamsMessenger.from_settings(settings, core.deps)
    if len(messengers) == 1:
        core = core.with_messenger(next(iter(messengers.values())))
    elif messengers:
        core = core.with_messenger(PlatformMessengers(messengers, primary="slack"))
    socket = await start_socket_mode(core)
    web_app = build_web_app(core)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    log.info("nudgebot listening on http://%s:%s/", settings.host, settings.port)
    jobs = start_jobs(core)
    try:
        await asyncio.Event().wait()
    finally:
        if jobs is not None:
            await jobs.stop()
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]
        await runner.cleanup()
        await core.close()


async def start_socket_mode(core: Core) -> AsyncSocketModeHandler | None:
    """Socket Mode when SLACK_APP_TOKEN is set: Slack is reached over a websocket, no public URL needed."""
    app_token = secret(core.settings.slack_app_token)
    if not (core.settings.slack_configured and app_token):
        return None
    handler = AsyncSocketModeHandler(build_slack_app(core), app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("connected to Slack in Socket Mode")
    return handler


async def serve_sandbox(settings: Settings) -> None:
    """No chat credentials (or --sandbox): the local sandbox, with demo data in an empty database."""
    if settings.slack_configured or settings.teams_configured:
        log.warning("--sandbox: messages go to the sandbox only, not to Slack or Teams")
    running = await start_sandbox(settings)
    # The schedule runs on the demo's clock: each tick is "as of" wherever the visitor moved time.
    jobs = start_jobs(running.sandbox.core)
    # Printed, not logged: this is the line a person trying nudgebot looks for.
    print(f"nudgebot sandbox: {running.url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        if jobs is not None:
            await jobs.stop()
        await running.stop()
