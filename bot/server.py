"""The one aiohttp server: Slack, Teams and the sandbox share it, with /healthz for load balancers."""

from __future__ import annotations

from aiohttp import web

from bot.sandbox.routes import add_routes as add_sandbox_routes
from bot.sandbox.state import Sandbox
from bot.settings import SettingsError
from bot.slack import ids as slack_ids
from bot.slack.app import build_slack_app, events_route, secret
from bot.teams.app import mount_teams
from bot.wiring import Core


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_web_app(core: Core, *, sandbox: Sandbox | None = None) -> web.Application:
    """Routes for whichever surfaces are configured. Adapters add their own routes here.

    The sandbox serves instead of the chat platforms, never beside them: its messenger is a demo's.
    """
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
    if sandbox is not None:
        add_sandbox_routes(app, sandbox)
        return app
    if core.settings.slack_configured and core.settings.slack_app_token is None:
        mount_slack(app, core)
    if core.settings.teams_configured:
        mount_teams(app, core)
    return app


def mount_slack(app: web.Application, core: Core) -> None:
    """HTTP mode: events, commands and interactivity all arrive on POST /slack/events."""
    signing_secret = secret(core.settings.slack_signing_secret)
    if not signing_secret:
        raise SettingsError("setting SLACK_SIGNING_SECRET: required to receive Slack requests over HTTP")
    app.router.add_post(slack_ids.EVENTS_PATH, events_route(build_slack_app(core), signing_secret))
