"""A replica's life: serving, then draining on SIGTERM (or Ctrl-C), then a clean exit with status 0.

While draining, `/readyz` answers 503 so the load balancer sends no new requests, the schedule starts
nothing new, running jobs get `DRAIN_SECONDS` to finish before they are cancelled (a cancelled send's
row stays claimed and its lease hands it to another replica), and the scheduler lock is let go so a
follower takes over at its next try rather than after the lease.
"""

from __future__ import annotations

import asyncio
import logging
import signal

log = logging.getLogger(__name__)


class Lifecycle:
    """Whether this process is still serving, and the event that tells `serve` to begin draining."""

    def __init__(self) -> None:
        self.draining = False
        self._stop = asyncio.Event()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.request_stop, signum)

    def request_stop(self, signum: int | None = None) -> None:
        if not self.draining:
            name = signal.Signals(signum).name if signum is not None else "a request"
            log.info("%s received: draining (no new work; running jobs may finish)", name)
        self.draining = True
        self._stop.set()

    async def wait_for_stop(self) -> None:
        await self._stop.wait()
