"""The one aiohttp server: Slack, Teams and the sandbox share it, with /healthz for load balancers."""

from __future__ import annotations

from aiohttp import web

from bot.teams.app import mount_teams
from bot.wiring import Core


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_web_app(core: Core) -> web.Application:
    """Routes for whichever surfaces are configured. Adapters add their own routes here."""
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
    if core.settings.teams_configured:
        mount_teams(app, core)
    return app
