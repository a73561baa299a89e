"""Run the bot: one process, one event loop, one aiohttp server, one scheduler, and the platforms
the settings configure (or the sandbox), none of them named here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.health import Health
from bot.lifecycle import Lifecycle
from bot.logging_setup import configure_logging
from bot.metrics import CountingMessenger, Metrics
from bot.platform import Platform
from bot.platforms import combined_messenger, platforms_to_serve
from bot.scheduling import start_jobs
from bot.server import build_web_app
from bot.settings import Settings
from bot.wiring import build_core
from storage.migrate import upgrade

log = logging.getLogger(__name__)


async def serve(settings: Settings, *, force_sandbox: bool = False) -> None:
    configure_logging(settings.log_level, settings.log_format)
    # Built first: a platform refuses settings it cannot run with before the database is touched.
    platforms = platforms_to_serve(settings, force_sandbox=force_sandbox)
    lifecycle = Lifecycle()
    lifecycle.install_signal_handlers()
    metrics = Metrics()
    core = build_core(settings)
    started: list[Platform] = []
    runner: web.AppRunner | None = None
    jobs = None
    try:
        await upgrade(core.engine)
        for platform in platforms:
            core = await platform.prepare(core)
        messenger = combined_messenger(
            platforms,
            core.deps,
            primary=settings.primary_platform,
            wrap=lambda name, inner: CountingMessenger(inner, name, metrics),
        )
        if messenger is not None:
            core = core.with_messenger(messenger)
        health = Health(core, lifecycle, metrics, platforms={p.name: _started(started, p) for p in platforms})
        runner = web.AppRunner(build_web_app(core, platforms, health=health))
        await runner.setup()
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        host, port = runner.addresses[0][:2]
        url = f"http://{host}:{port}/"
        log.info("nudgebot listening on %s", url)
        for platform in platforms:
            await platform.start(core, url)
            started.append(platform)
        # The schedule runs on the core's clock: the sandbox's is the demo's, wherever the visitor moved it.
        jobs = start_jobs(core, metrics)
        await lifecycle.wait_for_stop()
        # /readyz answers 503 from now on; running jobs finish (or are cancelled) and the lock is let go,
        # while requests are still served until the load balancer has had time to notice.
        draining: list[Awaitable[None]] = [asyncio.sleep(settings.shutdown_delay_seconds)]
        if jobs is not None:
            draining.append(jobs.drain(settings.drain_seconds))
        await asyncio.gather(*draining)
        jobs = None
        log.info("drained; stopping")
    finally:
        if jobs is not None:
            await jobs.stop()
        for platform in reversed(started):
            await platform.stop()
        if runner is not None:
            await runner.cleanup()
        await core.close()


def _started(started: list[Platform], platform: Platform) -> Callable[[], bool]:
    """Readiness of one platform: it has started (Socket Mode connected, the sandbox serving)."""
    return lambda: platform in started
