"""The one aiohttp server: every platform mounts its routes on it, beside /healthz for load balancers."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from bot.health import Health, add_health_routes, healthz
from bot.metrics import request_timer
from bot.platform import Platform
from bot.wiring import Core


def build_web_app(
    core: Core, platforms: Sequence[Platform], *, health: Health | None = None
) -> web.Application:
    """/healthz and each platform's own routes (`Platform.mount`); with `health`, also `/readyz`,
    `/metrics` and request timing (bot/health.py)."""
    middlewares = [request_timer(health.metrics)] if health is not None else []
    app = web.Application(client_max_size=1024 * 1024, middlewares=middlewares)
    app.router.add_get("/healthz", healthz)
    if health is not None:
        add_health_routes(app, health)
    for platform in platforms:
        platform.mount(app, core)
    return app
