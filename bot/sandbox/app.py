"""Put a sandbox together: demo data, its clock, its messenger, and the core they drive."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.sandbox.clock import DemoClock
from bot.sandbox.demo import DemoFiles, demo_start, load_demo, plan_period
from bot.sandbox.messenger import SandboxMessenger
from bot.sandbox.state import Sandbox, TimeControl
from bot.sandbox.timecontrol import default_time_control
from bot.settings import Settings, SettingsError
from bot.wiring import Core, build_core
from storage.clock import Clock, SystemClock
from storage.migrate import upgrade

log = logging.getLogger(__name__)

# Builds the move-time control once the core (with the sandbox's messenger) exists.
TimeControlFactory = Callable[[Core], TimeControl | None]


def check_loopback(host: str) -> None:
    """The sandbox has no login: anyone who reaches it can act as anyone, so it listens on loopback only."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SettingsError(
            f"setting HOST: the sandbox has no login, so it listens on loopback only (127.0.0.1), "
            f"not {host!r}; configure Slack or Teams to serve on another address"
        )


def check_settings(settings: Settings) -> None:
    """Refuse, before anything is written, settings the sandbox must not serve with."""
    check_loopback(settings.host)
    if settings.environment == "production":
        # Its conversations are a demo's: real nudges sent into it would never reach anybody.
        raise SettingsError("setting ENVIRONMENT: the sandbox is for trying nudgebot out, not for production")


async def prepare_sandbox(
    settings: Settings,
    *,
    real_clock: Clock | None = None,
    files: DemoFiles | None = None,
    time_control: TimeControlFactory | None = None,
    engine: AsyncEngine | None = None,
) -> Sandbox:
    """Migrate, load the demo into an empty database, and start the demo's clock where the plan has news.

    `real_clock` is what the demo clock runs on (a FixedClock in tests stops it); `engine`, when given,
    is shared with the caller's core.
    """
    check_settings(settings)
    real = real_clock or SystemClock()
    clock = DemoClock(real.now(), real=real)
    core = build_core(settings, clock=clock, engine=engine)
    await upgrade(core.engine)
    if await load_demo(core.deps, files):
        log.info("sandbox: loaded the demo plan and people into the empty database")
    period = await plan_period(core.deps)
    start = None
    if period is not None:
        today = real.now().astimezone(settings.zone).date()
        start = demo_start(
            today=today,
            plan_starts=period[0],
            plan_ends=period[1],
            zone=settings.zone,
            at=settings.nudge_time,
        )
        clock.move_to(start)
    messenger = SandboxMessenger(clock)
    core = core.with_messenger(messenger)
    control = (time_control or default_time_control)(core)
    return Sandbox(core=core, clock=clock, messenger=messenger, time_control=control, started=start)
