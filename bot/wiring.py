"""The composition root: settings → engine → sessions → dependencies. Nothing is built at import time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from handlers.context import Channels, Deps
from handlers.features import build_router
from handlers.messenger import Messenger
from handlers.router import Router
from storage.clock import Clock, SystemClock
from storage.db import PoolSettings, create_engine, session_factory


@dataclass
class Core:
    """What every entry point (the server, the command line, tests) shares."""

    settings: Settings
    engine: AsyncEngine
    deps: Deps
    router: Router

    def with_messenger(self, messenger: Messenger) -> Core:
        deps = Deps(
            sessions=self.deps.sessions,
            clock=self.deps.clock,
            channels=self.deps.channels,
            messenger=messenger,
            timezone=self.deps.timezone,
        )
        return Core(settings=self.settings, engine=self.engine, deps=deps, router=self.router)

    async def close(self) -> None:
        await self.engine.dispose()


def pool_settings(settings: Settings) -> PoolSettings:
    return PoolSettings(
        size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        timeout=settings.db_pool_timeout,
        connect_timeout=settings.db_connect_timeout,
        statement_timeout=settings.db_statement_timeout_seconds,
    )


def build_core(settings: Settings, *, clock: Clock | None = None, engine: AsyncEngine | None = None) -> Core:
    engine = engine or create_engine(settings.database_url, pool=pool_settings(settings))
    deps = Deps(
        sessions=session_factory(engine),
        clock=clock or SystemClock(),
        channels=Channels(smt=settings.smt_channel, reci=settings.reci_channel),
        timezone=settings.timezone,
    )
    return Core(settings=settings, engine=engine, deps=deps, router=build_router())
