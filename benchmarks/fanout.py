"""Fan-out: 2,000 owners due at once, sent through a fake Slack that enforces a workspace budget of R
messages a second and one a second per channel (HTTP 429 with Retry-After beyond). Prints the achieved
rate ÷ R, and the lost and duplicated messages. Sends go through the real `SlackMessenger`.
Goal: ≥ 0.9 of the budget, zero lost, zero duplicated.

`BENCH_RATE` (default 50) sets R; `BENCH_OWNERS` (default 2000) the number of owners.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from benchmarks.synthetic import synthetic_plan
from bot.slack.messenger import SlackMessenger, messenger_client
from handlers.context import Channels, Deps
from jobs.catalogue import run_job
from jobs.config import EngineSettings, PaceRates
from jobs.context import JobContext
from storage.clock import FixedClock
from storage.db import session_factory
from tests.support.fakes.slack_api import FakeSlack

# Monday 7 October 2024, 10:30 in London: every owner's monthly update is due.
AT = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)


class Budget:
    """The fake's rate limits: a token bucket of R/s (a fifth of a second of burst) and 1/s per channel."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate / 5)
        self.tokens = self.capacity
        self.updated = time.monotonic()
        self.channel_free_at: dict[str, float] = {}
        self.accepted_at: list[float] = []
        self.refused = 0

    def __call__(self, method: str, args: dict[str, Any]) -> web.Response | None:
        if method != "chat.postMessage":
            return None
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        channel = str(args.get("channel", ""))
        if self.tokens < 1 or self.channel_free_at.get(channel, 0.0) > now:
            self.refused += 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        self.tokens -= 1
        self.channel_free_at[channel] = now + 1.0
        self.accepted_at.append(now)
        return None


async def main() -> None:
    rate = float(os.environ.get("BENCH_RATE", "50"))
    owners = int(os.environ.get("BENCH_OWNERS", "2000"))
    with tempfile.TemporaryDirectory() as folder:
        engine = await synthetic_plan(
            Path(folder) / "fanout.db", actions=owners, owners=owners, evidence_per_action=1, mixed=False
        )
        slack = await FakeSlack().start()
        budget = Budget(rate)
        slack.hooks.append(budget)
        try:
            settings = EngineSettings(
                rates=PaceRates(workspace_per_second=rate, channel_per_second=1, concurrency=8)
            )
            sessions = session_factory(engine)
            # The real Slack adapter's messenger (conversations.open, then chat.postMessage), no retries.
            deps = Deps(sessions, FixedClock(AT), Channels(smt="smt", reci="reci"))
            messenger = SlackMessenger(messenger_client("xoxb-bench", slack.api_url), deps)
            ctx = JobContext(deps=replace(deps, messenger=messenger), settings=settings)
            started = time.monotonic()
            report = await run_job(ctx, "nudges", at=AT)
            total = time.monotonic() - started
        finally:
            await slack.stop()
            await engine.dispose()
    delivered = Counter(str(c.args["channel"]) for c in slack.calls_to("chat.postMessage"))
    # The fake opens the DM with user U… as channel DU….
    expected = {f"DU{i:06d}" for i in range(1, owners + 1)}
    lost = len(expected - set(delivered))
    duplicated = sum(n - 1 for n in delivered.values() if n > 1)
    times = budget.accepted_at
    achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    print(f"fan-out: {owners} owners due, workspace budget R = {rate:g}/s, 1/s per channel")
    print(f"  delivered {sum(delivered.values())} messages in {total:.1f} s (whole job, planning included)")
    print(f"  achieved send rate {achieved:.1f}/s = {achieved / rate:.2f} of the budget (goal ≥ 0.90)")
    failed = len(report.failed)
    print(f"  lost {lost}, duplicated {duplicated}, refused with 429 {budget.refused}, failed {failed}")


if __name__ == "__main__":
    asyncio.run(main())
