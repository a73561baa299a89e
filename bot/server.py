"""The one aiohttp server: Slack, Teams and the sandbox share it, with /healthz for load balancers."""

from __future__ import annotations

from aiohttp import web

from bot.settings import SettingsError
from bot.slack import ids as slack_ids
from bot.slack.app import build_slack_app, events_route, secret
from bot.teams.app import mount_teams
from bot.wiring import Core


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_web_app(core: Core) -> web.Application:
    """Routes for whichever surfaces are configured. Adapters add their own routes here."""
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
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
