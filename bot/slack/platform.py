"""Slack as a `Platform`: one bolt app per process, served on POST /slack/events (HTTP mode) or over
Socket Mode's websocket when SLACK_APP_TOKEN is set, and `SlackMessenger` for the jobs."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.settings import Settings, SettingsError
from bot.slack import ids
from bot.slack.app import build_slack_app, events_route, secret, socket_mode
from bot.slack.messenger import SlackMessenger, messenger_client
from bot.wiring import Core
from handlers.context import Deps
from handlers.messenger import Messenger

log = logging.getLogger(__name__)


class SlackPlatform:
    name = ids.PLATFORM

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.socket_mode = socket_mode(settings)
        self._bolt: AsyncApp | None = None
        self._socket: AsyncSocketModeHandler | None = None

    def bolt(self, core: Core) -> AsyncApp:
        """The one bolt app, whichever way Slack's requests arrive."""
        if self._bolt is None:
            self._bolt = build_slack_app(core)
        return self._bolt

    async def prepare(self, core: Core) -> Core:
        return core

    def messenger(self, deps: Deps) -> Messenger:
        client = messenger_client(secret(self.settings.slack_bot_token), self.settings.slack_api_url)
        return SlackMessenger(client, deps)

    def mount(self, app: web.Application, core: Core) -> None:
        """HTTP mode: events, commands and interactivity all arrive on POST /slack/events."""
        if self.socket_mode:
            return
        signing_secret = secret(self.settings.slack_signing_secret)
        if not signing_secret:
            raise SettingsError("setting SLACK_SIGNING_SECRET: required to receive Slack requests over HTTP")
        app.router.add_post(ids.EVENTS_PATH, events_route(self.bolt(core), signing_secret))

    async def start(self, core: Core, url: str) -> None:
        """Socket Mode: Slack is reached over a websocket, no public URL needed."""
        if not self.socket_mode:
            return
        handler = AsyncSocketModeHandler(self.bolt(core), secret(self.settings.slack_app_token))
        await handler.connect_async()  # type: ignore[no-untyped-call]
        self._socket = handler
        log.info("connected to Slack in Socket Mode")

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
