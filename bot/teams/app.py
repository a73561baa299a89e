"""The Teams AgentApplication and CloudAdapter over the neutral router, and the POST /api/messages route."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes
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
# The activity model logs each validation error, quoting the input, before it raises; the route
# refuses such a body with 400 and logs why itself.
_SDK_ACTIVITY_LOGGER = "microsoft_agents.activity.activity"
_SDK_ERROR_PREFIXES = (
    "An error occurred in the AgentApplication",
    "Calling error handler",
    "Validation error for Activity",
)


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
    for name in (_SDK_APP_LOGGER, _SDK_ACTIVITY_LOGGER):
        logging.getLogger(name).addFilter(_DROP_ERROR_TEXT)  # once: the same filter object
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

    async def on_installation_update(context: TurnContext, _state: TurnState) -> None:
        await turns.on_installation_update(core, context)

    agent.activity(ActivityTypes.installation_update)(on_installation_update)
    agent.error(turns.on_error)
    return TeamsBot(app_id=core.settings.teams_app_id or "", agent=agent, adapter=adapter, auth=auth)


def messages_route(bot: TeamsBot) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """POST /api/messages: the token check guards this route only (Slack's route has its own)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        problem = activity_problem(await _json(request))
        if problem:
            log.info("refused a malformed teams activity: %s", problem)
            return web.json_response({"error": problem}, status=400)
        response = await start_agent_process(request, bot.agent, bot.adapter)
        return response if response is not None else web.Response(status=202)

    return guarded(bot.auth.check, handle)


async def _json(request: web.Request) -> Any:
    try:
        return json.loads(await request.read())
    except ValueError:  # not JSON, or not UTF-8
        return None


# What every turn reads before any handler runs (the SDK's state keys, the reply address): without
# them the SDK raises inside the turn, the person gets a sorry, and the log an ERROR.
_REQUIRED = (("type",), ("channelId",), ("serviceUrl",), ("conversation", "id"), ("from", "id"))


def activity_problem(body: Any) -> str:
    """Why a token-checked body is not an activity nudgebot can answer, or "" when it is."""
    if not isinstance(body, dict):
        return "body is not an activity object"
    for path in _REQUIRED:
        value: Any = body
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value.strip():
            return f"activity without {'.'.join(path)}"
    try:
        Activity.model_validate(body)
    except ValueError:  # pydantic's ValidationError is a ValueError
        return "activity of the wrong shape"
    return ""


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
