"""The Teams AgentApplication and CloudAdapter over the neutral router, and the POST /api/messages route."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.aiohttp import CloudAdapter, start_agent_process
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.app.proactive import ProactiveOptions

from bot.teams import ids, turns
from bot.teams.auth import TeamsAuth
from bot.teams.tokens import guarded
from bot.wiring import Core

log = logging.getLogger(__name__)
# The SDK logs every turn error with its message, which can quote a person's text or SQL parameters;
# `turns.on_error` logs the kind and the place instead (DESIGN §5), so those two records are dropped.
_SDK_APP_LOGGER = "microsoft_agents.hosting.core.app.agent_application"
_SDK_ERROR_PREFIXES = ("An error occurred in the AgentApplication", "Calling error handler")


class _DropErrorText(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_SDK_ERROR_PREFIXES)


_DROP_ERROR_TEXT = _DropErrorText()


@dataclass(frozen=True)
class TeamsBot:
    """What the route and the messenger share: the application, its adapter and how it authenticates."""

    app_id: str
    agent: AgentApplication[TurnState]
    adapter: CloudAdapter
    auth: TeamsAuth


def build_teams_bot(core: Core, auth: TeamsAuth, adapter: CloudAdapter) -> TeamsBot:
    """The application over `adapter`, the one the messenger sends through too."""
    logging.getLogger(_SDK_APP_LOGGER).addFilter(_DROP_ERROR_TEXT)  # once: the same filter object
    # The SDK's default turn-error handler sends the exception text to the user; ours says sorry plainly.
    adapter.on_turn_error = turns.on_error
    agent: AgentApplication[TurnState] = AgentApplication[TurnState](
        ApplicationOptions(
            # Turn state only: nudgebot keeps nothing in it. Conversation references go to the database.
            storage=MemoryStorage(),
            bot_app_id=core.settings.teams_app_id or "",
            # A typing indicator is one more Bot Connector call per turn, against the rate limit.
            start_typing_timer=False,
            remove_recipient_mention=True,
            proactive=ProactiveOptions(),
        ),
        connection_manager=auth.connections,
    )

    async def on_message(context: TurnContext, _state: TurnState) -> None:
        await turns.on_message(core, context)

    async def on_members_added(context: TurnContext, _state: TurnState) -> None:
        await turns.on_members_added(core, context)

    agent.activity(ActivityTypes.message)(on_message)
    agent.conversation_update("membersAdded")(on_members_added)
    agent.error(turns.on_error)
    return TeamsBot(app_id=core.settings.teams_app_id or "", agent=agent, adapter=adapter, auth=auth)


def messages_route(bot: TeamsBot) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """POST /api/messages: the token check guards this route only (Slack's route has its own)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        response = await start_agent_process(request, bot.agent, bot.adapter)
        return response if response is not None else web.Response(status=202)

    return guarded(bot.auth.check, handle)


def mount_teams(app: web.Application, core: Core, auth: TeamsAuth, adapter: CloudAdapter) -> TeamsBot:
    bot = build_teams_bot(core, auth, adapter)
    check = bot.auth.check

    async def fetch_keys(_app: web.Application) -> None:
        check.start()

    async def stop_fetching(_app: web.Application) -> None:
        await check.close()

    if bot.auth.verified:
        app.on_startup.append(fetch_keys)
    app.on_cleanup.append(stop_fetching)
    app.router.add_post(ids.MESSAGES_PATH, messages_route(bot))
    log.info("teams endpoint mounted (token check %s)", "on" if bot.auth.verified else "OFF, development")
    return bot
