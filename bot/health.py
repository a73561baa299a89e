"""`/healthz` (the process is alive), `/readyz` (it should get traffic) and `/metrics` (Prometheus).

`/readyz` answers 200 only when the database answers within two seconds, its schema is the one this
code knows as newest, every configured platform has started, and the process is not draining; its
body names which check failed (never an error's text, which could carry a connection string).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.lifecycle import Lifecycle
from bot.metrics import Metrics, metrics_route
from bot.wiring import Core
from storage.health import ping
from storage.migrate import current_revision, head_revision

READY_TIMEOUT_SECONDS = 2.0


@dataclass
class Health:
    """What the health routes read: the core, the lifecycle, the metrics, and platform readiness."""

    core: Core
    lifecycle: Lifecycle
    metrics: Metrics
    # Each configured platform's "started and connected?" check, by platform name.
    platforms: dict[str, Callable[[], bool]] = field(default_factory=dict)

    async def checks(self) -> dict[str, bool]:
        out = {"serving": not self.lifecycle.draining}
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS):
                async with self.core.deps.sessions() as session:
                    await ping(session)
                out["database"] = True
                out["schema"] = await current_revision(self.core.engine) == head_revision()
        except Exception:
            out["database"] = False
            out["schema"] = False
        for name, connected in self.platforms.items():
            out[f"platform:{name}"] = connected()
        return out


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def add_health_routes(app: web.Application, health: Health) -> None:
    async def readyz(_request: web.Request) -> web.Response:
        checks = await health.checks()
        ready = all(checks.values())
        health.metrics.ready.set(1 if ready else 0)
        body = {"status": "ready" if ready else "not ready", "checks": checks}
        return web.json_response(body, status=200 if ready else 503)

    async def refresh_outbox() -> None:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await health.metrics.refresh_outbox(health.core.deps.sessions)

    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_route(health.metrics, [refresh_outbox]))
