"""Serve an aiohttp application on a free loopback port (port 0), for fakes and apps under test."""

from __future__ import annotations

from typing import Self

from aiohttp import web


async def serve_on_loopback(app: web.Application) -> tuple[web.AppRunner, int]:
    """Start `app` on 127.0.0.1 at a port the system picks; returns the runner (to clean up) and the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    sockets = getattr(server, "sockets", None)
    assert sockets, "the site has no listening socket"
    return runner, int(sockets[0].getsockname()[1])


class LoopbackServer:
    """A fake platform server: `start()` serves `add_routes` on a free loopback port, `stop()` ends it."""

    port: int = 0
    _runner: web.AppRunner | None = None
    # Bytes a request body may have (uploads to a fake Slack are pictures).
    max_body: int = 1024 * 1024

    def add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> Self:
        app = web.Application(client_max_size=self.max_body)
        self.add_routes(app)
        self._runner, self.port = await serve_on_loopback(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
