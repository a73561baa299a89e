"""The one aiohttp server: every platform mounts its routes on it, beside /healthz for load balancers."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from bot.platform import Platform
from bot.wiring import Core


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_web_app(core: Core, platforms: Sequence[Platform]) -> web.Application:
    """/healthz and each platform's own routes (`Platform.mount`)."""
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
    for platform in platforms:
        platform.mount(app, core)
    return app
