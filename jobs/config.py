"""The engine's settings as a plain dataclass: the composition root fills it from `bot.settings`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class PaceRates:
    """How fast the platform lets us post: a workspace-wide budget and a per-channel rate (messages/s)."""

    workspace_per_second: float = 10.0
    channel_per_second: float = 1.0
    # How many sends may be in flight at once (each still waits for the pacer).
    concurrency: int = 4


@dataclass(frozen=True)
class EngineSettings:
    """Everything the jobs need to know about timing, retries and where digests go."""

    smt_channel: str = "smt"
    reci_channel: str = "reci"
    timezone: str = "Europe/London"
    nudge_time: time = time(9, 30)
    quiet_hours_start: time = time(18, 0)
    quiet_hours_end: time = time(8, 0)
    reminder_after_working_days: int = 3
    escalate_after_reminders: int = 2
    # How often the nudge job ticks, and how late a missed run (or digest) may still go out.
    nudge_tick_minutes: int = 15
    misfire_grace_seconds: int = 6 * 3600
    # Weekly SMT digest (cron day of week, local time) and monthly RECI digest (day of month).
    smt_digest_day: str = "mon"
    smt_digest_time: time = time(9, 0)
    reci_digest_day: int = 1
    reci_digest_time: time = time(10, 0)
    # Sends: tries before a row is marked failed, first backoff (doubling), and the lease after which
    # a row left "sending" by a crashed process is offered again.
    max_attempts: int = 5
    retry_backoff_seconds: int = 60
    lease_seconds: int = 300
    # A 429 whose Retry-After is at most this long is waited out inside the run.
    max_inline_wait_seconds: float = 60.0
    rates: PaceRates = PaceRates()
