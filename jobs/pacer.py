"""A token-bucket pacer for bulk sends: a workspace budget plus a per-channel rate, and 429 back-off.

The composition root passes the platform's rates (`PaceRates`); a `Retry-After` from the platform is
honoured before the next send to that channel. Time comes from the event loop's monotonic clock, which
is what `asyncio.sleep` waits on, so pacing is real even when the job runs "as of" another date.
"""

from __future__ import annotations

import asyncio

from jobs.config import PaceRates


class Pacer:
    """`await pacer.wait(channel)` returns when one more message may go to `channel`."""

    def __init__(self, rates: PaceRates) -> None:
        self._rate = max(rates.workspace_per_second, 0.001)
        self._channel_gap = 1.0 / max(rates.channel_per_second, 0.001)
        # A small burst: enough to keep concurrent senders busy, small enough to stay under the budget.
        self._capacity = max(1.0, min(self._rate, 5.0))
        self._tokens = self._capacity
        self._updated: float | None = None
        self._next_for_channel: dict[str, float] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _refill(self, now: float) -> None:
        if self._updated is None:
            self._updated = now
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
        self._updated = now

    async def wait(self, channel: str) -> None:
        while True:
            async with self._lock:
                now = self._now()
                ready_at = max(self._next_for_channel.get(channel, 0.0), self._paused_until)
                if ready_at <= now:
                    # Waiting for a token holds the lock, so tokens go out in order and are never oversold.
                    self._refill(now)
                    while self._tokens < 1.0:
                        await asyncio.sleep((1.0 - self._tokens) / self._rate)
                        self._refill(self._now())
                    self._tokens -= 1.0
                    self._next_for_channel[channel] = self._now() + self._channel_gap
                    return
            # A busy channel waits without the lock: other channels keep going meanwhile.
            await asyncio.sleep(ready_at - now)

    def back_off(self, channel: str, seconds: float, *, workspace: bool = False) -> None:
        """The platform said wait (`Retry-After`): nothing more to `channel` (or anywhere) until then."""
        until = self._now() + max(seconds, 0.0)
        self._next_for_channel[channel] = max(self._next_for_channel.get(channel, 0.0), until)
        if workspace:
            self._paused_until = max(self._paused_until, until)
