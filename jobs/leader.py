"""Exactly one scheduler: on PostgreSQL the process holding an advisory lock; on SQLite, this process.

The lock lives on a dedicated connection held for the life of the process: when the holder dies its
connection closes, PostgreSQL releases the lock, and another process's next try (every minute) wins it.
SQLite serves one process (DESIGN §6), so there the caller is always the leader.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

# An arbitrary constant naming "the nudgebot scheduler" among advisory locks (ASCII "nudg").
SCHEDULER_LOCK_KEY = 0x6E756467
RETRY_SECONDS = 60.0


class Leadership:
    def __init__(self, engine: AsyncEngine, *, key: int = SCHEDULER_LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._engine.dialect.name != "postgresql"

    async def try_acquire(self) -> bool:
        if self._engine.dialect.name != "postgresql":
            return True
        if self._connection is not None:
            return True
        connection = await self._engine.connect()
        try:
            got = bool(await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}))
            # Leave no transaction open on the held connection: the lock is session-level.
            await connection.commit()
        except Exception:
            await connection.close()
            raise
        if not got:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def run_when_leader(
        self, start: Callable[[], Awaitable[None]], *, retry_seconds: float = RETRY_SECONDS
    ) -> None:
        """Try now and then every `retry_seconds` until this process leads; then call `start` once."""
        while not await self.try_acquire():
            log.info("another process runs the scheduler; trying again in %.0f s", retry_seconds)
            await asyncio.sleep(retry_seconds)
        log.info("this process runs the scheduler")
        await start()

    async def release(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            finally:
                await connection.close()
